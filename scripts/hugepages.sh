#!/usr/bin/env bash
# Shows, reserves and releases the kernel's hugetlb page pools, per NUMA node, for `jmoe --hugepages 2m|1g`.
set -euo pipefail

NODES=/sys/devices/system/node
GLOBAL=/sys/kernel/mm/hugepages

usage() {
  cat <<'EOF'
usage: scripts/hugepages.sh status
       scripts/hugepages.sh reserve 2m|1g COUNT [--node N]
       scripts/hugepages.sh release 2m|1g [--node N]

  status    the hugetlb pools: pages in each pool and how many are free, per NUMA node
  reserve   sets the pool to COUNT pages (on node N, or spread over all nodes by the kernel)
            and reports how many the kernel could actually find
  release   empties the pool (pages still mapped by a process are freed when it exits)

jmoe copies model weights into these pages with --hugepages 2m or 1g; when a pool is too small it
falls back (1g -> 2m -> thp -> 4 KiB) and says so. Reserving and releasing needs root.

A pool is built from free, physically contiguous memory. 2 MiB runs are usually still there on a
running machine; 1 GiB runs rarely are once memory has been used for a while (it fragments, and the
kernel cannot move every page out of the way), so a runtime reservation of 1 GiB pages may get fewer
pages than asked, or none. Reserve them at boot, before memory fragments, on the kernel command line:

    default_hugepagesz=1G hugepagesz=1G hugepages=N

(e.g. in GRUB_CMDLINE_LINUX of /etc/default/grub, then update-grub and reboot). Boot-time pages are
spread over the NUMA nodes; to place them per node at runtime use reserve --node N early after boot.
EOF
}

die() { echo "hugepages.sh: $*" >&2; exit 1; }

# 2m|1g -> the sysfs directory name of that pool.
pool_name() {
  case "${1,,}" in
    2m) echo hugepages-2048kB ;;
    1g) echo hugepages-1048576kB ;;
    *) die "page size '$1' is not 2m or 1g" ;;
  esac
}

# The directories holding the pools: one per node, or the global one when there are no node dirs.
pool_roots() {
  local found=0 d
  for d in "$NODES"/node[0-9]*; do
    [[ -d "$d/hugepages" ]] || continue
    echo "$d/hugepages"; found=1
  done
  [[ $found == 1 ]] || echo "$GLOBAL"
}

root_label() {
  case "$1" in
    "$GLOBAL") echo "all" ;;
    *) basename "$(dirname "$1")" ;;
  esac
}

read_or_dash() { [[ -r "$1" ]] && cat "$1" || echo -; }

status() {
  printf '%-8s %-5s %10s %10s %10s %10s\n' where size pages free reserved surplus
  local root pool size roots
  roots=$(pool_roots)
  [[ "$roots" == "$GLOBAL" ]] || roots="$roots $GLOBAL"  # per node, then the totals
  for root in $roots; do
    for size in 2m 1g; do
      pool="$root/$(pool_name "$size")"
      [[ -d "$pool" ]] || continue
      printf '%-8s %-5s %10s %10s %10s %10s\n' "$(root_label "$root")" "$size" \
        "$(read_or_dash "$pool/nr_hugepages")" "$(read_or_dash "$pool/free_hugepages")" \
        "$(read_or_dash "$pool/resv_hugepages")" "$(read_or_dash "$pool/surplus_hugepages")"
    done
  done
  local thp
  thp=$(read_or_dash /sys/kernel/mm/transparent_hugepage/enabled)
  echo "transparent huge pages: $thp"
}

# The pool directory for a size, on one node or global.
target_pool() {
  local size=$1 node=$2 root
  pool_name "$size" >/dev/null  # outside a $(...) so a bad size ends the script
  if [[ -n "$node" ]]; then
    root="$NODES/node$node/hugepages"
    [[ -d "$root" ]] || die "no NUMA node $node here (no $root)"
  else
    root="$GLOBAL"
  fi
  local pool="$root/$(pool_name "$size")"
  [[ -d "$pool" ]] || die "this kernel has no $size pool ($pool missing)"
  echo "$pool"
}

set_pool() {
  local size=$1 count=$2 node=$3 pool where
  target_pool "$size" "$node" >/dev/null  # the same checks, outside $(...) so they can end the script
  pool=$(target_pool "$size" "$node")
  where=${node:+node$node}; where=${where:-all nodes}
  [[ -w "$pool/nr_hugepages" ]] || die "cannot write $pool/nr_hugepages (run as root)"
  echo "$count" > "$pool/nr_hugepages" || die "the kernel refused $count pages in $pool"
  local got
  got=$(cat "$pool/nr_hugepages")
  echo "$where $size: asked $count pages, pool has $got"
  if (( got < count )); then
    echo "hugepages.sh: the kernel found only $got of $count contiguous $size pages; see 'usage' for boot-time reservation" >&2
    exit 1
  fi
}

parse_node() {
  NODE=""
  while (( $# )); do
    case "$1" in
      --node) [[ $# -ge 2 && "$2" =~ ^[0-9]+$ ]] || die "--node needs a node number"; NODE=$2; shift 2 ;;
      *) die "unexpected argument '$1'" ;;
    esac
  done
}

cmd=${1:-}
case "$cmd" in
  status) status ;;
  reserve)
    [[ $# -ge 3 ]] || { usage >&2; exit 2; }
    [[ "$3" =~ ^[0-9]+$ ]] || die "COUNT '$3' is not a number"
    parse_node "${@:4}"
    set_pool "$2" "$3" "$NODE" ;;
  release)
    [[ $# -ge 2 ]] || { usage >&2; exit 2; }
    parse_node "${@:3}"
    set_pool "$2" 0 "$NODE" ;;
  -h|--help|help) usage ;;
  *) usage >&2; exit 2 ;;
esac
