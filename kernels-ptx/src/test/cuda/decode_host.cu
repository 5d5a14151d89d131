// The device's GGML decode (ggml_blocks.cuh) built as a host program, so CI can check it against the Java
// reference without a GPU:
//
//   decode_host TYPE COUNT IN OUT    elements 0..COUNT-1 of the GGML data of type id TYPE in file IN,
//                                    as little-endian floats into file OUT
//
// Exit status 0, or 1 with one line on stderr naming what failed.

#include "../../main/cuda/ggml_blocks.cuh"

#include "host_io.h"

int main(int argc, char** argv) {
    if (argc != 5) {
        fprintf(stderr, "usage: decode_host TYPE COUNT IN OUT\n");
        return 1;
    }
    const int type = atoi(argv[1]);
    const long long count = atoll(argv[2]);
    const uint8_t* bytes = (const uint8_t*) slurp(argv[3], NULL);
    float* out = (float*) malloc(sizeof(float) * (count > 0 ? count : 1));
    for (long long i = 0; i < count; i++) out[i] = element(bytes, type, i);
    FILE* o = fopen(argv[4], "wb");
    if (o == NULL || fwrite(out, sizeof(float), count, o) != (size_t) count) {
        fprintf(stderr, "decode_host: cannot write %s\n", argv[4]);
        return 1;
    }
    fclose(o);
    return 0;
}
