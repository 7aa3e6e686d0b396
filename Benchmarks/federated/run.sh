#!/bin/bash
# Runs `sz-nn federated` side by side (every method, iid and non-iid) on the embedded default
# (LeNet-5 Caffe, MNIST) and writes Benchmarks/federated/results.md, the JSON logs and the plots.
# Usage, from the repository root: bash Benchmarks/federated/run.sh
# Settings through the environment (defaults in brackets): ROUNDS [12], LOCAL_STEPS [50],
# CLIENTS [10], ROUND_TEST_IMAGES [2000], SPLITS ["iid non-iid"], METHODS [fedavg,topk,sbc,eb,eb-loss],
# NONIID_METHODS [fedavg,sbc,eb], IID_EXTRA [] and NONIID_EXTRA [--lr 0.01]: more options
# per split (non-iid clients diverge at the default lr 0.03 with 50 local steps on two classes),
# DOWNLOAD_SCALES ["1.5 2"]: the eb runs with a larger download bound; OUT [Benchmarks/federated]:
# where the logs, plots and results.md go.
set -euo pipefail
ROUNDS=${ROUNDS:-12}
LOCAL_STEPS=${LOCAL_STEPS:-50}
CLIENTS=${CLIENTS:-10}
ROUND_TEST_IMAGES=${ROUND_TEST_IMAGES:-2000}
SPLITS=${SPLITS:-iid non-iid}
METHODS=${METHODS:-fedavg,topk,sbc,eb,eb-loss}
NONIID_METHODS=${NONIID_METHODS:-fedavg,sbc,eb}
IID_EXTRA=${IID_EXTRA:-}
NONIID_EXTRA=${NONIID_EXTRA:---lr 0.01}
out=${OUT:-Benchmarks/federated}
mkdir -p "$out"
bin=.build/release/sz-nn
[ -x "$bin" ] || swift build -c release --product sz-nn >&2
common=(--clients "$CLIENTS" --rounds "$ROUNDS" --local-steps "$LOCAL_STEPS" --round-test-images "$ROUND_TEST_IMAGES")
started=$(date -u +%H:%M)
load_start=$(cut -d' ' -f1-3 /proc/loadavg)
for split in $SPLITS; do
    if [ "$split" = iid ]; then methods=$METHODS; extra=$IID_EXTRA; else methods=$NONIID_METHODS; extra=$NONIID_EXTRA; fi
    # shellcheck disable=SC2086
    "$bin" federated "${common[@]}" --methods "$methods" --split "$split" $extra \
        --log "$out/$split.json" --plot "$out/$split.svg" > "$out/$split.txt" 2> "$out/$split.log"
done
# The download's α as a multiple of the uploads' (eb alone, iid; results.md's last table).
mkdir -p "$out/download-bound"
for scale in ${DOWNLOAD_SCALES:-1.5 2}; do
    # shellcheck disable=SC2086
    "$bin" federated "${common[@]}" --methods eb --split iid --download-bound-scale "$scale" $IID_EXTRA \
        --log "$out/download-bound/iid-eb-download-$scale.json" > "$out/download-bound/iid-eb-download-$scale.txt" \
        2> "$out/download-bound/iid-eb-download-$scale.log" || true  # a diverging run leaves its log only; results.md says so
done
python3 Benchmarks/federated/results_table.py "$out" "$started" "$load_start" "$(cut -d' ' -f1-3 /proc/loadavg)" > "$out/results.md"
echo "wrote $out/results.md" >&2
