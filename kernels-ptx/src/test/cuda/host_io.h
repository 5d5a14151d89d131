// What the host programs of this directory share: reading an input file whole, and the sum a warp's
// __shfl_xor_sync butterfly leaves in its lanes.

#pragma once

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

// The whole file at path (its size in *size when size is not NULL); exits with one line when it cannot.
static void* slurp(const char* path, long* size) {
    FILE* f = fopen(path, "rb");
    if (f == NULL) { fprintf(stderr, "cannot open %s\n", path); exit(1); }
    fseek(f, 0, SEEK_END);
    const long n = ftell(f);
    fseek(f, 0, SEEK_SET);
    void* data = malloc(n > 0 ? n : 1);
    if (fread(data, 1, n, f) != (size_t) n) { fprintf(stderr, "cannot read %s\n", path); exit(1); }
    fclose(f);
    if (size != NULL) *size = n;
    return data;
}

// What every lane holds after `for (offset = 16; offset > 0; offset >>= 1) v += __shfl_xor_sync(~0, v, offset)`:
// lane l adds lane l ^ offset's value at each step (by commutativity all lanes end equal; lane 0's is returned).
static float butterfly(float* lanes) {
    for (int offset = 16; offset > 0; offset >>= 1) {
        float next[32];
        for (int l = 0; l < 32; l++) next[l] = lanes[l] + lanes[l ^ offset];
        memcpy(lanes, next, sizeof next);
    }
    return lanes[0];
}
