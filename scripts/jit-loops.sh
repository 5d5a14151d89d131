#!/usr/bin/env bash
# What C2 made of the hot loops of some methods: runs a jmoe command with PrintAssembly for the methods
# matching PATTERN and lists, per C2 compilation (not OSR), each innermost loop's instructions, vector
# instructions, vector stack accesses (spills and fills) and TLAB allocations (boxed vectors, arrays).
#
#   scripts/jit-loops.sh 'dev.jmoe.host.kernel.DenseTiles::tile*' bench -m MODEL -p 512 -n 0 -r 1 -t 1
#
# A kernel's main loop should show no spills and no allocations: a tile with more accumulators than
# registers, or vectors handed to a method C2 did not inline, show up here (both were found this way).
# Needs gcc and objdump (binutils) and python3; x86-64 only. HotSpot prints assembly through a
# disassembler plugin (hsdis); this one only hands the raw bytes to a file, objdump decodes them.
set -euo pipefail

ROOT="$(cd "$(dirname "$(readlink -f "${BASH_SOURCE[0]}")")/.." && pwd)"
if [[ $# -lt 2 ]]; then
  echo "usage: scripts/jit-loops.sh 'PACKAGE.CLASS::METHOD-PATTERN' JMOE-ARGS..." >&2
  exit 2
fi
for tool in gcc objdump python3; do
  command -v "$tool" > /dev/null || { echo "jit-loops: $tool is needed and not installed" >&2; exit 1; }
done
[[ "$(uname -m)" == x86_64 ]] || { echo "jit-loops: x86-64 only (objdump is asked for x86-64 code)" >&2; exit 1; }
PATTERN="$1"; shift

PLUGIN_DIR="${XDG_CACHE_HOME:-$HOME/.cache}/jmoe/hsdis"
mkdir -p "$PLUGIN_DIR"
if [[ ! -f "$PLUGIN_DIR/hsdis-amd64.so" ]]; then
  cat > "$PLUGIN_DIR/hsdis.c" <<'EOF'
/* HotSpot's disassembler entry point, writing each code blob's bytes to a numbered file instead. */
#include <inttypes.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
static int seq = 0;
void* decode_instructions_virtual(uintptr_t start_va, uintptr_t end_va, unsigned char* buffer, uintptr_t length,
    void* (*event)(void*, const char*, void*), void* event_stream,
    int (*print)(void*, const char*, ...), void* print_stream, const char* options, int newline) {
  const char* dir = getenv("JIT_LOOPS_DIR");
  char name[4096];
  snprintf(name, sizeof name, "%s/blob-%05d.bin", dir ? dir : ".", seq++);
  FILE* f = fopen(name, "wb");
  if (f) { fwrite(buffer, 1, length, f); fclose(f); }
  (*print)(print_stream, "  [raw %s at 0x%" PRIxPTR ", %" PRIuPTR " bytes]\n", name, start_va, length);
  return NULL;
}
EOF
  gcc -O2 -shared -fPIC -o "$PLUGIN_DIR/hsdis-amd64.so" "$PLUGIN_DIR/hsdis.c"
fi

WORK="$(mktemp -d)"
trap 'rm -rf "$WORK"' EXIT
export JIT_LOOPS_DIR="$WORK"
LD_LIBRARY_PATH="$PLUGIN_DIR${LD_LIBRARY_PATH:+:$LD_LIBRARY_PATH}" \
JMOE_JAVA_OPTS="${JMOE_JAVA_OPTS:-} -XX:+UnlockDiagnosticVMOptions -XX:CompileCommand=quiet -XX:CompileCommand=print,$PATTERN" \
  "$ROOT/scripts/jmoe" "$@" > "$WORK/log" 2>&1 || { tail -5 "$WORK/log" >&2; echo "jit-loops: the command failed" >&2; exit 1; }

python3 - "$WORK/log" <<'EOF'
import re, subprocess, sys

def instructions(blob):
    out = subprocess.run(["objdump", "-D", "-b", "binary", "-mi386:x86-64", "-M", "intel", blob],
                         capture_output=True, text=True, check=True).stdout
    code = []
    for line in out.split("\n"):
        if re.match(r"\s+[0-9a-f]+:\t", line):
            parts = line.split("\t")
            code.append((int(parts[0].strip().rstrip(":"), 16), parts[2].strip() if len(parts) > 2 else ""))
    return code

def innermost_loops(code):
    at = {address: i for i, (address, _) in enumerate(code)}
    loops = []
    for j, (address, text) in enumerate(code):
        jump = re.match(r"j\w+\s+0x([0-9a-f]+)", text)
        if jump and int(jump.group(1), 16) < address and int(jump.group(1), 16) in at:
            loops.append((at[int(jump.group(1), 16)], j))
    return [l for l in loops if not any(o != l and o[0] >= l[0] and o[1] <= l[1] for o in loops)]

method = None
for line in open(sys.argv[1], errors="replace"):
    header = re.search(r"Compiled method \((c[12])\)\s+\d+\s+\d+\s+(%?)\s*\d\s+(\S+::\S+)", line)
    if header:
        method = header.group(3) if header.group(1) == "c2" and not header.group(2) else None
        continue
    blob = re.search(r"\[raw (\S+) at", line)
    if not (blob and method):
        continue
    code = instructions(blob.group(1))
    print(method)
    for start, end in innermost_loops(code):
        body = [text for _, text in code[start:end + 1]]
        vector = sum(bool(re.search(r"[xyz]mm", t)) for t in body)
        if vector < 4:
            continue
        spills = sum("rsp" in t and bool(re.search(r"[xyz]mm", t)) for t in body)
        allocations = sum(t.startswith("cmp") and "[r15+" in t for t in body)
        print(f"  loop of {len(body)} instructions: {vector} vector, {spills} vector stack accesses, {allocations} allocations")
    method = None
EOF
