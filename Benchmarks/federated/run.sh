#!/bin/bash
# Runs `sz-nn federated` side by side (every method, iid; then non-iid) on the embedded default
# (LeNet-5 Caffe, MNIST) and writes Benchmarks/federated/results.md, the JSON logs and the plots.
# Usage, from the repository root: bash Benchmarks/federated/run.sh
# Settings through the environment (defaults in brackets): ROUNDS [12], LOCAL_STEPS [50],
# CLIENTS [10], ROUND_TEST_IMAGES [2000], METHODS [fedavg,topk,sbc,eb-fixed,eb],
# NONIID_METHODS [fedavg,sbc,eb], EXTRA (more options for both runs, e.g. "--lr 0.02").
set -euo pipefail
ROUNDS=${ROUNDS:-12}
LOCAL_STEPS=${LOCAL_STEPS:-50}
CLIENTS=${CLIENTS:-10}
ROUND_TEST_IMAGES=${ROUND_TEST_IMAGES:-2000}
METHODS=${METHODS:-fedavg,topk,sbc,eb-fixed,eb}
NONIID_METHODS=${NONIID_METHODS:-fedavg,sbc,eb}
EXTRA=${EXTRA:-}
out=Benchmarks/federated
bin=.build/release/sz-nn
[ -x "$bin" ] || swift build -c release --product sz-nn >&2
common=(--clients "$CLIENTS" --rounds "$ROUNDS" --local-steps "$LOCAL_STEPS" --round-test-images "$ROUND_TEST_IMAGES")
started=$(date -u +%H:%M)
load_start=$(cut -d' ' -f1-3 /proc/loadavg)
# shellcheck disable=SC2086
"$bin" federated "${common[@]}" --methods "$METHODS" --split iid $EXTRA \
    --log "$out/iid.json" --plot "$out/iid.svg" > "$out/iid.txt" 2> "$out/iid.log"
if [ -n "$NONIID_METHODS" ]; then
    # shellcheck disable=SC2086
    "$bin" federated "${common[@]}" --methods "$NONIID_METHODS" --split non-iid $EXTRA \
        --log "$out/non-iid.json" --plot "$out/non-iid.svg" > "$out/non-iid.txt" 2> "$out/non-iid.log"
fi
python3 "$out/results_table.py" "$out" "$started" "$load_start" "$(cut -d' ' -f1-3 /proc/loadavg)" > "$out/results.md"
echo "wrote $out/results.md" >&2
