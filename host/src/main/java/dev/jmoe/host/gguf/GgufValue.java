package dev.jmoe.host.gguf;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.OptionalLong;

/** One GGUF metadata value: a record per value type, arrays holding values of one type each. */
public sealed interface GgufValue {

    /** The value's type as stored in the file. */
    GgufValueType type();

    /** The value of an integer type, or empty for other types and for uint64 values above {@code Long.MAX_VALUE}. */
    default OptionalLong integerValue() {
        return switch (this) {
            case UInt8 v -> OptionalLong.of(v.value);
            case Int8 v -> OptionalLong.of(v.value);
            case UInt16 v -> OptionalLong.of(v.value);
            case Int16 v -> OptionalLong.of(v.value);
            case UInt32 v -> OptionalLong.of(v.value);
            case Int32 v -> OptionalLong.of(v.value);
            case Int64 v -> OptionalLong.of(v.value);
            case UInt64 v -> v.value >= 0 ? OptionalLong.of(v.value) : OptionalLong.empty();
            default -> OptionalLong.empty();
        };
    }

    /** The value as text, arrays abbreviated to their first {@code maxItems} items. */
    default String render(int maxItems) {
        return switch (this) {
            case Str s -> quote(s.value);
            case UInt64 v -> Long.toUnsignedString(v.value);
            case Float32 v -> Float.toString(v.value);
            case Float64 v -> Double.toString(v.value);
            case Bool v -> Boolean.toString(v.value);
            default -> Long.toString(integerValue().orElseThrow());
        };
    }

    private static String quote(String s) {
        StringBuilder b = new StringBuilder(s.length() + 2).append('"');
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            switch (c) {
                case '"' -> b.append("\\\"");
                case '\\' -> b.append("\\\\");
                case '\n' -> b.append("\\n");
                case '\t' -> b.append("\\t");
                case '\r' -> b.append("\\r");
                default -> {
                    if (c < 0x20) b.append(String.format("\\u%04x", (int) c));
                    else b.append(c);
                }
            }
        }
        return b.append('"').toString();
    }

    record UInt8(int value) implements GgufValue {
        public UInt8 {
            if (value < 0 || value > 0xFF) throw new IllegalArgumentException("uint8 out of range: " + value);
        }
        public GgufValueType type() { return GgufValueType.UINT8; }
    }

    record Int8(byte value) implements GgufValue {
        public GgufValueType type() { return GgufValueType.INT8; }
    }

    record UInt16(int value) implements GgufValue {
        public UInt16 {
            if (value < 0 || value > 0xFFFF) throw new IllegalArgumentException("uint16 out of range: " + value);
        }
        public GgufValueType type() { return GgufValueType.UINT16; }
    }

    record Int16(short value) implements GgufValue {
        public GgufValueType type() { return GgufValueType.INT16; }
    }

    record UInt32(long value) implements GgufValue {
        public UInt32 {
            if (value < 0 || value > 0xFFFF_FFFFL) throw new IllegalArgumentException("uint32 out of range: " + value);
        }
        public GgufValueType type() { return GgufValueType.UINT32; }
    }

    record Int32(int value) implements GgufValue {
        public GgufValueType type() { return GgufValueType.INT32; }
    }

    record Float32(float value) implements GgufValue {
        public GgufValueType type() { return GgufValueType.FLOAT32; }
    }

    record Bool(boolean value) implements GgufValue {
        public GgufValueType type() { return GgufValueType.BOOL; }
    }

    record Str(String value) implements GgufValue {
        public Str {
            Objects.requireNonNull(value);
        }
        public GgufValueType type() { return GgufValueType.STRING; }
    }

    /** An unsigned 64-bit value kept in a {@code long}'s bits (values above 2^63 read as negative). */
    record UInt64(long value) implements GgufValue {
        public GgufValueType type() { return GgufValueType.UINT64; }
        @Override public String toString() { return "UInt64[value=" + Long.toUnsignedString(value) + "]"; }
    }

    record Int64(long value) implements GgufValue {
        public GgufValueType type() { return GgufValueType.INT64; }
    }

    record Float64(double value) implements GgufValue {
        public GgufValueType type() { return GgufValueType.FLOAT64; }
    }

    /**
     * An array of values of one type ({@code ARRAY} for nested arrays, each inner array with its own
     * element type). Arrays the reader decodes from fixed-size types keep the file's bytes and decode
     * items on access, so a large numeric array costs its bytes, not an object per item.
     */
    record Array(GgufValueType elementType, List<GgufValue> items) implements GgufValue {
        public Array {
            Objects.requireNonNull(elementType);
            if (!(items instanceof PackedValues)) {
                for (GgufValue v : items) {
                    if (v.type() != elementType) {
                        throw new IllegalArgumentException("array of " + elementType.label() + " holds a " + v.type().label());
                    }
                }
                items = List.copyOf(items);
            }
        }

        public GgufValueType type() { return GgufValueType.ARRAY; }

        public int size() { return items.size(); }

        public GgufValue get(int i) { return items.get(i); }

        public static Array ofStrings(List<String> values) {
            return new Array(GgufValueType.STRING, values.stream().<GgufValue>map(Str::new).toList());
        }

        public static Array ofInt32(int... values) {
            List<GgufValue> items = new ArrayList<>(values.length);
            for (int v : values) items.add(new Int32(v));
            return new Array(GgufValueType.INT32, items);
        }

        public static Array ofFloat32(float... values) {
            List<GgufValue> items = new ArrayList<>(values.length);
            for (float v : values) items.add(new Float32(v));
            return new Array(GgufValueType.FLOAT32, items);
        }

        /** The items as strings; the array must hold strings. */
        public List<String> strings() {
            requireElementType(GgufValueType.STRING);
            return items.stream().map(v -> ((Str) v).value()).toList();
        }

        /** The items as longs; the array must hold an integer type (uint64 items keep their bits). */
        public long[] longs() {
            if (!elementType.isInteger()) throw wrongElements("an integer type");
            long[] out = new long[items.size()];
            for (int i = 0; i < out.length; i++) {
                GgufValue v = items.get(i);
                out[i] = v instanceof UInt64 u ? u.value() : v.integerValue().orElseThrow();
            }
            return out;
        }

        /** The items as floats; the array must hold float32. */
        public float[] floats() {
            requireElementType(GgufValueType.FLOAT32);
            float[] out = new float[items.size()];
            for (int i = 0; i < out.length; i++) out[i] = ((Float32) items.get(i)).value();
            return out;
        }

        private void requireElementType(GgufValueType expected) {
            if (elementType != expected) throw wrongElements(expected.label());
        }

        private IllegalStateException wrongElements(String expected) {
            return new IllegalStateException("array holds " + elementType.label() + ", expected " + expected);
        }

        @Override
        public String render(int maxItems) {
            StringBuilder b = new StringBuilder("[");
            int shown = Math.min(maxItems, items.size());
            for (int i = 0; i < shown; i++) {
                if (i > 0) b.append(", ");
                b.append(items.get(i).render(maxItems));
            }
            if (shown < items.size()) b.append(shown > 0 ? ", " : "").append("… (").append(items.size()).append(" items)");
            return b.append(']').toString();
        }
    }
}
