#!/usr/bin/env bash
# Aggregate decode speed of jmoe serve with 1, 2, 4 … concurrent streams, with continuous batching and
# without (-nocb). Usage: scripts/serve-bench.sh MODEL [TOKENS] [STREAMS...]; JMOE_SERVE_ARGS adds server flags.
# Each stream asks for TOKENS tokens greedily (ignore_eos-free: a synthetic model rarely ends early; the
# usage field is counted, not assumed). Prints one line per (mode, streams): tokens, seconds, tokens/s.
set -euo pipefail
ROOT="$(cd "$(dirname "$(readlink -f "${BASH_SOURCE[0]}")")/.." && pwd)"
MODEL="${1:?usage: serve-bench.sh MODEL [TOKENS] [STREAMS...]}"
TOKENS="${2:-64}"
shift $(( $# >= 2 ? 2 : 1 ))
STREAMS=("${@:-1 2 4}")
read -r -a STREAMS <<< "${STREAMS[*]}"
MAX=0; for n in "${STREAMS[@]}"; do (( n > MAX )) && MAX=$n; done
PORT="${JMOE_BENCH_PORT:-18080}"

run_mode() { # $1: label, rest: extra server flags
  local label="$1"; shift
  "$ROOT/scripts/jmoe" serve -m "$MODEL" --port "$PORT" -np "$MAX" -c 1024 ${JMOE_SERVE_ARGS:-} "$@" >/tmp/serve-bench.$$.log 2>&1 &
  local pid=$!
  for _ in $(seq 600); do curl -sf "http://127.0.0.1:$PORT/health" >/dev/null && break; sleep 0.1; done
  # Warm-up: the JIT compiles the kernels on the first requests.
  for _ in 1 2; do curl -sf "http://127.0.0.1:$PORT/v1/completions" -d "{\"prompt\":\"warm up\",\"max_tokens\":$TOKENS,\"temperature\":0}" >/dev/null; done
  for n in "${STREAMS[@]}"; do
    local dir; dir=$(mktemp -d)
    local start; start=$(date +%s.%N)
    for i in $(seq "$n"); do
      curl -sf "http://127.0.0.1:$PORT/v1/completions" \
        -d "{\"prompt\":\"Stream $i of $n begins here:\",\"max_tokens\":$TOKENS,\"temperature\":0}" >"$dir/$i.json" &
    done
    wait $(jobs -p | grep -v "^$pid\$")
    local end; end=$(date +%s.%N)
    local tokens; tokens=$(cat "$dir"/*.json | jq -s 'map(.usage.completion_tokens) | add')
    awk -v l="$label" -v n="$n" -v t="$tokens" -v s="$start" -v e="$end" \
      'BEGIN { printf "%-8s streams %d: %d tokens in %.2f s = %.1f tokens/s\n", l, n, t, e - s, t / (e - s) }'
    rm -rf "$dir"
  done
  curl -sf "http://127.0.0.1:$PORT/metrics" | awk '/^jmoe_forward_passes_total/ { p = $2 } /^jmoe_decode_tokens_total/ { d = $2 }
    END { printf "         %d decode tokens in %d forward passes (prompts included)\n", d, p }'
  kill "$pid"; wait "$pid" 2>/dev/null || true
}

run_mode batched
run_mode serial -nocb
