#!/usr/bin/env bash
# Regenerates the committed PTX of kernels-ptx from its CUDA C sources.
#
#   scripts/ptx.sh            rewrite kernels-ptx/src/main/resources/ptx/NAME.ptx from src/main/cuda/NAME.cu
#   scripts/ptx.sh --out DIR  write the regenerated PTX to DIR instead (the freshness test uses this,
#                             so the test and this script share one recipe)
#   scripts/ptx.sh --check    exit 1 if a committed PTX differs from a fresh one (nvcc's header
#                             comments aside) or does not assemble with ptxas -arch=sm_80
#
# Needs nvcc (override with NVCC=...) and, for --check, ptxas (PTXAS=...).
set -euo pipefail

ROOT="$(cd "$(dirname "$(readlink -f "${BASH_SOURCE[0]}")")/.." && pwd)"
SRC="$ROOT/kernels-ptx/src/main/cuda"
PTX="$ROOT/kernels-ptx/src/main/resources/ptx"
NVCC="${NVCC:-nvcc}"
PTXAS="${PTXAS:-ptxas}"

# compute_80: virtual architecture only (no SASS), so the driver JIT-compiles the PTX for the
# GPU it finds: Ampere (sm_80/86), Ada (sm_89) and Hopper (sm_90) alike.
ARCH=compute_80
TARGET=sm_80

# nvcc 13 stamps its output ".version 9.0" (its own newest PTX ISA), and a CUDA 12 driver refuses
# to JIT an ISA newer than it knows ("unsupported PTX version") even when the code uses nothing new.
# So the committed PTX declares the lowest ISA that its instructions and its .target need: 7.0 is
# the first ISA with .target sm_80, and our kernels use nothing newer. ptxas (which accepts older
# ISA versions) proves the claim in --check and in the freshness test: an instruction the declared
# ISA lacks is an assembly error. Raise this only when a kernel needs a newer instruction.
PTX_ISA=7.0

# Compiles one .cu into PTX at $2, with the ISA line rewritten to $PTX_ISA.
compile() {
  local cu="$1" out="$2" tmp
  tmp="$(mktemp)"
  "$NVCC" -ptx -arch="$ARCH" -o "$tmp" "$cu"
  if ! grep -q '^\.version ' "$tmp"; then
    echo "ptx.sh: $cu: nvcc output has no .version line" >&2; rm -f "$tmp"; exit 1
  fi
  sed "s/^\.version .*/.version $PTX_ISA/" "$tmp" > "$out"
  rm -f "$tmp"
}

generate_all() {
  local dir="$1" cu
  mkdir -p "$dir"
  for cu in "$SRC"/*.cu; do
    compile "$cu" "$dir/$(basename "${cu%.cu}").ptx"
  done
}

# The PTX without nvcc's leading comment block (build id, toolkit release): those lines name the
# compiler, not the code.
body() { sed -n '/^[^\/]/,$p' "$1"; }

check() {
  local status=0 cu ptx name fresh
  FRESH_DIR="$(mktemp -d)"
  trap 'rm -rf "$FRESH_DIR"' EXIT
  fresh="$FRESH_DIR"
  generate_all "$fresh"
  for cu in "$SRC"/*.cu; do
    name="$(basename "${cu%.cu}")"
    ptx="$PTX/$name.ptx"
    if [[ ! -f "$ptx" ]]; then
      echo "ptx.sh: $name.cu has no committed $name.ptx: run scripts/ptx.sh" >&2; status=1; continue
    fi
    if ! diff -u <(body "$ptx") <(body "$fresh/$name.ptx") > "$fresh/$name.diff"; then
      echo "ptx.sh: PTX stale: $ptx differs from a fresh build of $name.cu: run scripts/ptx.sh" >&2
      head -40 "$fresh/$name.diff" >&2
      status=1
    fi
  done
  for ptx in "$PTX"/*.ptx; do
    name="$(basename "${ptx%.ptx}")"
    [[ -f "$SRC/$name.cu" ]] || { echo "ptx.sh: $ptx has no source $name.cu" >&2; status=1; }
    "$PTXAS" -arch="$TARGET" -o /dev/null "$ptx" || { echo "ptx.sh: $ptx does not assemble" >&2; status=1; }
  done
  [[ $status -eq 0 ]] && echo "ptx.sh: all PTX fresh and assembles for $TARGET (ISA $PTX_ISA)"
  return $status
}

case "${1:-}" in
  "")      generate_all "$PTX"; echo "ptx.sh: wrote $(ls "$PTX"/*.ptx | wc -l) PTX file(s) to $PTX" ;;
  --out)   [[ -n "${2:-}" ]] || { echo "usage: scripts/ptx.sh --out DIR" >&2; exit 2; }
           generate_all "$2" ;;
  --check) check ;;
  *)       echo "usage: scripts/ptx.sh [--out DIR | --check]" >&2; exit 2 ;;
esac
