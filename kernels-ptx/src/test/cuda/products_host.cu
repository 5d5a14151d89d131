// The decode products of matvec.cu (matvec_f32 and matvec_pairs_f32) computed on the host with the kernels' own
// per-lane code and the warp's butterfly sum, so CI can check their indexing and results without a GPU:
//
//   products_host matvec TYPE ROWS COLS TOKENS W X OUT             out[t * ROWS + r] = row r of W . token t of X
//   products_host pairs TYPE ROWS COLS EXPERTS TOKENS W X PAIRS OUT out[p * ROWS + r] = expert e_p's row r . token t_p
//
// W holds the GGML data (EXPERTS stacked matrices for pairs), X little-endian floats [TOKENS][COLS], PAIRS the
// int pairs (token, expert) one after another. Exit status 0, or 1 with one line on stderr.

#include "../../main/cuda/matvec.cu"

#include "host_io.h"

int main(int argc, char** argv) {
    const int pairsMode = argc == 11 && strcmp(argv[1], "pairs") == 0;
    if (!pairsMode && !(argc == 9 && strcmp(argv[1], "matvec") == 0)) {
        fprintf(stderr, "usage: products_host matvec TYPE ROWS COLS TOKENS W X OUT | pairs TYPE ROWS COLS EXPERTS TOKENS W X PAIRS OUT\n");
        return 1;
    }
    const int type = atoi(argv[2]), rows = atoi(argv[3]), cols = atoi(argv[4]);
    const int experts = pairsMode ? atoi(argv[5]) : 1, tokens = atoi(argv[pairsMode ? 6 : 5]);
    long wBytes, xBytes, pBytes = 0;
    const uint8_t* w = (const uint8_t*) slurp(argv[pairsMode ? 7 : 6], &wBytes);
    const float* x = (const float*) slurp(argv[pairsMode ? 8 : 7], &xBytes);
    const long long rowBytes = wBytes / ((long long) experts * rows);
    const int* pairs = pairsMode ? (const int*) slurp(argv[9], &pBytes) : NULL;
    const int count = pairsMode ? (int) (pBytes / 8) : 0;
    int* pairToken = (int*) malloc(sizeof(int) * (count + 1));
    int* pairExpert = (int*) malloc(sizeof(int) * (count + 1));
    for (int p = 0; p < count; p++) { pairToken[p] = pairs[2 * p]; pairExpert[p] = pairs[2 * p + 1]; }

    const int outputs = pairsMode ? count : tokens;
    float* out = (float*) malloc(sizeof(float) * outputs * rows + 1);
    float lanes[MATVEC_TOKENS][WARP_SIZE];
    for (int r = 0; r < rows; r++) {
        if (!pairsMode) {
            for (int lane = 0; lane < WARP_SIZE; lane++) {
                float acc[MATVEC_TOKENS];
                lane_shares(w + r * rowBytes, type, cols, x, tokens, lane, acc);
                for (int t = 0; t < tokens; t++) lanes[t][lane] = acc[t];
            }
            for (int t = 0; t < tokens; t++) out[t * rows + r] = butterfly(lanes[t]);
        } else {
            for (int p = 0; p < count; p++) {
                for (int lane = 0; lane < WARP_SIZE; lane++) {
                    float acc[MATVEC_TOKENS];
                    lane_shares(pair_row(w, rowBytes * rows, rowBytes, pairExpert, p, r), type, cols, pair_token(x, cols, pairToken, p), 1, lane, acc);
                    lanes[0][lane] = acc[0];
                }
                out[p * rows + r] = butterfly(lanes[0]);
            }
        }
    }
    const char* outPath = argv[pairsMode ? 10 : 8];
    FILE* o = fopen(outPath, "wb");
    if (o == NULL || fwrite(out, sizeof(float), (size_t) outputs * rows, o) != (size_t) outputs * rows) {
        fprintf(stderr, "products_host: cannot write %s\n", outPath);
        return 1;
    }
    fclose(o);
    return 0;
}
