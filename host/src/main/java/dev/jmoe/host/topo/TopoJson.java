package dev.jmoe.host.topo;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;

/**
 * {@code jmoe topo --json}: the topology as one JSON object with the keys {@code cpu}, {@code numa},
 * {@code hugepages}, {@code cuda} and {@code warnings}. Unknown values are {@code null}.
 */
public final class TopoJson {
    private static final JsonNodeFactory F = JsonNodeFactory.instance;

    private TopoJson() {}

    public static ObjectNode of(HostTopology topo) {
        ObjectNode root = F.objectNode();
        root.set("cpu", cpu(topo.cpu()));
        root.set("numa", numa(topo.numa()));
        root.set("hugepages", hugePages(topo.hugePages()));
        root.set("cuda", cuda(topo.cuda()));
        ArrayNode warnings = root.putArray("warnings");
        TopoWarnings.of(topo).forEach(warnings::add);
        return root;
    }

    /** Pretty-printed, for pasting. */
    public static String text(HostTopology topo) {
        try {
            return new ObjectMapper().writerWithDefaultPrettyPrinter().writeValueAsString(of(topo));
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot write a JSON tree built in memory", e);
        }
    }

    private static ObjectNode cpu(CpuInfo cpu) {
        ObjectNode o = F.objectNode();
        o.put("model", cpu.model());
        o.put("logicalCpus", cpu.logicalCpus());
        putKnown(o, "physicalCores", cpu.physicalCores());
        putKnown(o, "sockets", cpu.sockets());
        ObjectNode features = o.putObject("features");
        for (IsaFeature f : IsaFeature.values()) features.put(f.flag(), cpu.has(f));
        o.put("vectorBits", cpu.vectorBits());
        return o;
    }

    private static ObjectNode numa(NumaTopology numa) {
        ObjectNode o = F.objectNode();
        ArrayNode nodes = o.putArray("nodes");
        for (NumaNode n : numa.nodes()) {
            ObjectNode node = nodes.addObject();
            node.put("id", n.id());
            ArrayNode cpus = node.putArray("cpus");
            n.cpus().forEach(cpus::add);
            node.put("memTotalBytes", n.memTotalBytes());
            node.put("memFreeBytes", n.memFreeBytes());
            ArrayNode distances = node.putArray("distances");
            n.distances().forEach(distances::add);
        }
        o.put("balancing", numa.balancing());
        return o;
    }

    private static ObjectNode hugePages(HugePages hp) {
        ObjectNode o = F.objectNode();
        o.put("thp", hp.thp().orElse(null));
        ArrayNode pools = o.putArray("pools");
        for (HugePagePool p : hp.pools()) {
            ObjectNode pool = pools.addObject();
            pool.put("pageBytes", p.pageBytes());
            pool.put("total", p.total());
            pool.put("free", p.free());
            ArrayNode perNode = pool.putArray("perNode");
            for (HugePagePool.NodePages n : p.perNode()) {
                perNode.addObject().put("node", n.node()).put("total", n.total()).put("free", n.free());
            }
        }
        return o;
    }

    private static ObjectNode cuda(CudaDevices cuda) {
        ObjectNode o = F.objectNode();
        o.put("available", cuda.available());
        if (!cuda.available()) o.put("reason", cuda.reason());
        ArrayNode devices = o.putArray("devices");
        for (CudaDevices.Gpu gpu : cuda.devices()) {
            GpuProbe.Device d = gpu.device();
            ObjectNode device = devices.addObject();
            device.put("index", d.index());
            device.put("name", d.name());
            device.put("memoryBytes", d.memoryBytes());
            device.put("computeCapability", d.ccMajor() + "." + d.ccMinor());
            device.put("pciBusId", d.pciBusId());
            device.set("pcie", gpu.link().<JsonNode>map(TopoJson::pcie).orElse(F.nullNode()));
        }
        return o;
    }

    private static ObjectNode pcie(PciLink link) {
        ObjectNode o = F.objectNode();
        o.put("busId", link.busId());
        putKnown(o, "numaNode", link.numaNode());
        o.set("current", linkState(link.current()));
        o.set("max", linkState(link.max()));
        return o;
    }

    private static ObjectNode linkState(PciLink.LinkState s) {
        ObjectNode o = F.objectNode();
        if (s.rate() > 0) o.put("gigaTransfersPerSecond", s.rate()); else o.putNull("gigaTransfersPerSecond");
        if (s.generation().isPresent()) o.put("generation", s.generation().get().number()); else o.putNull("generation");
        putKnown(o, "width", s.width() > 0 ? s.width() : -1);
        if (s.bytesPerSecond().isPresent()) o.put("bytesPerSecond", Math.round(s.bytesPerSecond().get()));
        else o.putNull("bytesPerSecond");
        return o;
    }

    /** Negative numbers are the kernel's and this code's "unknown": written as null. */
    private static void putKnown(ObjectNode o, String key, int value) {
        if (value < 0) o.putNull(key); else o.put(key, value);
    }
}
