// Dequantization of GGML tensor data to F32, one thread per output element.
//
//   dequant_f32(src, type, n, dst): dst[i] = value of element i of the GGML data at src, i < n
//
// type is the GGML type id (see ggml_blocks.cuh); n is a whole number of blocks of it, src the start of a
// block. Launch: any 1-D grid; threads walk the elements grid-stride. The type is the same for every thread,
// so the switch in element() costs one uniform branch. Bit for bit the host reference (ggml_blocks.cuh).

#include "ggml_blocks.cuh"

extern "C" __global__ void dequant_f32(const uint8_t* __restrict__ src, int type, long long n, float* __restrict__ dst) {
    const long long stride = (long long) gridDim.x * blockDim.x;
    for (long long i = (long long) blockIdx.x * blockDim.x + threadIdx.x; i < n; i += stride) {
        dst[i] = element(src, type, i);
    }
}
