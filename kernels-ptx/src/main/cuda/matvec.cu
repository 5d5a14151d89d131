// The weight product for a few tokens (decode), straight from the GGML encoding: no F32 copy of the matrix.
//
//   y[t * ldy + r] = sum_k w_r[k] * x[t * cols + k]      (r < rows, t < tokens <= MATVEC_TOKENS)
//
// where w_r is row r of the rows x cols matrix of GGML type `type` at w, rowBytes apart (see ggml_blocks.cuh).
// Launch matvec_f32: grid = (ceil(rows / 8)), block = (256): one warp per row, its lanes striding over the
// row's elements, each decoded once and used for every token; the lanes' sums meet by shuffles.

#include "ggml_blocks.cuh"

#define WARP_SIZE 32
#define WARPS_PER_BLOCK 8
#define MATVEC_TOKENS 8

// One lane's shares of row wr's dots with tokens 0..tokens-1 of x (cols apart): elements lane, lane + 32, ...,
// each decoded once for all the tokens. Host and device: the host test sums the 32 lanes' shares as the warp's
// shuffles do, so it reproduces the kernels' results exactly.
GGML_HD void lane_shares(const uint8_t* wr, int type, int cols, const float* x, int tokens, int lane, float* acc) {
    for (int t = 0; t < MATVEC_TOKENS; t++) acc[t] = 0.0f;
    for (int k = lane; k < cols; k += WARP_SIZE) {
        const float v = element(wr, type, k);
        for (int t = 0; t < MATVEC_TOKENS; t++) {
            if (t < tokens) acc[t] = fmaf(v, x[(size_t) t * cols + k], acc[t]);
        }
    }
}

// Where pair p's expert row and token start: expert pairExpert[p]'s row `row`, token pairToken[p]'s activations.
GGML_HD const uint8_t* pair_row(const uint8_t* w, long long expertBytes, long long rowBytes, const int* pairExpert, int p, int row) {
    return w + pairExpert[p] * expertBytes + row * rowBytes;
}

GGML_HD const float* pair_token(const float* x, int cols, const int* pairToken, int p) {
    return x + (size_t) pairToken[p] * cols;
}

__device__ __forceinline__ float warp_sum(float v) {
    for (int offset = WARP_SIZE / 2; offset > 0; offset >>= 1) v += __shfl_xor_sync(0xffffffffu, v, offset);
    return v;
}

extern "C" __global__ void matvec_f32(const uint8_t* __restrict__ w, int type, int rows, int cols, long long rowBytes,
                                      const float* __restrict__ x, int tokens, float* __restrict__ y, int ldy) {
    const int lane = threadIdx.x % WARP_SIZE;
    const int row = blockIdx.x * WARPS_PER_BLOCK + threadIdx.x / WARP_SIZE;
    if (row >= rows) return;   // a whole warp leaves together: the shuffles below see full warps

    float acc[MATVEC_TOKENS];
    lane_shares(w + row * rowBytes, type, cols, x, tokens, lane, acc);
    for (int t = 0; t < MATVEC_TOKENS; t++) {
        if (t >= tokens) break;
        const float s = warp_sum(acc[t]);
        if (lane == 0) y[(size_t) t * ldy + row] = s;
    }
}

// The MoE form for a few tokens: each (token, expert) pair's product in one launch, instead of one launch and
// one round trip per routed expert.
//
//   y[p * rows + r] = sum_k w_{e_p, r}[k] * x[t_p * cols + k]      (p < pairs, e_p = pairExpert[p], t_p = pairToken[p])
//
// where expert e's rows x cols matrix starts at w + e * expertBytes. Launch matvec_pairs_f32: grid = (ceil(rows / 8),
// pairs), block = (256): one warp per row of one pair. Each pair reads its expert's rows, so this is for pairs that
// mostly route to distinct experts (decode); many tokens per expert take the per-expert GEMM instead.
extern "C" __global__ void matvec_pairs_f32(const uint8_t* __restrict__ w, int type, int rows, int cols, long long rowBytes,
                                            long long expertBytes, const float* __restrict__ x,
                                            const int* __restrict__ pairToken, const int* __restrict__ pairExpert,
                                            float* __restrict__ y) {
    const int lane = threadIdx.x % WARP_SIZE;
    const int row = blockIdx.x * WARPS_PER_BLOCK + threadIdx.x / WARP_SIZE;
    const int pair = blockIdx.y;
    if (row >= rows) return;   // whole warps leave together
    float acc[MATVEC_TOKENS];
    lane_shares(pair_row(w, expertBytes, rowBytes, pairExpert, pair, row), type, cols, pair_token(x, cols, pairToken, pair), 1, lane, acc);
    const float s = warp_sum(acc[0]);
    if (lane == 0) y[(size_t) pair * rows + row] = s;
}
