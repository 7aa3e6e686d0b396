#!/usr/bin/env bash
# Issue 15, part 1: updates coded against a base. Fine-tunes the embedded LeNet-5 for one more
# epoch with `sz-nn train --weights`, twice (the schedule's next rate, and the configuration's
# initial rate for a larger update), then codes each new model against the base at several fixed
# bounds and with --target-acc-loss, beside coding it standalone, and writes results.md: bytes,
# % of the base's float32 size, and the top-1 drop of the decoded model vs the fine-tuned one
# (`sz-nn eval` on MNIST validation and test). Usage, from anywhere, after `make build`:
#   bash Benchmarks/delta/run.sh
# Environment: BINARY (default .build/release/sz-nn), BOUNDS (default "1e-4 2e-4 5e-4 1e-3 3e-3 1e-2"),
# TARGET (default 0.1), WORK (scratch folder, default a fresh temporary one; models are not committed).
set -euo pipefail
cd "$(dirname "$0")/../.."
binary=${BINARY:-.build/release/sz-nn}
bounds=${BOUNDS:-1e-4 2e-4 5e-4 1e-3 3e-3 1e-2}
target=${TARGET:-0.1}
work=${WORK:-$(mktemp -d)}
base=Data/models/lenet5.safetensors
architecture=Configs/models/lenet5.json
results=Benchmarks/delta/results.md
# The float32 size of every parameter of the base: the denominator of "% of base".
base_bytes=$(python3 -c "import json,struct,sys; f=open(sys.argv[1],'rb'); n=struct.unpack('<Q',f.read(8))[0]; h=json.loads(f.read(n)); print(sum(4*__import__('math').prod(v['shape']) for k,v in h.items() if k!='__metadata__'))" "$base")

# top1 FILE [BASE...]: "validation test" top-1 (fractions) of a .safetensors, or of a .sznn decoded against BASE.
top1() {
  local file=$1; shift
  local weights=$file
  if [ "${file##*.}" = sznn ]; then
    weights=$work/decoded.safetensors
    local arguments=()
    for link in "$@"; do arguments+=(--base "$link"); done
    "$binary" decompress "$file" "${arguments[@]}" -o "$weights" >/dev/null
  fi
  "$binary" eval --model "$architecture" --weights "$weights" --json 2>/dev/null \
    | python3 -c "import json,sys; r=json.load(sys.stdin); print(r['validation_top1'], r['test_top1'])"
}

bytes() { wc -c <"$1" | tr -d ' '; }
percent() { python3 -c "import sys; print(f'{100*int(sys.argv[1])/int(sys.argv[2]):.3f} %')" "$1" "$base_bytes"; }
drop() { python3 -c "import sys; print(f'{100*(float(sys.argv[1])-float(sys.argv[2])):+.2f}')" "$1" "$2"; }

read -r base_validation base_test < <(top1 "$base")
started=$(date -u +"%Y-%m-%d %H:%M UTC")
{
  echo "# Updates against a base: LeNet-5 fine-tuned one more epoch"
  echo
  echo "Written by \`bash Benchmarks/delta/run.sh\` ($started, $(nproc) cores, $("$binary" --version))."
  echo "Base: \`$base\` (validation top-1 $base_validation, test $base_test), $base_bytes bytes as float32."
  echo "Each update is coded with the default backend (CABAC) and \`--lossless-below 256\` (the biases of"
  echo "conv1, conv2 and fc2 are stored exactly either way). Drops are percentage points of top-1 of the"
  echo "decoded model against the fine-tuned model itself (negative: the decoded model is better)."
} >"$results"

