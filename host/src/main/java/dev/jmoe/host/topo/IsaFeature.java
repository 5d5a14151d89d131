package dev.jmoe.host.topo;

import java.util.Collection;
import java.util.EnumSet;
import java.util.Set;

/** The x86 instruction set extensions the CPU kernels care about, by their {@code /proc/cpuinfo} flag. */
public enum IsaFeature {
    AVX2("avx2"),
    FMA("fma"),
    F16C("f16c"),
    AVX512F("avx512f"),
    AVX512BW("avx512bw"),
    AVX512_VNNI("avx512_vnni"),
    AVX512_BF16("avx512_bf16"),
    AMX_TILE("amx_tile"),
    AMX_BF16("amx_bf16"),
    AMX_INT8("amx_int8");

    private final String flag;

    IsaFeature(String flag) {
        this.flag = flag;
    }

    /** The name the kernel prints in the {@code flags} line. */
    public String flag() {
        return flag;
    }

    /** The features among a CPU's flags. */
    public static Set<IsaFeature> among(Collection<String> flags) {
        EnumSet<IsaFeature> found = EnumSet.noneOf(IsaFeature.class);
        for (IsaFeature f : values()) {
            if (flags.contains(f.flag)) found.add(f);
        }
        return found;
    }
}
