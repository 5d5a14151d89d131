package dev.jmoe.host.bench;

import java.util.Map;

/** llama.cpp's names of {@code general.file_type} values (the "type" in llama-bench's model column). */
final class FileTypeNames {
    private static final Map<Integer, String> NAMES = Map.ofEntries(
            Map.entry(0, "all F32"), Map.entry(1, "F16"), Map.entry(2, "Q4_0"), Map.entry(3, "Q4_1"),
            Map.entry(7, "Q8_0"), Map.entry(8, "Q5_0"), Map.entry(9, "Q5_1"), Map.entry(10, "Q2_K - Medium"),
            Map.entry(11, "Q3_K - Small"), Map.entry(12, "Q3_K - Medium"), Map.entry(13, "Q3_K - Large"),
            Map.entry(14, "Q4_K - Small"), Map.entry(15, "Q4_K - Medium"), Map.entry(16, "Q5_K - Small"),
            Map.entry(17, "Q5_K - Medium"), Map.entry(18, "Q6_K"), Map.entry(25, "IQ4_NL - 4.5 bpw"),
            Map.entry(30, "IQ4_XS - 4.25 bpw"), Map.entry(32, "BF16"));

    private FileTypeNames() {}

    static String of(int fileType) {
        return NAMES.getOrDefault(fileType, "type " + fileType);
    }
}
