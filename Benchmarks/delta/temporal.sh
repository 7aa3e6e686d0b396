#!/usr/bin/env bash
# Issue 15: do contexts that remember the previous update pay? Builds a chain of refreshes of the
# embedded LeNet-5 on MNIST moved SHIFT pixels (`shifted_mnist.py`): M1 = one epoch from the base,
# M2 and M3 one more epoch each (lr 0.002), and runs temporal.py on base, M1, M2, M3, writing
# temporal.md. Usage, from anywhere, after `make build`: bash Benchmarks/delta/temporal.sh
# Environment: BINARY (default .build/release/sz-nn), SHIFT (default 2), WORK (scratch folder,
# default a fresh temporary one; learned.sh's data and first model in it are reused).
set -euo pipefail
cd "$(dirname "$0")/../.."
binary=${BINARY:-.build/release/sz-nn}
shift_pixels=${SHIFT:-2}
work=${WORK:-$(mktemp -d)}
mkdir -p "$work"
base=Data/models/lenet5.safetensors
architecture=Configs/models/lenet5.json
data=$work/mnist-shifted-$shift_pixels.npz
[ -f "$data" ] || python3 Benchmarks/delta/shifted_mnist.py Data/mnist "$shift_pixels" "$data"
chain=("$base")
previous=$base
for k in 1 2 3; do
  model=$work/lenet5-shifted-$shift_pixels.safetensors
  [ "$k" -gt 1 ] && model=$work/chain$k.safetensors
  # Seed 2 for the first refresh is learned.sh's model; the later epochs shuffle anew.
  [ -f "$model" ] || "$binary" train --model "$architecture" --weights "$previous" --data "$data" --normalize 0.1307,0.3081 \
    --epochs 1 --lr 0.002 --seed $((k == 1 ? 2 : k + 1)) -o "$model" >&2
  chain+=("$model")
  previous=$model
done
{
  echo "# Contexts that remember the previous update: LeNet-5 refreshed three epochs on shifted MNIST"
  echo
  echo "Written by \`bash Benchmarks/delta/temporal.sh\` ($(date -u +"%Y-%m-%d %H:%M UTC")): \`temporal.py\` on the base and three"
  echo "successive one-epoch refreshes on MNIST moved $shift_pixels pixels (lr 0.002). Update k is coded against the decoded"
  echo "model k − 1; bytes are the adaptive estimate of the five error-bounded tensors' indices (see temporal.py)."
  echo
  python3 Benchmarks/delta/temporal.py "${chain[@]}" --bounds 1e-4,3e-4,1e-3,3e-3,1e-2
} >Benchmarks/delta/temporal.md
echo "wrote Benchmarks/delta/temporal.md (scratch files in $work)" >&2
