package dev.jmoe.host.gguf;

import java.nio.file.Path;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.Set;

/**
 * The key-value metadata of a GGUF file, in file order, with typed getters. A getter that finds the
 * wrong type or no value throws a {@link GgufFormatException} naming the key, the expected and the
 * found type, and (for parsed files) the offset of the value.
 */
public final class GgufMetadata {
    private final Path file;
    private final Map<String, GgufValue> values;
    private final Map<String, Long> offsets;

    GgufMetadata(Path file, Map<String, GgufValue> values, Map<String, Long> offsets) {
        this.file = file;
        this.values = Collections.unmodifiableMap(new LinkedHashMap<>(values));
        this.offsets = Map.copyOf(offsets);
    }

    /** Metadata built in memory (for the writer): no file, no offsets. */
    public static GgufMetadata of(Map<String, GgufValue> values) {
        return new GgufMetadata(null, values, Map.of());
    }

    /** All entries in file order. */
    public Map<String, GgufValue> asMap() {
        return values;
    }

    public Set<String> keys() {
        return values.keySet();
    }

    public int size() {
        return values.size();
    }

    public boolean contains(String key) {
        return values.containsKey(key);
    }

    public Optional<GgufValue> find(String key) {
        return Optional.ofNullable(values.get(key));
    }

    /** The value of {@code key}; missing keys are an error. */
    public GgufValue get(String key) {
        GgufValue v = values.get(key);
        if (v == null) throw new GgufFormatException(file, "missing metadata key '" + key + "'");
        return v;
    }

    public String getString(String key) {
        return switch (get(key)) {
            case GgufValue.Str s -> s.value();
            case GgufValue v -> throw wrongType(key, v, "string");
        };
    }

    public Optional<String> findString(String key) {
        return contains(key) ? Optional.of(getString(key)) : Optional.empty();
    }

    public boolean getBool(String key) {
        return switch (get(key)) {
            case GgufValue.Bool b -> b.value();
            case GgufValue v -> throw wrongType(key, v, "bool");
        };
    }

    /** A value of any integer type that fits a {@code long}. */
    public long getLong(String key) {
        GgufValue v = get(key);
        OptionalLong n = v.integerValue();
        if (v instanceof GgufValue.UInt64 u && n.isEmpty()) {
            throw new GgufFormatException(file, offsetOf(key), "metadata key '" + key + "' = "
                    + Long.toUnsignedString(u.value()) + " does not fit a signed 64-bit integer");
        }
        if (n.isEmpty()) throw wrongType(key, v, "an integer");
        return n.getAsLong();
    }

    public long getLong(String key, long fallback) {
        return contains(key) ? getLong(key) : fallback;
    }

    /** A value of any integer type that fits an {@code int}. */
    public int getInt(String key) {
        long n = getLong(key);
        if (n != (int) n) throw new GgufFormatException(file, offsetOf(key), "metadata key '" + key + "' = " + n + " does not fit a 32-bit int");
        return (int) n;
    }

    public int getInt(String key, int fallback) {
        return contains(key) ? getInt(key) : fallback;
    }

    /** A float32 or float64 value. */
    public double getDouble(String key) {
        return switch (get(key)) {
            case GgufValue.Float32 f -> f.value();
            case GgufValue.Float64 f -> f.value();
            case GgufValue v -> throw wrongType(key, v, "a float");
        };
    }

    public float getFloat(String key) {
        return (float) getDouble(key);
    }

    public float getFloat(String key, float fallback) {
        return contains(key) ? getFloat(key) : fallback;
    }

    public GgufValue.Array getArray(String key) {
        return switch (get(key)) {
            case GgufValue.Array a -> a;
            case GgufValue v -> throw wrongType(key, v, "array");
        };
    }

    /** An array of strings. */
    public List<String> getStringArray(String key) {
        GgufValue.Array a = getArray(key);
        if (a.elementType() != GgufValueType.STRING) {
            throw new GgufFormatException(file, offsetOf(key), "metadata key '" + key + "': expected array of string, found array of " + a.elementType().label());
        }
        return a.strings();
    }

    /** The offset in the file of the entry for {@code key} (its key string), or {@link GgufFormatException#NO_OFFSET}. */
    public long offsetOf(String key) {
        return offsets.getOrDefault(key, GgufFormatException.NO_OFFSET);
    }

    private GgufFormatException wrongType(String key, GgufValue found, String expected) {
        String foundType = found instanceof GgufValue.Array a ? "array of " + a.elementType().label() : found.type().label();
        return new GgufFormatException(file, offsetOf(key), "metadata key '" + key + "': expected " + expected + ", found " + foundType);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof GgufMetadata m && values.equals(m.values);
    }

    @Override
    public int hashCode() {
        return values.hashCode();
    }

    @Override
    public String toString() {
        return "GgufMetadata" + values;
    }
}
