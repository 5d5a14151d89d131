// attention_f32 (attention.cu) computed on the host with the kernel's own per-lane steps and the warp's butterfly
// sum of the scores, so CI can check its indexing, its online softmax and its cache decoding without a GPU:
//
//   attention_host KEYTYPE KEYROWBYTES VALUETYPE VALUEROWBYTES TOKENS HEADS KVHEADS KEYLEN VALUELEN SCALE Q KEYS VALUES POSITIONS OUT
//
// Q: floats [TOKENS][HEADS][KEYLEN]; KEYS, VALUES: cache rows as stored (VALUES may name the KEYS file: latent
// attention); POSITIONS: TOKENS ints; OUT: floats [TOKENS][HEADS][VALUELEN]. Exit status 0, or 1 with one line.

#include "../../main/cuda/attention.cu"

#include "host_io.h"

int main(int argc, char** argv) {
    if (argc != 16) {
        fprintf(stderr, "usage: attention_host KEYTYPE KEYROWBYTES VALUETYPE VALUEROWBYTES TOKENS HEADS KVHEADS KEYLEN VALUELEN SCALE Q KEYS VALUES POSITIONS OUT\n");
        return 1;
    }
    const int keyType = atoi(argv[1]), valueType = atoi(argv[3]);
    const long long keyRowBytes = atoll(argv[2]), valueRowBytes = atoll(argv[4]);
    const int tokens = atoi(argv[5]), heads = atoi(argv[6]), kvHeads = atoi(argv[7]);
    const int keyLength = atoi(argv[8]), valueLength = atoi(argv[9]);
    const float scale = (float) atof(argv[10]);
    const float* q = (const float*) slurp(argv[11], NULL);
    const uint8_t* keys = (const uint8_t*) slurp(argv[12], NULL);
    const uint8_t* values = (const uint8_t*) slurp(argv[13], NULL);
    const int* positions = (const int*) slurp(argv[14], NULL);
    float* out = (float*) malloc(sizeof(float) * tokens * heads * valueLength + 1);

    static float qv[WARP_SIZE][MAX_PER_LANE], acc[WARP_SIZE][MAX_PER_LANE];
    for (int query = 0; query < tokens * heads; query++) {   // one warp each, its lanes in lockstep
        const int t = query / heads, h = query % heads, g = h / (heads / kvHeads);
        for (int lane = 0; lane < WARP_SIZE; lane++) lane_start(q + (size_t) query * keyLength, keyLength, lane, qv[lane], acc[lane]);
        float running = -INFINITY, sum = 0.0f, weight;
        for (int p = 0; p <= positions[t]; p++) {
            float shares[WARP_SIZE];
            for (int lane = 0; lane < WARP_SIZE; lane++) shares[lane] = lane_score(qv[lane], keys + p * keyRowBytes, keyType, g, keyLength, lane);
            const float s = butterfly(shares) * scale;
            const float rescale = softmax_step(s, &running, &sum, &weight);
            for (int lane = 0; lane < WARP_SIZE; lane++) {
                lane_accumulate(acc[lane], weight, rescale, values + p * valueRowBytes, valueType, g, valueLength, lane);
            }
        }
        for (int lane = 0; lane < WARP_SIZE; lane++) lane_finish(acc[lane], sum, valueLength, lane, out + (size_t) query * valueLength);
    }
    FILE* o = fopen(argv[15], "wb");
    const size_t n = (size_t) tokens * heads * valueLength;
    if (o == NULL || fwrite(out, sizeof(float), n, o) != n) { fprintf(stderr, "attention_host: cannot write %s\n", argv[15]); return 1; }
    fclose(o);
    return 0;
}
