package dev.jmoe.host.topo;

import java.util.ArrayList;
import java.util.List;
import java.util.TreeSet;

/**
 * The kernel's CPU list format ({@code cpulist}, {@code cpu/online}): comma-separated CPU numbers
 * and inclusive ranges, e.g. {@code 0-3,8-11}; an empty string is the empty list.
 */
public final class CpuList {
    private CpuList() {}

    /** The CPUs the list names, ascending and without duplicates. */
    public static List<Integer> parse(String text) {
        TreeSet<Integer> cpus = new TreeSet<>();
        String s = text.strip();
        if (s.isEmpty()) return List.of();
        for (String part : s.split(",")) {
            int dash = part.indexOf('-');
            int first = number(text, dash < 0 ? part : part.substring(0, dash));
            int last = dash < 0 ? first : number(text, part.substring(dash + 1));
            if (last < first) throw new IllegalArgumentException("CPU list '" + s + "': range " + part + " runs backwards");
            for (int cpu = first; cpu <= last; cpu++) cpus.add(cpu);
        }
        return List.copyOf(cpus);
    }

    /** The shortest list text for these CPUs, e.g. {@code [0,1,2,3,8]} gives {@code 0-3,8}. */
    public static String format(List<Integer> cpus) {
        List<Integer> sorted = new ArrayList<>(new TreeSet<>(cpus));
        StringBuilder out = new StringBuilder();
        for (int i = 0; i < sorted.size(); ) {
            int j = i;
            while (j + 1 < sorted.size() && sorted.get(j + 1) == sorted.get(j) + 1) j++;
            if (!out.isEmpty()) out.append(',');
            out.append(sorted.get(i));
            if (j > i) out.append('-').append(sorted.get(j));
            i = j + 1;
        }
        return out.toString();
    }

    private static int number(String list, String part) {
        try {
            int n = Integer.parseInt(part.strip());
            if (n < 0) throw new NumberFormatException();
            return n;
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("CPU list '" + list.strip() + "': '" + part + "' is not a CPU number");
        }
    }
}
