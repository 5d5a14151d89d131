// gemm_f32_nt (gemm.cu) computed on the host with the kernel's own phases, each run for all 256 threads of a
// block before the next (what its barriers guarantee), so CI can check the PTX GEMM without a GPU:
//
//   gemm_host ROWS COLS TOKENS LDY W X OUT    y[t * LDY + r] = W row r . X row t; W, X, OUT little-endian floats
//
// OUT holds TOKENS * LDY floats; entries no (t, r) writes stay 0. Exit status 0, or 1 with one line on stderr.

#include "../../main/cuda/gemm.cu"

#include "host_io.h"

int main(int argc, char** argv) {
    if (argc != 8) {
        fprintf(stderr, "usage: gemm_host ROWS COLS TOKENS LDY W X OUT\n");
        return 1;
    }
    const int rows = atoi(argv[1]), cols = atoi(argv[2]), tokens = atoi(argv[3]), ldy = atoi(argv[4]);
    const float* w = (const float*) slurp(argv[5], NULL);
    const float* x = (const float*) slurp(argv[6], NULL);
    float* y = (float*) calloc((size_t) tokens * ldy + 1, sizeof(float));
    static float ws[KTILE][TILE + 1], xs[KTILE][TILE + 1];
    static float acc[16][16][PATCH][PATCH];   // [threadIdx.y][threadIdx.x]
    for (int bx = 0; bx * TILE < rows; bx++) {
        for (int by = 0; by * TILE < tokens; by++) {
            memset(acc, 0, sizeof acc);
            for (int k0 = 0; k0 < cols; k0 += KTILE) {
                for (int tid = 0; tid < THREADS; tid++) gemm_load(tid, w, x, rows, cols, tokens, bx * TILE, by * TILE, k0, ws, xs);
                for (int ty = 0; ty < 16; ty++)
                    for (int tx = 0; tx < 16; tx++) gemm_accumulate(tx, ty, ws, xs, acc[ty][tx]);
            }
            for (int ty = 0; ty < 16; ty++)
                for (int tx = 0; tx < 16; tx++) gemm_store(tx, ty, acc[ty][tx], y, rows, tokens, ldy, bx * TILE, by * TILE);
        }
    }
    FILE* o = fopen(argv[7], "wb");
    const size_t n = (size_t) tokens * ldy;
    if (o == NULL || fwrite(y, sizeof(float), n, o) != n) { fprintf(stderr, "gemm_host: cannot write %s\n", argv[7]); return 1; }
    fclose(o);
    return 0;
}
