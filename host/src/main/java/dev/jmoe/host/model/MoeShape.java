package dev.jmoe.host.model;

/**
 * The MoE part of a model's shape.
 *
 * @param experts      routed experts per MoE layer
 * @param expertFf     rows of one expert's gate/up matrices
 * @param shared       shared experts (always used, unweighted; DeepSeek), 0 where the model has none
 * @param leadingDense layers below this index have a dense FFN instead (DeepSeek's first layers)
 */
public record MoeShape(int experts, int expertFf, int shared, int leadingDense, RouterSpec router) {
    public MoeShape {
        if (router.used() <= 0 || router.used() > experts) {
            throw new UnsupportedModelException(router.used() + " experts used per token of " + experts);
        }
        if (router.groups() > 1 && experts % router.groups() != 0) {
            throw new UnsupportedModelException(experts + " experts do not split into " + router.groups() + " equal groups");
        }
    }

    public boolean isMoeLayer(int layer) {
        return layer >= leadingDense;
    }
}
