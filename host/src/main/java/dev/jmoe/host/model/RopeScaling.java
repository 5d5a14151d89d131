package dev.jmoe.host.model;

/**
 * YaRN context extension ({@code rope.scaling.type = yarn}): low-frequency pairs are interpolated by
 * {@code factor}, high-frequency pairs kept, a ramp between them (beta fast 32, slow 1), and attention
 * scores scaled by mscale² with mscale = 1 + logMultiplier·ln factor.
 *
 * @param originalContext the context the model was trained for before the extension
 */
public record RopeScaling(float factor, int originalContext, float logMultiplier) {
    public static final float BETA_FAST = 32f;
    public static final float BETA_SLOW = 1f;

    public RopeScaling {
        if (!(factor >= 1) || originalContext <= 0) {
            throw new UnsupportedModelException("yarn rope scaling needs factor >= 1 and an original context, got factor "
                    + factor + ", original context " + originalContext);
        }
    }

    /** mscale = 1 + m·ln f; the attention scale correction is its square. */
    public float mscale() {
        return (float) (1 + logMultiplier * Math.log(factor));
    }
}
