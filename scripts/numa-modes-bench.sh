#!/usr/bin/env bash
# Token generation per --numa mode, measured so that a noisy machine can still resolve a few per cent:
# ROUNDS rounds, each running every mode once (`jmoe bench -p 0 -n N -r R`) in a new random order, then
# per mode the median over rounds of its t/s divided by off's in the same round (paired, so drift between
# rounds cancels) with the spread of those ratios. On one node the modes should all read 1.00.
#
# Usage: scripts/numa-modes-bench.sh MODEL.gguf [ROUNDS=10] [THREADS=all cores]
#   JMOE_BENCH_ARGS  extra bench flags (default "-n 64 -r 3")
set -euo pipefail
ROOT="$(cd "$(dirname "$(readlink -f "${BASH_SOURCE[0]}")")/.." && pwd)"
MODEL="${1:?usage: scripts/numa-modes-bench.sh MODEL.gguf [ROUNDS] [THREADS]}"
ROUNDS="${2:-10}"
THREADS="${3:-$(nproc)}"
MODES=(off distribute isolate numactl mirror)
OUT="$(mktemp -d)"
trap 'rm -rf "$OUT"' EXIT
for round in $(seq 1 "$ROUNDS"); do
  for mode in $(printf '%s\n' "${MODES[@]}" | shuf); do
    # shellcheck disable=SC2086
    "$ROOT/scripts/jmoe" bench -m "$MODEL" -t "$THREADS" -p 0 ${JMOE_BENCH_ARGS:--n 64 -r 3} --numa "$mode" -o json \
      2>/dev/null > "$OUT/$round-$mode.json" || { echo "numa-modes-bench: jmoe bench --numa $mode failed" >&2; exit 1; }
  done
  echo "round $round of $ROUNDS done" >&2
done
python3 - "$OUT" "$ROUNDS" "${MODES[@]}" <<'PY'
import json, statistics, sys
out, rounds, modes = sys.argv[1], int(sys.argv[2]), sys.argv[3:]
ts = {m: [json.load(open(f"{out}/{r}-{m}.json"))[0]["avg_ts"] for r in range(1, rounds + 1)] for m in modes}
print(f"| numa       | median t/s | vs off (median of paired ratios) | ratio spread (min .. max) |")
print(f"|------------|-----------:|---------------------------------:|---------------------------|")
for m in modes:
    ratios = [a / b for a, b in zip(ts[m], ts["off"])]
    print(f"| {m:10} | {statistics.median(ts[m]):10.2f} | {statistics.median(ratios):32.3f} | {min(ratios):.3f} .. {max(ratios):.3f} |")
PY
