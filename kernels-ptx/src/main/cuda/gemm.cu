// The weight product of the forward pass in F32: for every token t and weight row r
//
//   y[t * ldy + r] = sum_k w[r * cols + k] * x[t * cols + k]      (r < rows, t < tokens)
//
// i.e. Y = X · Wᵀ with both operands row-major in k, as the host's matmul defines it; ldy lets a
// chunk of weight rows write its columns of a wider Y.
//
// Launch gemm_f32_nt: grid = (ceil(rows / 64), ceil(tokens / 64)), block = (16, 16). Each block computes
// a 64 × 64 tile of Y, each thread a 4 × 4 patch of it; operands pass through shared memory 16 values
// of k at a time. Edges (rows, tokens or cols not multiples of the tile) are read as zeros.
// This is the project's own GEMM, the fallback where no cuBLAS can be loaded: plain, not tuned.

#define TILE 64
#define KTILE 16
#define PATCH 4
#define THREADS 256

#ifndef GGML_HD
#define GGML_HD __host__ __device__ __forceinline__
#endif

// The phases of one block, host and device: the host test runs each phase for all 256 threads before the next
// (what the barriers between them guarantee), so it reproduces the kernel's results exactly.

// Thread tid's share of loading the 64 x 16 tiles of both operands at k0: four values each, k fastest so reads
// coalesce; edges read as zeros.
GGML_HD void gemm_load(int tid, const float* w, const float* x, int rows, int cols, int tokens, int row0, int token0, int k0,
                       float ws[KTILE][TILE + 1], float xs[KTILE][TILE + 1]) {
    for (int v = tid; v < TILE * KTILE; v += THREADS) {
        const int k = v % KTILE, i = v / KTILE;
        const int gk = k0 + k;
        const int r = row0 + i, t = token0 + i;
        ws[k][i] = (r < rows && gk < cols) ? w[(size_t) r * cols + gk] : 0.0f;
        xs[k][i] = (t < tokens && gk < cols) ? x[(size_t) t * cols + gk] : 0.0f;
    }
}

// Thread (tx, ty)'s 4 x 4 patch accumulates the loaded tiles' 16 values of k.
GGML_HD void gemm_accumulate(int tx, int ty, const float ws[KTILE][TILE + 1], const float xs[KTILE][TILE + 1], float acc[PATCH][PATCH]) {
    for (int k = 0; k < KTILE; k++) {
        float wr[PATCH], xt[PATCH];
        for (int i = 0; i < PATCH; i++) wr[i] = ws[k][tx * PATCH + i];
        for (int j = 0; j < PATCH; j++) xt[j] = xs[k][ty * PATCH + j];
        for (int i = 0; i < PATCH; i++)
            for (int j = 0; j < PATCH; j++) acc[i][j] = fmaf(wr[i], xt[j], acc[i][j]);
    }
}

GGML_HD void gemm_store(int tx, int ty, const float acc[PATCH][PATCH], float* y, int rows, int tokens, int ldy, int row0, int token0) {
    for (int j = 0; j < PATCH; j++) {
        const int t = token0 + ty * PATCH + j;
        if (t >= tokens) continue;
        for (int i = 0; i < PATCH; i++) {
            const int r = row0 + tx * PATCH + i;
            if (r < rows) y[(size_t) t * ldy + r] = acc[i][j];
        }
    }
}

extern "C" __global__ void gemm_f32_nt(const float* __restrict__ w,
                                       const float* __restrict__ x,
                                       float* __restrict__ y,
                                       int rows, int cols, int tokens, int ldy) {
    __shared__ float ws[KTILE][TILE + 1]; // [k][row], padded against bank conflicts
    __shared__ float xs[KTILE][TILE + 1]; // [k][token]

    const int row0 = blockIdx.x * TILE;
    const int token0 = blockIdx.y * TILE;
    const int tid = threadIdx.y * blockDim.x + threadIdx.x; // 0..255

    float acc[PATCH][PATCH];
    for (int i = 0; i < PATCH; i++)
        for (int j = 0; j < PATCH; j++) acc[i][j] = 0.0f;

    for (int k0 = 0; k0 < cols; k0 += KTILE) {
        gemm_load(tid, w, x, rows, cols, tokens, row0, token0, k0, ws, xs);
        __syncthreads();
        gemm_accumulate(threadIdx.x, threadIdx.y, ws, xs, acc);
        __syncthreads();
    }
    gemm_store(threadIdx.x, threadIdx.y, acc, y, rows, tokens, ldy, row0, token0);
}
