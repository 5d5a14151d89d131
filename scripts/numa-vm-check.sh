#!/usr/bin/env bash
# A real two-node NUMA check of the placement: boots a QEMU guest with two NUMA nodes (one vCPU and
# 1 GiB each), a Debian kernel and a busybox initramfs; the guest mounts this machine's root read-only
# over 9p, chroots into it and runs `jmoe topo -m MODEL --numa MODE --json` for four modes. Then asserts:
#   mirror:     2 replicas; every byte of expert replica r on node r; the kv cache on both nodes;
#   mirror all: the same for the other weights;
#   distribute: expert and kv cache pages on both nodes, neither holding less than a third of them;
#   isolate:    every tensor and kv cache page on one node (the one the process started on).
# (scratch, the Java heap, is printed: the JVM places it, -XX:+UseNUMA.) The KV cache has 16384 positions
# (16 MiB): transparent huge pages interleave 2 MiB at a time, so a cache of a few MiB cannot split evenly.
# and `jmoe run -m MODEL --numa mirror -v -t 2`: one worker per node, pinned to that node's CPUs as
# sched_getaffinity reports them, reading that node's replica.
#
# Needs: qemu-system-x86_64 (Debian: apt-get install qemu-system-x86), apt-get (to download
# linux-image-amd64's kernel and busybox-static into a cache), python3, a JDK 25, the test data.
# Runs under software emulation (JMOE_VM_ACCEL=kvm to try KVM); 7.5 minutes on 2 busy cores at nice 19,
# the first kernel download included.
#
# Usage: scripts/numa-vm-check.sh [MODEL.gguf]     (default: the testdata qwen3moe-a-q4_k_m)
#   JMOE_VM_CACHE  where the kernel and busybox go (default ~/.cache/jmoe-numa-vm)
set -euo pipefail

ROOT="$(cd "$(dirname "$(readlink -f "${BASH_SOURCE[0]}")")/.." && pwd)"
source "$ROOT/scripts/lib/jdk.sh"
jmoe_require_jdk
MODEL="$(readlink -f "${1:-$ROOT/../shared/testdata/models/qwen3moe-a-q4_k_m.gguf}")"
CACHE="${JMOE_VM_CACHE:-$HOME/.cache/jmoe-numa-vm}"
JAR="$ROOT/cli/target/jmoe.jar"

die() { echo "numa-vm-check: $*" >&2; exit 1; }
command -v qemu-system-x86_64 >/dev/null || die "qemu-system-x86_64 missing (apt-get install qemu-system-x86)"
[[ -f "$MODEL" ]] || die "no model at $MODEL"
[[ -d /mnt ]] || die "/mnt must exist: the guest mounts its output share there"
if [[ ! -f "$JAR" ]]; then (cd "$ROOT" && mvn -q -B -DskipTests -pl cli -am package) >&2; fi

# Kernel and busybox from Debian packages, unpacked (not installed) into the cache.
mkdir -p "$CACHE"
if [[ ! -f "$CACHE/vmlinuz" ]]; then
  pkg="$(apt-cache depends linux-image-amd64 | sed -n 's/^ *Depends: \(linux-image-[0-9].*\)$/\1/p' | head -1)"
  [[ -n "$pkg" ]] || die "apt-cache cannot resolve linux-image-amd64 (run apt-get update)"
  (cd "$CACHE" && rm -rf deb k bb && mkdir deb && cd deb && apt-get download -qq "$pkg" busybox-static)
  dpkg-deb -x "$CACHE"/deb/linux-image-*.deb "$CACHE/k"
  dpkg-deb -x "$CACHE"/deb/busybox-static*.deb "$CACHE/bb"
  cp "$CACHE"/k/boot/vmlinuz-* "$CACHE/vmlinuz"
fi
KMODS="$(ls -d "$CACHE"/k/lib/modules/*)/kernel"

