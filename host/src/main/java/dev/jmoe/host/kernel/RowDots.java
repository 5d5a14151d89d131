package dev.jmoe.host.kernel;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorSpecies;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.lang.invoke.MethodHandles;

/** Where {@link RowDot} kernels come from: the fast one for this machine, or one of a chosen width for tests. */
public final class RowDots {
    private RowDots() {}

    private static final RowDot PREFERRED = new VectorDot();

    /**
     * The float species the kernels use on this machine: the preferred one, which is the widest the CPU
     * runs well (512 bits with AVX-512, 256 with AVX2). Narrower than 128 bits is not supported.
     */
    public static VectorSpecies<Float> preferredSpecies() {
        VectorSpecies<Float> s = FloatVector.SPECIES_PREFERRED;
        if (s.vectorBitSize() < 128) {
            throw new IllegalStateException("vector kernels need at least 128-bit vectors; this JVM prefers "
                    + s.vectorBitSize() + " bits");
        }
        return s;
    }

    /** The vector kernel at the preferred width (picked once, at class initialization). */
    public static RowDot preferred() {
        return PREFERRED;
    }

    /** The scalar reference as a {@link RowDot} (slow; for tests and as a baseline). */
    public static RowDot scalar() {
        return ScalarRowDot.INSTANCE;
    }

    /**
     * A vector kernel at the given width (128, 256 or 512 bits): a hidden copy of the kernel class whose
     * species constant is {@code species}, so its code is compiled for that width.
     */
    public static RowDot withSpecies(VectorSpecies<Float> species) {
        int bits = species.vectorBitSize();
        if (bits != 128 && bits != 256 && bits != 512) {
            throw new IllegalArgumentException("vector kernels exist for 128, 256 and 512 bits, not " + bits);
        }
        if (species.equals(VectorDot.F)) return PREFERRED;
        try (InputStream in = VectorDot.class.getResourceAsStream("VectorDot.class")) {
            if (in == null) throw new IllegalStateException("VectorDot.class not found on the class path");
            byte[] bytes = in.readAllBytes();
            MethodHandles.Lookup hidden = MethodHandles.lookup().defineHiddenClassWithClassData(bytes, species, true);
            return (RowDot) hidden.findConstructor(hidden.lookupClass(), java.lang.invoke.MethodType.methodType(void.class)).invoke();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (Throwable e) {
            throw new IllegalStateException("could not define a " + bits + "-bit vector kernel", e);
        }
    }
}
