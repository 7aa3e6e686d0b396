#!/usr/bin/env bash
# Measures sz-nn's engine throughput (images/s) for every demo model on 1 and 2 OpenBLAS
# threads and writes Benchmarks/engine/results.md.
#
#   Benchmarks/engine/run.sh            # from the repository root
#
# Training: `sz-nn train --epochs 1 --max-batches N` (the model's own batch size and optimizer;
# the time of the steps only, validation excluded). Evaluation: `sz-nn eval --json` on the
# 15,000 validation + test images, batch 128. Each figure is the best of REPEATS runs, since
# the 2-core machine is shared. Needs the trained weights in Data/models/.
set -euo pipefail
cd "$(dirname "$0")/../.."

REPEATS=${REPEATS:-2}
SCRATCH=${SCRATCH:-.build-engine}
swift build -c release --scratch-path "$SCRATCH" --product sz-nn >/dev/null
BIN="$SCRATCH/release/sz-nn"
TMP=$(mktemp -d)
trap 'rm -rf "$TMP"' EXIT

# model  batches-per-training-run
MODELS=("lenet-300-100 300" "lenet5 150" "vgg-mnist 40")

best() { sort -g | tail -1; }

rows=()
for entry in "${MODELS[@]}"; do
    read -r model batches <<<"$entry"
    for threads in 1 2; do
        train=$(for _ in $(seq "$REPEATS"); do
            "$BIN" train --model "Configs/models/$model.json" --epochs 1 --max-batches "$batches" \
                --threads "$threads" -o "$TMP/$model.safetensors" 2>/dev/null |
                sed -n 's/.*(\([0-9.]*\) training images\/s).*/\1/p'
        done | best)
        eval=$(for _ in $(seq "$REPEATS"); do
            "$BIN" eval --model "Configs/models/$model.json" --weights "Data/models/$model.safetensors" \
                --threads "$threads" --json | sed -n 's/.*"images_per_second" : \([0-9.]*\).*/\1/p'
        done | best)
        printf '%-14s threads %d  train %8.0f img/s  eval %8.0f img/s\n' "$model" "$threads" "$train" "$eval"
        rows+=("| $model | $threads | $(printf '%.0f' "$train") | $(printf '%.1f' "$(echo "55000 / $train" | bc -l)") | $(printf '%.0f' "$eval") |")
    done
done

{
    echo "# Engine throughput"
    echo
    echo "Measured $(date -u '+%Y-%m-%d %H:%M UTC') by \`Benchmarks/engine/run.sh\` on"
    echo "$(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ //'), $(nproc) cores,"
    echo "load average at the end $(cut -d' ' -f1-3 /proc/loadavg) (the machine is shared; best of $REPEATS runs)."
    echo
    echo "Training: images per second of optimisation steps (forward, backward, update) with each"
    echo "model's configured batch size and optimizer; epoch time = 55,000 / throughput."
    echo "Evaluation: inference on validation + test (15,000 images), batch 128 (the default)."
    echo
    echo "| model | OpenBLAS threads | train images/s | epoch s | eval images/s |"
    echo "| --- | ---: | ---: | ---: | ---: |"
    printf '%s\n' "${rows[@]}"
} > Benchmarks/engine/results.md
echo "wrote Benchmarks/engine/results.md"