WORK="$(mktemp -d)"
trap 'rm -rf "$WORK"' EXIT
mkdir -p "$WORK"/initrd/{bin,mods,proc,sys,dev,host} "$WORK/out"
cp "$CACHE/bb/bin/busybox" "$WORK/initrd/bin/"
# Load order follows the dependencies: virtio transport, then 9p over it.
MODS="virtio_ring virtio virtio_pci_legacy_dev virtio_pci_modern_dev virtio_pci netfs fscache 9pnet 9pnet_virtio 9p"
for m in $MODS; do
  f="$(find "$KMODS" -name "$m.ko*" | head -1)"
  [[ -n "$f" ]] && cp "$f" "$WORK/initrd/mods/"
done
cat > "$WORK/initrd/init" <<INIT
#!/bin/busybox sh
/bin/busybox --install -s /bin
mount -t proc proc /proc; mount -t sysfs sys /sys; mount -t devtmpfs dev /dev
for m in $MODS; do for f in /mods/\$m.ko*; do [ -f "\$f" ] && insmod "\$f" || echo "insmod \$f failed"; done; done
mount -t 9p -o trans=virtio,version=9p2000.L,ro hostroot /host
mount -t 9p -o trans=virtio,version=9p2000.L out /host/mnt
mount -t proc proc /host/proc; mount -t sysfs sys /host/sys; mount -t devtmpfs dev /host/dev
mount -t tmpfs tmp /host/tmp
echo 0 > /proc/sys/kernel/numa_balancing 2>/dev/null
cat /sys/devices/system/node/node*/cpulist > /host/mnt/cpulists
chroot /host /bin/sh -c 'cd "$ROOT" && for mode in mirror mirror-all distribute isolate; do
  case \$mode in mirror-all) args="--numa mirror --numa-mirror all";; *) args="--numa \$mode";; esac
  JAVA_HOME="$JAVA_HOME" JMOE_JAVA_OPTS="-Xmx256m -XX:-UsePerfData -XX:TieredStopAtLevel=1" \
    scripts/jmoe topo -m "$MODEL" \$args -c 16384 --json > /mnt/\$mode.json 2> /mnt/\$mode.err; echo \$? > /mnt/\$mode.rc
done
JAVA_HOME="$JAVA_HOME" JMOE_JAVA_OPTS="-Xmx256m -XX:-UsePerfData -XX:TieredStopAtLevel=1" \
  scripts/jmoe run -m "$MODEL" --numa mirror -v -t 2 -n 2 -p hello > /mnt/run-mirror.out 2> /mnt/run-mirror.err
echo \$? > /mnt/run-mirror.rc'
sync; poweroff -f
INIT
chmod +x "$WORK/initrd/init"
(cd "$WORK/initrd" && find . | "$WORK/initrd/bin/busybox" cpio -o -H newc 2>/dev/null | gzip -1 > "$WORK/initrd.gz")

# Software emulation by default: it boots in seconds, and a nested /dev/kvm was seen to hang in the BIOS.
ACCEL="${JMOE_VM_ACCEL:-tcg,thread=multi}"
echo "numa-vm-check: booting a 2-node guest ($ACCEL)..." >&2
timeout 900 qemu-system-x86_64 -accel "$ACCEL" -m 2G -smp 2 -nographic -no-reboot \
  -object memory-backend-ram,id=m0,size=1G -object memory-backend-ram,id=m1,size=1G \
  -numa node,nodeid=0,cpus=0,memdev=m0 -numa node,nodeid=1,cpus=1,memdev=m1 \
  -kernel "$CACHE/vmlinuz" -initrd "$WORK/initrd.gz" -append "console=ttyS0 quiet panic=-1 rdinit=/init" \
  -virtfs local,path=/,mount_tag=hostroot,security_model=none,readonly=on \
  -virtfs local,path="$WORK/out",mount_tag=out,security_model=none \
  > "$WORK/console.log" 2>&1 || { tail -n 30 "$WORK/console.log" >&2; die "the guest failed or timed out"; }

for mode in mirror mirror-all distribute isolate; do
  [[ "$(cat "$WORK/out/$mode.rc" 2>/dev/null)" == 0 ]] || { tail -n 30 "$WORK/console.log" "$WORK/out/$mode.err" >&2 || true; die "jmoe topo --numa $mode failed in the guest"; }
