#!/usr/bin/env bash
# LeNet-5 epoch time, sz-nn against PyTorch (CPU) on the same machine, 1 and 2 threads.
# Writes Benchmarks/engine/torch-comparison.md. Needs torch in Benchmarks/peers/.venv:
#   python3 -m venv Benchmarks/peers/.venv && Benchmarks/peers/.venv/bin/pip install torch==2.13.0+cpu numpy
# (pip on these machines finds the local CPU wheel). Runs from the repository root.
set -euo pipefail
cd "$(dirname "$0")/../.."

PYTHON=${PYTHON:-Benchmarks/peers/.venv/bin/python}
SCRATCH=${SCRATCH:-.build-engine}
swift build -c release --scratch-path "$SCRATCH" --product sz-nn >/dev/null
BIN="$SCRATCH/release/sz-nn"
TMP=$(mktemp -d)
trap 'rm -rf "$TMP"' EXIT

rows=()
for threads in 1 2; do
    torch_seconds=$("$PYTHON" Benchmarks/engine/torch_lenet5.py --threads "$threads" |
        sed -n 's/.*"seconds_per_epoch": \([0-9.]*\).*/\1/p')
    sznn_rate=$("$BIN" train --model Configs/models/lenet5.json --epochs 1 --threads "$threads" \
        -o "$TMP/lenet5.safetensors" 2>/dev/null | sed -n 's/.*(\([0-9.]*\) training images\/s).*/\1/p')
    sznn_seconds=$(echo "55000 / $sznn_rate" | bc -l)
    ratio=$(echo "$sznn_seconds / $torch_seconds" | bc -l)
    printf 'threads %d: sz-nn %.1f s/epoch, PyTorch %.1f s/epoch, ratio %.2f\n' \
        "$threads" "$sznn_seconds" "$torch_seconds" "$ratio"
    rows+=("| $threads | $(printf '%.1f' "$sznn_seconds") | $(printf '%.1f' "$torch_seconds") | $(printf '%.2f' "$ratio") |")
done

{
    echo "# LeNet-5 epoch time: sz-nn against PyTorch"
    echo
    echo "Measured $(date -u '+%Y-%m-%d %H:%M UTC') by \`Benchmarks/engine/compare_torch.sh\`;"
    echo "PyTorch $("$PYTHON" -c 'import torch; print(torch.__version__)'), $(nproc) cores,"
    echo "load average at the end $(cut -d' ' -f1-3 /proc/loadavg) (shared machine)."
    echo "Both: 55,000 images, batch 64, SGD lr 0.01 momentum 0.9 weight decay 5e-4, same"
    echo "preprocessing; time of the training steps of one epoch (sz-nn excludes validation)."
    echo
    echo "| threads | sz-nn s/epoch | PyTorch s/epoch | sz-nn / PyTorch |"
    echo "| ---: | ---: | ---: | ---: |"
    printf '%s\n' "${rows[@]}"
    echo
    echo "Reference: docs/PEERS.md records PyTorch at 22.9 s/epoch for this LeNet-5 (2 threads,"
    echo "batch 64) on a machine of this kind. PyTorch's 2-thread figure suffers most when the"
    echo "cores are shared (its OpenMP workers wait on each other)."
} > Benchmarks/engine/torch-comparison.md
echo "wrote Benchmarks/engine/torch-comparison.md"
