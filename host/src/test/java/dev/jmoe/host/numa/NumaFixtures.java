package dev.jmoe.host.numa;

import dev.jmoe.host.gguf.GgmlType;
import dev.jmoe.host.gguf.GgufTensorInfo;
import dev.jmoe.host.topo.NumaNode;
import dev.jmoe.host.topo.NumaTopology;
import dev.jmoe.host.topo.NumaTopologyReader;
import dev.jmoe.host.topo.SysTree;

import java.net.URISyntaxException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/** Topologies and tensor lists for the planning tests: the two-node fixture tree and a built four-node box. */
final class NumaFixtures {
    static final long GIB = 1L << 30;

    private NumaFixtures() {}

    /** The {@code topo/two-node} fixture: nodes 0 and 1 with 8 CPUs and 64 GB each. */
    static NumaTopology twoNode() {
        try {
            Path root = Path.of(NumaFixtures.class.getResource("/topo/two-node").toURI());
            return new NumaTopologyReader(new SysTree(root)).read();
        } catch (URISyntaxException e) {
            throw new IllegalStateException(e);
        }
    }

    /** Four nodes of 4 CPUs each with {@code freeGib} GiB free apiece, plus node 4: memory only (CXL). */
    static NumaTopology fourNodesAndCxl(long freeGib) {
        List<NumaNode> nodes = new ArrayList<>();
        for (int n = 0; n < 4; n++) {
            nodes.add(new NumaNode(n, List.of(4 * n, 4 * n + 1, 4 * n + 2, 4 * n + 3), 2 * freeGib * GIB, freeGib * GIB, List.of()));
        }
        nodes.add(new NumaNode(4, List.of(), 256 * GIB, 256 * GIB, List.of()));
        return new NumaTopology(nodes, false);
    }

    static GgufTensorInfo tensor(String name, long bytes) {
        return new GgufTensorInfo(name, GgmlType.F32, new long[] {bytes / 4}, Path.of("model.gguf"), 0, 0, bytes);
    }

    /** Two layers: expert tensors of {@code expertBytes} each and small other weights (not page multiples). */
    static List<GgufTensorInfo> model(long expertBytes) {
        List<GgufTensorInfo> t = new ArrayList<>();
        t.add(tensor("token_embd.weight", 10_000));
        for (int l = 0; l < 2; l++) {
            t.add(tensor("blk." + l + ".attn_q.weight", 5_000));
            for (String k : List.of("gate", "up", "down")) t.add(tensor("blk." + l + ".ffn_" + k + "_exps.weight", expertBytes));
        }
        return t;
    }
}
