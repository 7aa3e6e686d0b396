#!/usr/bin/env bash
# Peak memory of `sz-nn decompress` against its decode budget (--max-memory): files just inside
# and just outside the budget, a tiny file that declares a huge zero tensor, and every committed
# .sznn fixture; peak RSS from /usr/bin/time. Rewrites memory.md beside this script.
# Usage: Benchmarks/hardening/memory.sh [path/to/sz-nn]   (default .build/release/sz-nn)
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../.." && pwd)
binary=$root/${1:-.build/release/sz-nn}
[ -x "$binary" ] || binary=$1
work=$(mktemp -d); trap 'rm -rf "$work"' EXIT
mib=$((1024 * 1024))

# A 256 M-element (1 GiB) zero tensor codes to 18 KB; a 16.8 M-element Gaussian one to ~15 MB (zstd).
python3 -c "
import numpy as np
np.save('$work/zeros.npy', np.zeros((16384, 16384), dtype=np.float32))
np.save('$work/gauss.npy', (np.random.RandomState(0).randn(4096, 4096) * 0.05).astype(np.float32))"
"$binary" compress "$work/zeros.npy" -o "$work/zeros.sznn" --backend zstd --error-bound 0.001 >/dev/null
"$binary" compress "$work/gauss.npy" -o "$work/gauss.sznn" --backend zstd --error-bound 0.001 >/dev/null
"$binary" compress "$work/gauss.npy" -o "$work/gauss-cabac.sznn" --backend cabac --error-bound 0.001 >/dev/null
rm -f "$work/zeros.npy" "$work/gauss.npy"

rows=""; over=0
# The process's own resident size (runtime, libraries): decoding a 2 KB fixture. The budget
# bounds what a file makes the decoder allocate, so a row holds if peak − baseline ≤ budget.
/usr/bin/time -f "%M" -o "$work/rss" "$binary" decompress "$root/Tests/Fixtures/sznn/model-cabac-lorenzo.sznn" \
  -o "$work/out.safetensors" >/dev/null
baseline=$(($(tail -1 "$work/rss") * 1024)); rm -f "$work/out.safetensors"
# run NAME FILE BUDGET_BYTES DECODED_BYTES: one decompress under the budget, one row.
run() {
  local name=$1 file=$2 budget=$3 decoded=$4 status=0
  /usr/bin/time -f "%M" -o "$work/rss" "$binary" decompress "$file" -o "$work/out.safetensors" \
    --max-memory "$budget" >/dev/null 2>"$work/err" || status=$?
  local rss_kib; rss_kib=$(tail -1 "$work/rss")
  local peak=$((rss_kib * 1024))
  local outcome="decoded"; [ "$status" = 0 ] || outcome=$(grep -o 'E[0-9]\{3\}' "$work/err" | head -1)
  local within="yes"; [ $((peak - baseline)) -le "$budget" ] || { within="**no**"; over=$((over + 1)); }
  rows+="| $name | $(stat -c %s "$file") | $((decoded / mib)) | $((budget / mib)) | $outcome | $((peak / mib)) | $within |"$'\n'
  rm -f "$work/out.safetensors"
}
gib=$((1024 * mib))
run "zeros 16384×16384 f32" "$work/zeros.sznn" $((gib / 2)) $gib
run "zeros 16384×16384 f32" "$work/zeros.sznn" $gib $gib
# The need E406 names, then a run with exactly that budget: it must decode within it.
need() { "$binary" decompress "$1" -o "$work/out.safetensors" --max-memory 1K 2>&1 | grep -o 'needs [0-9]*' | grep -o '[0-9]*'; }
run "zeros 16384×16384 f32" "$work/zeros.sznn" "$(need "$work/zeros.sznn")" $gib
run "zeros 16384×16384 f32" "$work/zeros.sznn" $((4 * gib)) $gib
run "gauss 4096×4096 f32" "$work/gauss.sznn" $((32 * mib)) $((64 * mib))
run "gauss 4096×4096 f32" "$work/gauss.sznn" $((64 * mib)) $((64 * mib))
run "gauss 4096×4096 f32" "$work/gauss.sznn" "$(need "$work/gauss.sznn")" $((64 * mib))
run "gauss 4096×4096 f32" "$work/gauss.sznn" $((256 * mib)) $((64 * mib))
run "gauss 4096×4096 f32, cabac" "$work/gauss-cabac.sznn" "$(need "$work/gauss-cabac.sznn")" $((64 * mib))
for fixture in "$root"/Tests/Fixtures/sznn/*.sznn; do
  run "fixture $(basename "$fixture")" "$fixture" $((64 * mib)) 0
done

{
  echo "# Peak memory of decompress under its budget"
  echo
  echo "\`Benchmarks/hardening/memory.sh\` on $(date -u +%Y-%m-%d), $(nproc) cores; load average at the end: $(cut -d' ' -f1-3 /proc/loadavg)."
  echo "Each row is one \`sz-nn decompress FILE -o out.safetensors --max-memory BUDGET\`; peak RSS from \`/usr/bin/time\`."
  echo "Decoded MiB: the tensors' decoded size (0: under 1 MiB). A file over its budget must fail with E406 before allocating;"
  echo "the budget of the third row of each file is exactly the need that E406 names (decoded tensors, payloads, one chunk's working space per thread)."
  echo "Baseline: $((baseline / mib)) MiB resident for decoding a 2 KB fixture (runtime and libraries); a row holds if peak − baseline ≤ budget."
  echo
  echo "| input | file bytes | decoded MiB | budget MiB | outcome | peak RSS MiB | peak − baseline ≤ budget |"
  echo "|---|---|---|---|---|---|---|"
  printf '%s' "$rows"
  echo
  echo "Rows whose peak RSS exceeded the budget: **$over**."
} > "$here/memory.md.partial"
mv "$here/memory.md.partial" "$here/memory.md"
cat "$here/memory.md"
