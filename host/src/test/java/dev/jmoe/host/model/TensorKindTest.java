package dev.jmoe.host.model;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;

/** The summary's tensor kinds, by GGUF names of llama, qwen3moe, deepseek2 and qwen2moe models. */
class TensorKindTest {

    @Test
    void namesMapToTheirKinds() {
        assertEquals(TensorKind.EXPERTS, TensorKind.of("blk.3.ffn_down_exps.weight"));
        assertEquals(TensorKind.SHARED_EXPERTS, TensorKind.of("blk.3.ffn_up_shexp.weight"));
        assertEquals(TensorKind.NORMS_ROUTER, TensorKind.of("blk.3.ffn_gate_inp_shexp.weight"), "the shared expert's gate is a router");
        assertEquals(TensorKind.NORMS_ROUTER, TensorKind.of("blk.3.ffn_gate_inp.weight"));
        assertEquals(TensorKind.NORMS_ROUTER, TensorKind.of("blk.3.exp_probs_b.bias"));
        assertEquals(TensorKind.NORMS_ROUTER, TensorKind.of("blk.3.attn_kv_a_norm.weight"));
        assertEquals(TensorKind.NORMS_ROUTER, TensorKind.of("output_norm.weight"));
        assertEquals(TensorKind.ATTENTION, TensorKind.of("blk.3.attn_kv_b.weight"));
        assertEquals(TensorKind.ATTENTION, TensorKind.of("blk.3.attn_output.weight"));
        assertEquals(TensorKind.DENSE_FFN, TensorKind.of("blk.0.ffn_gate.weight"));
        assertEquals(TensorKind.EMBEDDINGS_OUTPUT, TensorKind.of("token_embd.weight"));
        assertEquals(TensorKind.EMBEDDINGS_OUTPUT, TensorKind.of("output.weight"));
        assertEquals(TensorKind.OTHER, TensorKind.of("rope_freqs.weight"));
    }

    @Test
    void blockNumbersFromNames() {
        assertEquals(61, TensorKind.blockOf("blk.61.ffn_up_exps.weight"));
        assertEquals(0, TensorKind.blockOf("blk.0.attn_q.weight"));
        assertEquals(-1, TensorKind.blockOf("output.weight"));
        assertEquals(-1, TensorKind.blockOf("blk.x.attn_q.weight"));
        assertEquals(-1, TensorKind.blockOf("blk."));
    }
}
