package dev.jmoe.host.numa;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.jmoe.host.gguf.GgufModel;
import dev.jmoe.host.gguf.GgufTensorInfo;
import dev.jmoe.host.mem.ByteSize;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Where a placement's pages actually are, as the kernel says ({@link PageLocator}): per memory class
 * ({@link MemoryClass}) and replica, the bytes on each node, plus bytes of pages not present.
 */
public record PlacementReport(NumaMode mode, int replicas, List<ClassPlacement> classes, List<String> notes, List<String> warnings) {
    public PlacementReport {
        classes = List.copyOf(classes);
        notes = List.copyOf(notes);
        warnings = List.copyOf(warnings);
    }

    /** One class of one replica: bytes per node, and bytes whose pages are not present (never touched, swapped). */
    public record ClassPlacement(MemoryClass memoryClass, int replica, Map<Integer, Long> bytesByNode, long notPresentBytes) {
        public ClassPlacement {
            bytesByNode = new TreeMap<>(bytesByNode);
        }
    }

    /**
     * Reads one byte per page of every tensor (so a lazy mapping is faulted in, as inference would),
     * then asks the kernel where at most {@code samples} pages of each tensor are, and of the KV cache
     * ({@code kvCache}, or null for none); and where every present page of the Java heap is.
     */
    public static PlacementReport of(GgufModel model, NumaPlacement placement, int samples, MemorySegment kvCache) {
        List<ClassPlacement> classes = new ArrayList<>();
        for (MemoryClass cls : List.of(MemoryClass.EXPERTS, MemoryClass.WEIGHTS)) {
            List<GgufTensorInfo> tensors = model.tensors().stream().filter(t -> MemoryClass.of(t) == cls).toList();
            if (tensors.isEmpty()) continue;
            int replicas = placement.replicasOf(tensors.getFirst());
            for (int r = 0; r < replicas; r++) {
                Map<Integer, Long> bytes = new TreeMap<>();
                for (GgufTensorInfo t : tensors) {
                    MemorySegment s = placement.segment(t, r);
                    touch(s);
                    PageLocator.bytesByNode(s.address(), s.byteSize(), samples).forEach((n, b) -> bytes.merge(n, b, Long::sum));
                }
                classes.add(present(cls, r, bytes));
            }
        }
        if (kvCache != null) classes.add(present(MemoryClass.KV_CACHE, 0, PageLocator.bytesByNode(kvCache.address(), kvCache.byteSize(), samples)));
        PlacementPlan plan = placement.plan();
        List<String> notes = new ArrayList<>(plan.notes());
        var heap = JavaHeap.range();
        if (heap.isPresent()) {
            long[] range = heap.get();
            classes.add(present(MemoryClass.SCRATCH, 0, PageLocator.presentBytesByNode(range[0], range[1] - range[0])));
            notes.add("scratch: the Java heap's pages (activations, layer outputs, the workers' scratch), placed by the JVM");
        } else {
            notes.add("scratch: not reported, this garbage collector does not tell where its heap is");
        }
        return new PlacementReport(plan.mode(), plan.replicas(), classes, notes, placement.warnings());
    }

    private static ClassPlacement present(MemoryClass cls, int replica, Map<Integer, Long> bytesByNode) {
        Map<Integer, Long> bytes = new TreeMap<>(bytesByNode);
        Long missing = bytes.remove(PageLocator.NOT_PRESENT);
        return new ClassPlacement(cls, replica, bytes, missing == null ? 0 : missing);
    }

    /** This report without the warnings in {@code shown}: a caller that has shown them does not repeat them. */
    public PlacementReport withoutWarnings(java.util.Collection<String> shown) {
        return new PlacementReport(mode, replicas, classes, notes, warnings.stream().filter(w -> !shown.contains(w)).toList());
    }

    private static long touch(MemorySegment s) {
        long sum = 0;
        for (long i = 0; i < s.byteSize(); i += 4096) sum += s.get(ValueLayout.JAVA_BYTE, i);
        return sum;
    }

    /** {@code {"numa":"mirror","replicas":N,"classes":[{"class":"experts","replica":0,"bytesByNode":{"0":123}}]}}. */
    public ObjectNode toJson() {
        ObjectNode o = JsonNodeFactory.instance.objectNode();
        o.put("numa", mode.flag()).put("replicas", replicas);
        var arr = o.putArray("classes");
        for (ClassPlacement c : classes) {
            ObjectNode co = arr.addObject().put("class", c.memoryClass().label()).put("replica", c.replica());
            ObjectNode nodes = co.putObject("bytesByNode");
            c.bytesByNode().forEach((n, b) -> nodes.put(Integer.toString(n), b));
            co.put("notPresentBytes", c.notPresentBytes());
        }
        notes.forEach(o.putArray("notes")::add);
        warnings.forEach(o.putArray("warnings")::add);
        return o;
    }

    /** A few lines: mode and notes, then one line per class and replica. */
    public String text() {
        StringBuilder sb = new StringBuilder("Placement: numa " + mode.flag() + ", " + replicas + " replica(s)\n");
        notes.forEach(n -> sb.append("  ").append(n).append('\n'));
        for (ClassPlacement c : classes) {
            sb.append(String.format("  %-9s replica %d:", c.memoryClass().label(), c.replica()));
            c.bytesByNode().forEach((n, b) -> sb.append(" node ").append(n).append(' ').append(ByteSize.format(b)).append(';'));
            if (c.notPresentBytes() > 0) sb.append(" not present ").append(ByteSize.format(c.notPresentBytes())).append(';');
            sb.setLength(sb.length() - (sb.charAt(sb.length() - 1) == ';' ? 1 : 0));
            sb.append('\n');
        }
        warnings.forEach(w -> sb.append("warning: ").append(w).append('\n'));
        return sb.toString();
    }
}
