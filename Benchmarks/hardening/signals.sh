#!/usr/bin/env bash
# Interrupts `sz-nn compress` and `decompress` with SIGINT/SIGTERM at 20 seeded random moments
# and counts hidden temporaries (.NAME.tmp-…) left behind; rewrites results.md beside this script.
# Usage: Benchmarks/hardening/signals.sh [path/to/sz-nn]   (default .build/debug/sz-nn)
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
binary=$(cd "$here/../.." && pwd)/${1:-.build/debug/sz-nn}
[ -x "$binary" ] || binary=$1
work=$(mktemp -d); trap 'rm -rf "$work"' EXIT
cd "$work"
python3 -c "import numpy as np; np.save('big.npy', (np.random.RandomState(0).randn(4096, 4096) * 0.05).astype(np.float32))"
"$binary" compress big.npy -o big.sznn --backend zstd --error-bound 0.001 >/dev/null 2>&1
rows=""; left_total=0
for run in $(seq 1 20); do
  delay=$(python3 -c "import random; random.seed($run); print(round(random.uniform(0.05, 2.5), 3))")
  signal=$([ $((run % 2)) = 0 ] && echo TERM || echo INT)
  if [ $((run % 4)) -lt 2 ]; then command=decompress; "$binary" decompress big.sznn -o out.safetensors >/dev/null 2>&1 &
  else command=compress; "$binary" compress big.npy -o out.sznn --backend zstd --error-bound 0.001 >/dev/null 2>&1 & fi
  pid=$!; sleep "$delay"; kill -"$signal" "$pid" 2>/dev/null || true
  status=0; wait "$pid" || status=$?
  left=$(ls -a | grep -c 'tmp-' || true); left_total=$((left_total + left))
  rows+="| $run | $command | SIG$signal | $delay | $status | $left |"$'\n'
  rm -f out.safetensors out.sznn .*tmp-* 2>/dev/null || true
done
{
  echo "# Signals during compress/decompress"
  echo
  echo "\`Benchmarks/hardening/signals.sh\` on $(date -u +%Y-%m-%d): a 16.8 M-element float32 model; each run is"
  echo "signalled after a seeded random delay. Status 130/143 = died of SIGINT/SIGTERM; 0 = finished first."
  echo
  echo "| run | command | signal | delay (s) | exit status | temporaries left |"
  echo "|---|---|---|---|---|---|"
  printf '%s' "$rows"
  echo
  echo "Temporaries left in all runs: **$left_total**."
} > "$here/results.md.partial"
mv "$here/results.md.partial" "$here/results.md"
cat "$here/results.md"
