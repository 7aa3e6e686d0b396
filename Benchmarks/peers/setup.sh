#!/bin/sh
# Builds the peers' virtual environment in the git-ignored Benchmarks/peers/.venv/.
# Usage: Benchmarks/peers/setup.sh [--nncodec] [--nncf]
#   --nncf also installs onnx, onnxruntime and NNCF (the accuracy-control peer, nncf_at_target.py).
#   --nncodec also installs NNCodec 2.1.3 (CPU torch from the local wheel index, ~3 min compile),
#   as described in the project notes on peers (shared/docs/PEERS.md beside the repository).
set -eu
here=$(cd "$(dirname "$0")" && pwd)
python3 -m venv "$here/.venv"
pip="$here/.venv/bin/pip"
"$pip" install --quiet --upgrade pip
"$pip" install --quiet numpy pysz zfpy zstandard
for option in "$@"; do
    case "$option" in
    --nncf)
        "$pip" install --quiet onnx onnxruntime nncf ;;
    --nncodec)
        # nncodec pins numpy<2 and imports torch; torchvision (CUDA-only wheels), opencv,
        # torchmetrics and scikit-learn serve only its training helpers: run_peers.py stubs them.
        "$pip" install --quiet "numpy<2" "torch==2.13.0+cpu" pybind11 setuptools wheel scipy tqdm pandas h5py
        "$pip" install --quiet --no-deps --no-build-isolation nncodec==2.1.3 ;;
    *)
        echo "unknown option $option (use --nncodec and/or --nncf)" >&2; exit 64 ;;
    esac
done
"$here/.venv/bin/python" -c "import numpy, pysz, zfpy, zstandard; print('peers ready: numpy', numpy.__version__)"
