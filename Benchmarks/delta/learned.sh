#!/usr/bin/env bash
# Issue 15: an update learned with compression-aware training (`train --learn-error-bounds --base`)
# beside the post-training one (`compress --target-acc-loss --base`) and beside both standalone.
# Scenario, a model refresh: the embedded LeNet-5 meets MNIST with every image moved SHIFT pixels
# right and down (`shifted_mnist.py`), is fine-tuned on it for one epoch (`sz-nn train --weights`),
# and the fine-tuned model ships at each TARGET. Writes learned.md: bytes, % of the base's float32
# size, and the drops the reports give (validation is what the target bounds; test is unseen),
# both against the fine-tuned model. Usage, from anywhere, after `make build`:
#   bash Benchmarks/delta/learned.sh
# Environment: BINARY (default .build/release/sz-nn), SHIFT (default 2), TARGETS (default "0.1 0.5"),
# WORK (scratch folder, default a fresh temporary one; the data and the fine-tuned model are reused).
set -euo pipefail
cd "$(dirname "$0")/../.."
binary=${BINARY:-.build/release/sz-nn}
shift_pixels=${SHIFT:-2}
targets=${TARGETS:-0.1 0.5}
work=${WORK:-$(mktemp -d)}
mkdir -p "$work"
base=Data/models/lenet5.safetensors
architecture=Configs/models/lenet5.json
results=Benchmarks/delta/learned.md
data=$work/mnist-shifted-$shift_pixels.npz
data_options=(--data "$data" --normalize 0.1307,0.3081)
new=$work/lenet5-shifted-$shift_pixels.safetensors

[ -f "$data" ] || python3 Benchmarks/delta/shifted_mnist.py Data/mnist "$shift_pixels" "$data"
[ -f "$new" ] || "$binary" train --model "$architecture" --weights "$base" "${data_options[@]}" --epochs 1 --lr 0.002 --seed 2 -o "$new" >&2
base_bytes=$(python3 -c "import json,struct,sys,math; f=open(sys.argv[1],'rb'); n=struct.unpack('<Q',f.read(8))[0]; h=json.loads(f.read(n)); print(sum(4*math.prod(v['shape']) for k,v in h.items() if k!='__metadata__'))" "$base")
top1() { "$binary" eval --model "$architecture" --weights "$1" "${data_options[@]}" --json 2>/dev/null | python3 -c "import json,sys; r=json.load(sys.stdin); print(r['validation_top1'], r['test_top1'])"; }
read -r base_validation base_test < <(top1 "$base")
read -r new_validation new_test < <(top1 "$new")
{
  echo "# Updates learned by compression-aware training: LeNet-5 refreshed for shifted MNIST"
  echo
  echo "Written by \`bash Benchmarks/delta/learned.sh\` ($(date -u +"%Y-%m-%d %H:%M UTC"), $(nproc) cores, $("$binary" --version))."
  echo "Data: MNIST with every image moved $shift_pixels pixels right and down (\`shifted_mnist.py\`), MNIST's splits and normalisation."
  echo "Base: \`$base\` ($base_bytes bytes as float32), top-1 on this data: validation $base_validation, test $base_test."
  echo "New model: \`sz-nn train --model $architecture --weights $base --epochs 1 --lr 0.002 --seed 2\` on the shifted"
  echo "training split: validation $new_validation, test $new_test. Every row codes the new model (CABAC) and is verified"
  echo "by the command that wrote it; drops are percentage points of top-1 against the new model."
  echo "Post-training: \`compress NEW [--base BASE] --target-acc-loss T\`. Learned: \`train --weights NEW [--base BASE]"
  echo "--learn-error-bounds --target-acc-loss T\` (2 epochs, the default), which also moves the weights."
  echo
  echo "| target pp | method | bytes | % of base | seconds | validation drop pp | test drop pp |"
  echo "|---|---|---:|---:|---:|---:|---:|"
} >"$results"

# row TARGET LABEL REPORT.json: one table line from a command's --json report.
row() {
  python3 - "$@" "$base_bytes" >>"$results" <<'PY'
import json, sys
target, label, path, base_bytes = sys.argv[1], sys.argv[2], sys.argv[3], int(sys.argv[4])
r = json.load(open(path))
v, t = r["validation"], r["test"]
print(f"| {target} | {label} | {r['file_bytes']} | {100 * r['file_bytes'] / base_bytes:.3f} % | {r['seconds']:.0f} | "
      f"{100 * (v['original'] - v['compressed']):+.2f} | {100 * (t['original'] - t['compressed']):+.2f} |")
PY
}

for target in $targets; do
  for mode in standalone update; do
    arguments=()
    [ "$mode" = update ] && arguments=(--base "$base")
    echo "== target $target: $mode, post-training" >&2
    "$binary" compress "$new" "${arguments[@]}" --model "$architecture" "${data_options[@]}" --target-acc-loss "$target" \
      -o "$work/post-$mode.sznn" --json >"$work/post-$mode.json"
    row "$target" "$mode, post-training" "$work/post-$mode.json"
    echo "== target $target: $mode, learned" >&2
    "$binary" train --model "$architecture" --weights "$new" "${arguments[@]}" "${data_options[@]}" --learn-error-bounds \
      --target-acc-loss "$target" --seed 2 -o "$work/learned-$mode.sznn" --json >"$work/learned-$mode.json"
    row "$target" "$mode, learned" "$work/learned-$mode.json"
  done
done
echo "wrote $results (scratch files in $work)" >&2
