/**
 * How model bytes get into memory. One entry point, {@link dev.jmoe.host.mem.ModelMemory#load}: a file,
 * an offset and a length in, a read-only {@link java.lang.foreign.MemorySegment} of exactly that region
 * out, with a {@link dev.jmoe.host.mem.LoadReport} of what happened.
 *
 * <ul>
 *   <li>default: the file mapped read-only, MAP_SHARED, from the page-aligned offset below the region;</li>
 *   <li>{@code --no-mmap}: anonymous memory, the region read in with FileChannel reads;</li>
 *   <li>{@code --hugepages thp|2m|1g}: a copy on transparent or hugetlb pages, falling back
 *       1g → 2m → thp → 4 KiB with one warning each when a pool is short (never an error);</li>
 *   <li>{@code --mlock}: the pages locked, or an error naming RLIMIT_MEMLOCK and the bytes needed.</li>
 * </ul>
 *
 * Native calls go through FFM downcalls, one class per concern ({@link dev.jmoe.host.mem.Mman},
 * {@link dev.jmoe.host.mem.Fcntl}, {@link dev.jmoe.host.mem.Rlimit}); errno is captured with the call
 * and reported by name ({@link dev.jmoe.host.mem.Errno}). {@code scripts/hugepages.sh} reserves the pools.
 */
package dev.jmoe.host.mem;
