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
        // 64 rows x 16 k of each operand: 1024 values, four per thread, k fastest so reads coalesce.
        for (int v = tid; v < TILE * KTILE; v += 256) {
            const int k = v % KTILE, i = v / KTILE;
            const int gk = k0 + k;
            const int r = row0 + i, t = token0 + i;
            ws[k][i] = (r < rows && gk < cols) ? w[(size_t) r * cols + gk] : 0.0f;
            xs[k][i] = (t < tokens && gk < cols) ? x[(size_t) t * cols + gk] : 0.0f;
        }
        __syncthreads();
        for (int k = 0; k < KTILE; k++) {
            float wr[PATCH], xt[PATCH];
            for (int i = 0; i < PATCH; i++) wr[i] = ws[k][threadIdx.x * PATCH + i];
            for (int j = 0; j < PATCH; j++) xt[j] = xs[k][threadIdx.y * PATCH + j];
            for (int i = 0; i < PATCH; i++)
                for (int j = 0; j < PATCH; j++) acc[i][j] = fmaf(wr[i], xt[j], acc[i][j]);
        }
        __syncthreads();
    }

    for (int j = 0; j < PATCH; j++) {
        const int t = token0 + threadIdx.y * PATCH + j;
        if (t >= tokens) continue;
        for (int i = 0; i < PATCH; i++) {
            const int r = row0 + threadIdx.x * PATCH + i;
            if (r < rows) y[(size_t) t * ldy + r] = acc[i][j];
        }
    }
}
