package dev.jmoe.host.numa;

import javax.management.JMException;
import javax.management.ObjectName;
import java.lang.management.ManagementFactory;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The Java heap's reserved address range, as the collector reports it ({@code jcmd PID GC.heap_info},
 * asked in-process through the DiagnosticCommand MBean): G1 prints one range for the heap, the other
 * generational collectors one per generation, whose union is the heap; ZGC and Shenandoah print none.
 */
final class JavaHeap {
    private static final Pattern ADDRESS = Pattern.compile("0x([0-9a-fA-F]+)");

    private JavaHeap() {}

    /** {@code [start, end)} of the heap, or empty when the collector's report names no range. */
    static Optional<long[]> range() {
        try {
            Object text = ManagementFactory.getPlatformMBeanServer().invoke(new ObjectName("com.sun.management:type=DiagnosticCommand"),
                    "gcHeapInfo", new Object[] {null}, new String[] {String[].class.getName()});
            return parse(String.valueOf(text));
        } catch (JMException | RuntimeException e) {
            return Optional.empty();
        }
    }

    /** The lowest and highest address on the report's "total" lines (the heap or its generations, not their spaces). */
    static Optional<long[]> parse(String heapInfo) {
        long start = Long.MAX_VALUE, end = 0;
        for (String line : heapInfo.lines().toList()) {
            if (!line.contains(" total ")) continue;
            Matcher m = ADDRESS.matcher(line);
            while (m.find()) {
                long a = Long.parseUnsignedLong(m.group(1), 16);
                start = Math.min(start, a);
                end = Math.max(end, a);
            }
        }
        return end > start ? Optional.of(new long[] {start, end}) : Optional.empty();
    }
}
