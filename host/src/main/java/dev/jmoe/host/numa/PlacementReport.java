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
 * Where a placement's pages actually are, as the kernel says ({@link PageLocator}): per tensor class
 * and replica, the bytes on each node, plus bytes of pages not present.
 */
public record PlacementReport(NumaMode mode, int replicas, List<ClassPlacement> classes, List<String> notes, List<String> warnings) {
    public PlacementReport {
        classes = List.copyOf(classes);
        notes = List.copyOf(notes);
        warnings = List.copyOf(warnings);
    }

    /** One class of one replica: bytes per node, and bytes whose pages are not present (never touched, swapped). */
    public record ClassPlacement(TensorClass tensorClass, int replica, Map<Integer, Long> bytesByNode, long notPresentBytes) {
        public ClassPlacement {
            bytesByNode = new TreeMap<>(bytesByNode);
        }
    }

    /**
     * Reads one byte per page of every tensor (so a lazy mapping is faulted in, as inference would),
     * then asks the kernel where at most {@code samples} pages of each tensor are.
     */
    public static PlacementReport of(GgufModel model, NumaPlacement placement, int samples) {
        List<ClassPlacement> classes = new ArrayList<>();
        for (TensorClass cls : TensorClass.values()) {
            List<GgufTensorInfo> tensors = model.tensors().stream().filter(t -> TensorClass.of(t) == cls).toList();
            if (tensors.isEmpty()) continue;
            int replicas = placement.replicasOf(tensors.getFirst());
            for (int r = 0; r < replicas; r++) {
                Map<Integer, Long> bytes = new TreeMap<>();
                for (GgufTensorInfo t : tensors) {
                    MemorySegment s = placement.segment(t, r);
                    touch(s);
                    PageLocator.bytesByNode(s.address(), s.byteSize(), samples).forEach((n, b) -> bytes.merge(n, b, Long::sum));
                }
                Long missing = bytes.remove(PageLocator.NOT_PRESENT);
                classes.add(new ClassPlacement(cls, r, bytes, missing == null ? 0 : missing));
            }
        }
        PlacementPlan plan = placement.plan();
        return new PlacementReport(plan.mode(), plan.replicas(), classes, plan.notes(), placement.warnings());
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
            ObjectNode co = arr.addObject().put("class", c.tensorClass().label()).put("replica", c.replica());
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
            sb.append(String.format("  %-8s replica %d:", c.tensorClass().label(), c.replica()));
            c.bytesByNode().forEach((n, b) -> sb.append(" node ").append(n).append(' ').append(ByteSize.format(b)).append(';'));
            if (c.notPresentBytes() > 0) sb.append(" not present ").append(ByteSize.format(c.notPresentBytes())).append(';');
            sb.setLength(sb.length() - (sb.charAt(sb.length() - 1) == ';' ? 1 : 0));
            sb.append('\n');
        }
        warnings.forEach(w -> sb.append("warning: ").append(w).append('\n'));
        return sb.toString();
    }
}
