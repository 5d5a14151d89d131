// Causal attention of each token's query heads over a layer's cached keys and values, in F32:
//
//   out[t][h] = sum_{p <= positions[t]} softmax_p(scale * q[t][h] . K[p][g]) * V[p][g],   g = h / (heads / kvHeads)
//
// q is [tokens][heads][keyLength]; row p of the cache holds every kv head side by side, keyStride (valueStride)
// floats apart, kv head g's key at g * keyLength (value at g * valueLength); latent attention passes the key
// rows as the values too. out is [tokens][heads][valueLength].
//
// Launch attention_f32: grid = (ceil(tokens * heads / 8)), block = (256): one warp per (token, head), lanes
// across the key and value elements (keyLength, valueLength <= 32 * MAX_PER_LANE), positions in order with the
// running maximum and sum of an online softmax, so no score array is needed at any context length.

#define WARP_SIZE 32
#define WARPS_PER_BLOCK 8
#define MAX_PER_LANE 32

__device__ __forceinline__ float warp_sum(float v) {
    for (int offset = WARP_SIZE / 2; offset > 0; offset >>= 1) v += __shfl_xor_sync(0xffffffffu, v, offset);
    return v;
}

extern "C" __global__ void attention_f32(const float* __restrict__ q, const float* __restrict__ keys,
                                         const float* __restrict__ values, const int* __restrict__ positions,
                                         int tokens, int heads, int kvHeads, int keyLength, int valueLength,
                                         int keyStride, int valueStride, float scale, float* __restrict__ out) {
    const int lane = threadIdx.x % WARP_SIZE;
    const int query = blockIdx.x * WARPS_PER_BLOCK + threadIdx.x / WARP_SIZE;
    if (query >= tokens * heads) return;   // whole warps leave together
    const int t = query / heads, h = query % heads;
    const int g = h / (heads / kvHeads);
    const float* qr = q + (size_t) query * keyLength;

    float qv[MAX_PER_LANE], acc[MAX_PER_LANE];
#pragma unroll
    for (int i = 0; i < MAX_PER_LANE; i++) {
        const int k = lane + WARP_SIZE * i;
        qv[i] = k < keyLength ? qr[k] : 0.0f;
        acc[i] = 0.0f;
    }
    float running = -INFINITY, sum = 0.0f;
    const int last = positions[t];
    for (int p = 0; p <= last; p++) {
        const float* kr = keys + (size_t) p * keyStride + (size_t) g * keyLength;
        float s = 0.0f;
#pragma unroll
        for (int i = 0; i < MAX_PER_LANE; i++) {
            const int k = lane + WARP_SIZE * i;
            if (k < keyLength) s = fmaf(qv[i], kr[k], s);
        }
        s = warp_sum(s) * scale;
        const float next = fmaxf(running, s);
        const float rescale = expf(running - next);   // 0 at the first position (running is -inf)
        const float weight = expf(s - next);
        sum = sum * rescale + weight;
        const float* vr = values + (size_t) p * valueStride + (size_t) g * valueLength;
#pragma unroll
        for (int i = 0; i < MAX_PER_LANE; i++) {
            const int d = lane + WARP_SIZE * i;
            if (d < valueLength) acc[i] = fmaf(weight, vr[d], acc[i] * rescale);
        }
        running = next;
    }
    const float inverse = 1.0f / sum;
    float* o = out + (size_t) query * valueLength;
#pragma unroll
    for (int i = 0; i < MAX_PER_LANE; i++) {
        const int d = lane + WARP_SIZE * i;
        if (d < valueLength) o[d] = acc[i] * inverse;
    }
}
