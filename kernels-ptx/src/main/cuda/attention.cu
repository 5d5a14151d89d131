// Causal attention of each token's query heads over a layer's cached keys and values:
//
//   out[t][h] = sum_{p <= positions[t]} softmax_p(scale * q[t][h] . K[p][g]) * V[p][g],   g = h / (heads / kvHeads)
//
// q is [tokens][heads][keyLength] floats. The cache rows are the host cache's bytes as stored, in their GGML
// encoding (keyType/valueType: F32, F16 or Q8_0 as GGML type ids, decoded exactly as the host reads them),
// row p at p * keyRowBytes (valueRowBytes), every kv head side by side: head g's key starts at element
// g * keyLength, its value at g * valueLength. Latent attention passes the key rows as the values too.
// out is [tokens][heads][valueLength] floats.
//
// Launch attention_f32: grid = (ceil(tokens * heads / 8)), block = (256): one warp per (token, head), lanes
// across the key and value elements (keyLength, valueLength <= 32 * MAX_PER_LANE), positions in order with the
// running maximum and sum of an online softmax, so no score array is needed at any context length.

#include "ggml_blocks.cuh"

#define WARP_SIZE 32
#define WARPS_PER_BLOCK 8
#define MAX_PER_LANE 32

// Element i of a cache row in its encoding: the three a KV cache has (F32 0, F16 1, Q8_0 8), decoded as
// ggml_blocks.cuh decodes them (so as the host reads them), without the other types' cases.
GGML_HD float cache_element(const uint8_t* row, int type, int i) {
    if (type == 1) return f16_at(row + 2 * i);
    if (type == 0) return ((const float*) row)[i];
    const uint8_t* b = row + (i >> 5) * 34;
    return affine(f16_at(b), 1, (int8_t) b[2 + (i & 31)], 0.0f, 0);
}

// The per-lane steps of one warp's (token, head), host and device: the host test runs them for all 32 lanes and
// sums the lanes' scores as the warp's shuffles do. qv and acc hold the lane's elements lane, lane + 32, ...

GGML_HD void lane_start(const float* qr, int keyLength, int lane, float* qv, float* acc) {
#pragma unroll
    for (int i = 0; i < MAX_PER_LANE; i++) {
        const int k = lane + WARP_SIZE * i;
        qv[i] = k < keyLength ? qr[k] : 0.0f;
        acc[i] = 0.0f;
    }
}

// The lane's share of q . key g of the cache row kr.
GGML_HD float lane_score(const float* qv, const uint8_t* kr, int keyType, int g, int keyLength, int lane) {
    float s = 0.0f;
#pragma unroll
    for (int i = 0; i < MAX_PER_LANE; i++) {
        const int k = lane + WARP_SIZE * i;
        if (k < keyLength) s = fmaf(qv[i], cache_element(kr, keyType, g * keyLength + k), s);
    }
    return s;
}

// One position of the online softmax: the score s folds into the running maximum and sum, and returns the
// factor the accumulated values are rescaled by; *weight is this position's weight.
GGML_HD float softmax_step(float s, float* running, float* sum, float* weight) {
    const float next = fmaxf(*running, s);
    const float rescale = expf(*running - next);   // 0 at the first position (running is -inf)
    *weight = expf(s - next);
    *sum = *sum * rescale + *weight;
    *running = next;
    return rescale;
}

GGML_HD void lane_accumulate(float* acc, float weight, float rescale, const uint8_t* vr, int valueType, int g, int valueLength, int lane) {
#pragma unroll
    for (int i = 0; i < MAX_PER_LANE; i++) {
        const int d = lane + WARP_SIZE * i;
        if (d < valueLength) acc[i] = fmaf(weight, cache_element(vr, valueType, g * valueLength + d), acc[i] * rescale);
    }
}

GGML_HD void lane_finish(const float* acc, float sum, int valueLength, int lane, float* o) {
    const float inverse = 1.0f / sum;
#pragma unroll
    for (int i = 0; i < MAX_PER_LANE; i++) {
        const int d = lane + WARP_SIZE * i;
        if (d < valueLength) o[d] = acc[i] * inverse;
    }
}

__device__ __forceinline__ float warp_sum(float v) {
    for (int offset = WARP_SIZE / 2; offset > 0; offset >>= 1) v += __shfl_xor_sync(0xffffffffu, v, offset);
    return v;
}

extern "C" __global__ void attention_f32(const float* __restrict__ q,
                                         const uint8_t* __restrict__ keys, int keyType, long long keyRowBytes,
                                         const uint8_t* __restrict__ values, int valueType, long long valueRowBytes,
                                         const int* __restrict__ positions, int tokens, int heads, int kvHeads,
                                         int keyLength, int valueLength, float scale, float* __restrict__ out) {
    const int lane = threadIdx.x % WARP_SIZE;
    const int query = blockIdx.x * WARPS_PER_BLOCK + threadIdx.x / WARP_SIZE;
    if (query >= tokens * heads) return;   // whole warps leave together
    const int t = query / heads, h = query % heads;
    const int g = h / (heads / kvHeads);

    float qv[MAX_PER_LANE], acc[MAX_PER_LANE];
    lane_start(q + (size_t) query * keyLength, keyLength, lane, qv, acc);
    float running = -INFINITY, sum = 0.0f, weight;
    const int last = positions[t];
    for (int p = 0; p <= last; p++) {
        const float s = warp_sum(lane_score(qv, keys + p * keyRowBytes, keyType, g, keyLength, lane)) * scale;
        const float rescale = softmax_step(s, &running, &sum, &weight);
        lane_accumulate(acc, weight, rescale, values + p * valueRowBytes, valueType, g, valueLength, lane);
    }
    lane_finish(acc, sum, valueLength, lane, out + (size_t) query * valueLength);
}
