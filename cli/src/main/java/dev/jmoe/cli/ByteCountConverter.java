package dev.jmoe.cli;

import picocli.CommandLine;

import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Sizes as people write them: {@code 4096}, {@code 512KiB}, {@code 16MiB}, {@code 1GiB} (K/M/G alone are binary too). */
final class ByteCountConverter implements CommandLine.ITypeConverter<Long> {
    private static final Pattern SIZE = Pattern.compile("(\\d+)\\s*(|b|k|kib|m|mib|g|gib)");

    @Override
    public Long convert(String value) {
        return parse(value);
    }

    static long parse(String value) {
        Matcher m = SIZE.matcher(value.trim().toLowerCase(Locale.ROOT));
        if (!m.matches()) {
            throw new CommandLine.TypeConversionException("'" + value + "' is not a size (e.g. 4096, 512KiB, 16MiB, 1GiB)");
        }
        int shift = switch (m.group(2)) {
            case "k", "kib" -> 10;
            case "m", "mib" -> 20;
            case "g", "gib" -> 30;
            default -> 0;
        };
        long n = Long.parseLong(m.group(1));
        if (n <= 0 || n > (Long.MAX_VALUE >> shift)) {
            throw new CommandLine.TypeConversionException("'" + value + "' is not a size above 0");
        }
        return n << shift;
    }
}
