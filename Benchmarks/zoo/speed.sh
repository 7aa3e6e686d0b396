#!/usr/bin/env bash
# The graph engine beside PyTorch CPU on resnet-mnist, same machine, same thread counts, one run:
# training seconds per epoch (55,000 MNIST images, batch 128) and evaluation images/s (the 10,000
# test images, batch 128). Writes Benchmarks/zoo/speed.md. Needs torch in Benchmarks/peers/.venv
# (Benchmarks/zoo/setup.sh) and runs from anywhere.
set -euo pipefail
cd "$(dirname "$0")/../.."
PYTHON=${PYTHON:-Benchmarks/peers/.venv/bin/python}
SCRATCH=${SCRATCH:-.build}
swift build -c release --scratch-path "$SCRATCH" --product sz-nn >/dev/null
BIN="$SCRATCH/release/sz-nn"
MODEL=Data/models/zoo/resnet-mnist.onnx
TMP=$(mktemp -d)
trap 'rm -rf "$TMP"' EXIT

"$PYTHON" Benchmarks/zoo/torch_speed.py --runs 1 --out "$TMP/torch.json" >/dev/null
rows=()
for threads in 1 2; do
    read -r torch_epoch torch_eval < <("$PYTHON" -c "import json,sys; d=json.load(open('$TMP/torch.json')); t='$threads'; \
print(d[f'train_seconds_per_epoch_{t}_threads'], d[f'inference_images_per_second_{t}_threads'])")
    sznn_rate=$("$BIN" train --model "$MODEL" --data Data/mnist --epochs 1 --batch-size 128 --threads "$threads" \
        -o "$TMP/trained.onnx" 2>/dev/null | sed -n 's/.*(\([0-9.]*\) training images\/s).*/\1/p')
    sznn_epoch=$(echo "55000 / $sznn_rate" | bc -l)
    sznn_eval=$("$BIN" eval --model "$MODEL" --data Data/mnist --split test --threads "$threads" --json 2>/dev/null |
        sed -n 's/.*"images_per_second" : \([0-9.]*\).*/\1/p')
    rows+=("| $threads | $(printf '%.1f' "$sznn_epoch") | $(printf '%.1f' "$torch_epoch") | $(printf '%.2f' "$(echo "$sznn_epoch / $torch_epoch" | bc -l)") | $(printf '%.0f' "$sznn_eval") | $(printf '%.0f' "$torch_eval") | $(printf '%.2f' "$(echo "$sznn_eval / $torch_eval" | bc -l)") |")
done
{
    echo "# resnet-mnist: the sz-nn graph engine beside PyTorch CPU"
    echo
    echo "Written by \`Benchmarks/zoo/speed.sh\` ($(date -u +%Y-%m-%d)), one run of each, side by side on the same machine."
    echo "Training: one epoch of 55,000 images at batch 128 (sz-nn: SGD from the trained weights; PyTorch: Adam"
    echo "from fresh weights — the per-step cost is the same forward and backward). Evaluation: the 10,000 test images."
    echo
    echo "| threads | sz-nn s/epoch | PyTorch s/epoch | ratio (≤ 1.5 wanted) | sz-nn eval images/s | PyTorch eval images/s | ratio (≥ 0.8 wanted) |"
    echo "|---|---|---|---|---|---|---|"
    printf '%s\n' "${rows[@]}"
} > Benchmarks/zoo/speed.md
cat Benchmarks/zoo/speed.md