done
[[ "$(cat "$WORK/out/run-mirror.rc" 2>/dev/null)" == 0 ]] || { tail -n 30 "$WORK/out/run-mirror.err" >&2 || true; die "jmoe run --numa mirror failed in the guest"; }
echo "guest nodes' CPUs: $(tr '\n' ' ' < "$WORK/out/cpulists")" >&2
python3 - "$WORK/out" <<'PY'
import json, sys
out = sys.argv[1]
def placement(mode):
    p = json.load(open(f"{out}/{mode}.json"))["placement"]
    for n in p.get("notes", []) + p.get("warnings", []):
        print(f"  {mode:10} {n}")
    for c in p["classes"]:
        print(f"  {mode:10} {c['class']:8} replica {c['replica']}: {c['bytesByNode']}  not present {c['notPresentBytes']}")
    return p
failures = []
m = placement("mirror")
if m["replicas"] != 2: failures.append(f"mirror: {m['replicas']} replicas, expected 2")
for c in m["classes"]:
    if c["class"] == "experts" and set(c["bytesByNode"]) != {str(c["replica"])}:
        failures.append(f"mirror: expert replica {c['replica']} is on nodes {c['bytesByNode']}")
def spread(mode, p, cls):
    for c in p["classes"]:
        if c["class"] == cls:
            b = c["bytesByNode"]; total = sum(b.values())
            if set(b) != {"0", "1"} or min(b.values()) < total / 3:
                failures.append(f"{mode}: {cls} pages not spread over both nodes: {b}")
            return
    failures.append(f"{mode}: no {cls} class in the report")
spread("mirror", m, "kv cache")
a = placement("mirror-all")
tensors = [c for c in a["classes"] if c["class"] in ("experts", "weights")]
for c in tensors:
    if set(c["bytesByNode"]) != {str(c["replica"])}:
        failures.append(f"mirror all: {c['class']} replica {c['replica']} is on nodes {c['bytesByNode']}")
if sorted((c["class"], c["replica"]) for c in tensors) != [("experts", 0), ("experts", 1), ("weights", 0), ("weights", 1)]:
    failures.append("mirror all: expected experts and weights replicas 0 and 1")
i = placement("isolate")
nodes = {n for c in i["classes"] if c["class"] != "scratch" for n in c["bytesByNode"]}
if len(nodes) != 1:
    failures.append(f"isolate: tensor and kv cache pages on nodes {sorted(nodes)}, expected one node")
d = placement("distribute")
spread("distribute", d, "experts")
spread("distribute", d, "kv cache")
# The engine's workers under mirror: what each pinned worker's sched_getaffinity said, against the guest's nodes.
import re
cpulists = [line.strip() for line in open(f"{out}/cpulists")]
def cpus(text):
    got = []
    for part in text.split(","):
        a, _, b = part.partition("-")
        got += range(int(a), int(b or a) + 1)
    return got
log = open(f"{out}/run-mirror.err").read()
pins = re.findall(r"worker (\d+) pinned to node (\d+), CPUs \[([\d, ]*)\] \(sched_getaffinity\), reads replica (\d+)", log)
for worker, node, got, replica in sorted(pins):
    print(f"  run mirror worker {worker}: node {node}, CPUs [{got}], replica {replica}")
    if [int(c) for c in got.split(",")] != cpus(cpulists[int(node)]):
        failures.append(f"run mirror: worker {worker} runs on CPUs [{got}], node {node} has {cpulists[int(node)]}")
    if replica != node:
        failures.append(f"run mirror: worker {worker} on node {node} reads replica {replica}")
if sorted(node for _, node, _, _ in pins) != ["0", "1"]:
    failures.append(f"run mirror: expected one pinned worker per node, the log has {pins}")
expected = "numa mirror: 1 worker on node 0 reads replica 0, 1 on node 1 reads replica 1"
if not any(l.endswith(expected) for l in log.splitlines()):
    failures.append(f"run mirror: no line '{expected}' in the -v log")
for f in failures: print("FAIL", f)
print("numa-vm-check:", "passed" if not failures else "failed")
sys.exit(1 if failures else 0)
PY
