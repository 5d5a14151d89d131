// RMSNorm over the rows of a row-major F32 matrix:
//   y[r][i] = x[r][i] * w[i] / sqrt(mean_i(x[r][i]^2) + eps)
//
// Launch: grid = (rows), block = (threads) with threads a multiple of 32, at most 1024.
// One block owns one row: each thread sums the squares of a strided slice of the row, the
// warps reduce with shuffles, warp totals meet in shared memory, warp 0 reduces those, and
// every thread then scales its slice. x and y may be the same buffer (in-place).

#define WARP_SIZE 32
#define MAX_WARPS (1024 / WARP_SIZE)

__device__ __forceinline__ float warp_sum(float v) {
    for (int offset = WARP_SIZE / 2; offset > 0; offset >>= 1) {
        v += __shfl_xor_sync(0xffffffffu, v, offset);
    }
    return v;
}

// Sum of v over the block; every thread receives the total.
__device__ float block_sum(float v) {
    __shared__ float warp_totals[MAX_WARPS];
    __shared__ float total;
    const int lane = threadIdx.x % WARP_SIZE;
    const int warp = threadIdx.x / WARP_SIZE;
    const int warps = blockDim.x / WARP_SIZE;

    v = warp_sum(v);
    if (lane == 0) warp_totals[warp] = v;
    __syncthreads();
    if (warp == 0) {
        float t = lane < warps ? warp_totals[lane] : 0.0f;
        t = warp_sum(t);
        if (lane == 0) total = t;
    }
    __syncthreads();
    return total;
}

// x is not __restrict__: it may alias y, and a restrict pointer would let the compiler read x
// through the non-coherent cache while the same kernel writes it.
extern "C" __global__ void rmsnorm_f32(const float* x,
                                       const float* __restrict__ w,
                                       float* y,
                                       int cols,
                                       float eps) {
    const size_t row = (size_t) blockIdx.x * cols;
    const float* xr = x + row;
    float* yr = y + row;

    float squares = 0.0f;
    for (int i = threadIdx.x; i < cols; i += blockDim.x) {
        const float v = xr[i];
        squares += v * v;
    }
    const float scale = rsqrtf(block_sum(squares) / cols + eps);

    for (int i = threadIdx.x; i < cols; i += blockDim.x) {
        yr[i] = xr[i] * scale * w[i];
    }
}
