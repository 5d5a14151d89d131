package dev.jmoe.host.synth;

/**
 * The DeepSeek (deepseek2) part of a synthetic model's shape: latent attention, shared experts, leading dense
 * layers and the router's rule.
 *
 * @param qLoraRank   0 for a plain {@code attn_q} (the V2 Lite models)
 * @param denseFf     rows of the leading dense layers' gate/up
 * @param sigmoid     sigmoid gating with a selection bias (V3), else softmax (V2)
 * @param yarnFactor  YaRN context extension factor, 0 for none
 */
public record SynthLatent(int qLoraRank, int kvLoraRank, int nopeDim, int ropeDim, int valueDim, int shared,
                          int leadingDense, int denseFf, int groups, int groupsUsed, boolean sigmoid, boolean normalize,
                          float scale, float yarnFactor, int yarnOriginalContext, float yarnLogMultiplier) {
    public SynthLatent {
        if (qLoraRank < 0 || kvLoraRank < 32 || kvLoraRank % 32 != 0) {
            throw new IllegalArgumentException("q-lora-rank must be at least 0 and kv-lora-rank a positive multiple of 32, got "
                    + qLoraRank + " and " + kvLoraRank);
        }
        if (nopeDim < 1 || ropeDim < 2 || ropeDim % 2 != 0 || valueDim < 1) {
            throw new IllegalArgumentException("latent heads need nope, rope (even) and value sizes, got " + nopeDim + ", " + ropeDim + ", " + valueDim);
        }
        if (leadingDense < 0 || denseFf < 32 || denseFf % 32 != 0 || shared < 0) {
            throw new IllegalArgumentException("leading-dense must be at least 0 and ff a positive multiple of 32, got "
                    + leadingDense + " and " + denseFf);
        }
        if (groups < 1 || groupsUsed < 1 || groupsUsed > groups) throw new IllegalArgumentException("expert groups: " + groupsUsed + " used of " + groups);
    }

    public SynthLatent withRanks(int qLora, int kvLora) {
        return new SynthLatent(qLora, kvLora, nopeDim, ropeDim, valueDim, shared, leadingDense, denseFf, groups, groupsUsed,
                sigmoid, normalize, scale, yarnFactor, yarnOriginalContext, yarnLogMultiplier);
    }

    public SynthLatent withDense(int leading, int ff) {
        return new SynthLatent(qLoraRank, kvLoraRank, nopeDim, ropeDim, valueDim, shared, leading, ff, groups, groupsUsed,
                sigmoid, normalize, scale, yarnFactor, yarnOriginalContext, yarnLogMultiplier);
    }
}