# name, learning rate: the schedule's 16th epoch (0.01 · 0.8^15), and the configuration's initial rate.
for scenario in "next-epoch 3.5e-4" "initial-rate 0.01"; do
  read -r name rate <<<"$scenario"
  new=$work/lenet5-$name.safetensors
  echo "== $name: training one epoch at lr $rate" >&2
  "$binary" train --model "$architecture" --weights "$base" --epochs 1 --lr "$rate" --seed 2 -o "$new" >&2
  read -r new_validation new_test < <(top1 "$new")
  changed=$(python3 - "$base" "$new" <<'PY'
import json, struct, sys
def read(path):
    with open(path, 'rb') as f:
        n = struct.unpack('<Q', f.read(8))[0]
        header = json.loads(f.read(n))
        data = f.read()
    return {k: struct.unpack_from(f"<{(v['data_offsets'][1] - v['data_offsets'][0]) // 4}f", data, v['data_offsets'][0])
            for k, v in header.items() if k != '__metadata__'}
a, b = read(sys.argv[1]), read(sys.argv[2])
diffs = sorted(abs(x - y) for k in a for x, y in zip(a[k], b[k]))
print(f"median |Δw| {diffs[len(diffs) // 2]:.2e}, 99th percentile {diffs[int(len(diffs) * 0.99)]:.2e}, largest {diffs[-1]:.2e}")
PY
)
  {
    echo
    echo "## $name: one epoch at lr $rate"
    echo
    echo "\`sz-nn train --model $architecture --weights $base --epochs 1 --lr $rate --seed 2\`:"
    echo "validation top-1 $new_validation, test $new_test; $changed."
    echo
    echo "| bound | update bytes | % of base | validation drop pp | test drop pp | standalone bytes | % of base | validation drop pp | test drop pp |"
    echo "|---|---:|---:|---:|---:|---:|---:|---:|---:|"
  } >>"$results"
  for bound in $bounds; do
    echo "== $name: bound $bound" >&2
    "$binary" compress "$new" --base "$base" --error-bound "$bound" -o "$work/update.sznn" >/dev/null 2>&1
    "$binary" verify "$new" "$work/update.sznn" --base "$base" >/dev/null
    "$binary" compress "$new" --error-bound "$bound" -o "$work/alone.sznn" >/dev/null 2>&1
    read -r update_validation update_test < <(top1 "$work/update.sznn" "$base")
    read -r alone_validation alone_test < <(top1 "$work/alone.sznn")
    update_bytes=$(bytes "$work/update.sznn")
    alone_bytes=$(bytes "$work/alone.sznn")
    echo "| $bound | $update_bytes | $(percent "$update_bytes") | $(drop "$new_validation" "$update_validation") | $(drop "$new_test" "$update_test") | $alone_bytes | $(percent "$alone_bytes") | $(drop "$new_validation" "$alone_validation") | $(drop "$new_test" "$alone_test") |" >>"$results"
  done
  echo "== $name: --target-acc-loss $target" >&2
  "$binary" compress "$new" --base "$base" --model "$architecture" --target-acc-loss "$target" -o "$work/update-tuned.sznn" >/dev/null 2>&1
  "$binary" compress "$new" --model "$architecture" --target-acc-loss "$target" -o "$work/alone-tuned.sznn" >/dev/null 2>&1
  read -r update_validation update_test < <(top1 "$work/update-tuned.sznn" "$base")
  read -r alone_validation alone_test < <(top1 "$work/alone-tuned.sznn")
  update_bytes=$(bytes "$work/update-tuned.sznn")
  alone_bytes=$(bytes "$work/alone-tuned.sznn")
  echo "| tuned, --target-acc-loss $target | $update_bytes | $(percent "$update_bytes") | $(drop "$new_validation" "$update_validation") | $(drop "$new_test" "$update_test") | $alone_bytes | $(percent "$alone_bytes") | $(drop "$new_validation" "$alone_validation") | $(drop "$new_test" "$alone_test") |" >>"$results"
  {
    echo
    echo "Per tensor, the update at bound 1e-3 (\`sz-nn inspect\`):"
    echo
    echo '```'
    "$binary" compress "$new" --base "$base" --error-bound 1e-3 -o "$work/update.sznn" >/dev/null 2>&1
    "$binary" inspect "$work/update.sznn" | tail -n +2
    echo '```'
  } >>"$results"
done
echo "wrote $results (scratch files in $work)" >&2
