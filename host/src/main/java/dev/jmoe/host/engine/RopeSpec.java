package dev.jmoe.host.engine;

import dev.jmoe.host.model.RopeScaling;
import dev.jmoe.host.model.RopeStyle;

/**
 * Rotary position embedding of elements {@code first .. first+dims} of each head, with frequency base
 * {@code base}, and YaRN where {@code scaling} is set (null: plain RoPE).
 */
public record RopeSpec(RopeStyle style, int dims, float base, int first, RopeScaling scaling) {
    public RopeSpec(RopeStyle style, int dims, float base) {
        this(style, dims, base, 0, null);
    }

    /**
     * The YaRN mix per rotary pair: 1 keeps the pair's angle (extrapolation, high frequencies), 0 divides it
     * by the factor (interpolation, low frequencies), with a linear ramp between the correction dimensions.
     * All ones without scaling.
     */
    public float[] extrapolationMix() {
        float[] mix = new float[dims / 2];
        if (scaling == null) {
            java.util.Arrays.fill(mix, 1f);
            return mix;
        }
        float low = Math.max(0, (float) Math.floor(correctionDim(RopeScaling.BETA_FAST)));
        float high = Math.min(dims - 1, (float) Math.ceil(correctionDim(RopeScaling.BETA_SLOW)));
        for (int i = 0; i < mix.length; i++) {
            float y = (i - low) / Math.max(0.001f, high - low);
            mix[i] = 1 - Math.min(1, Math.max(0, y));
        }
        return mix;
    }

    /** The dimension at which a pair turns {@code beta} times in the original context. */
    private float correctionDim(float beta) {
        return (float) (dims * Math.log(scaling.originalContext() / (beta * 2 * Math.PI)) / (2 * Math.log(base)));
    }
}
