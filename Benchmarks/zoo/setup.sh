#!/bin/sh
# Builds (if missing) the git-ignored virtual environment Benchmarks/peers/.venv/ with what the
# model zoo needs: CPU torch, numpy, onnx, onnxruntime, onnxscript and scikit-learn.
# Usage: Benchmarks/zoo/setup.sh      (idempotent: an existing venv only gets missing packages)
set -eu
here=$(cd "$(dirname "$0")" && pwd)
venv="$here/../peers/.venv"
[ -x "$venv/bin/python" ] || python3 -m venv "$venv"
if ! "$venv/bin/python" -c "import torch, numpy, onnx, onnxruntime, onnxscript, sklearn" 2>/dev/null; then
    pip="$venv/bin/pip"
    "$pip" install --quiet --upgrade pip
    "$pip" install --quiet "torch==2.13.0+cpu" numpy onnx onnxruntime onnxscript scikit-learn
fi
"$venv/bin/python" -c "import torch, onnx, onnxruntime, sklearn; print('zoo ready: torch', torch.__version__, 'onnx', onnx.__version__, 'onnxruntime', onnxruntime.__version__, 'scikit-learn', sklearn.__version__)"
