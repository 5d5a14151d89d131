// The GGML block layouts, decoded one element at a time: the device half of the host's ScalarDequant,
// shared by dequant.cu and matvec.cu. element(src, type, i) is element i of the GGML data at src (a block
// start), with the host reference's roundings spelled out, so both kernels give its floats bit for bit.
//
// type is the GGML type id: F32 0, F16 1, Q4_0 2, Q4_1 3, Q5_0 6, Q5_1 7, Q8_0 8, Q2_K 10, Q3_K 11, Q4_K 12,
// Q5_K 13, Q6_K 14, IQ4_NL 20, IQ4_XS 23, BF16 30.

#pragma once

#include <cuda_fp16.h>
#include <stdint.h>
#include <string.h>

// Host and device: the same decode also compiles into a host program, which the CI test runs against the Java
// reference on every type (no GPU needed). On the device the roundings are the explicit intrinsics; on the host
// plain float arithmetic, built without FMA contraction, rounds the same (IEEE round to nearest even).
#define GGML_HD __host__ __device__ __forceinline__

GGML_HD float bits_as_float(unsigned int bits) {
#ifdef __CUDA_ARCH__
    return __uint_as_float(bits);
#else
    float f;
    memcpy(&f, &bits, sizeof f);
    return f;
#endif
}

GGML_HD float mul_rn(float a, float b) {
#ifdef __CUDA_ARCH__
    return __fmul_rn(a, b);
#else
    return a * b;
#endif
}

GGML_HD float sub_rn(float a, float b) {
#ifdef __CUDA_ARCH__
    return __fsub_rn(a, b);
#else
    return a - b;
#endif
}

GGML_HD float f16_at(const uint8_t* p) {
    return __half2float(__ushort_as_half(*(const unsigned short*) p));
}

GGML_HD float bf16_at(const uint8_t* p) {
    return bits_as_float(((unsigned int) *(const unsigned short*) p) << 16);
}

// Blocks like Q5_0 (22 bytes) leave their 32-bit field unaligned, so it is read byte by byte.
GGML_HD unsigned int u32_at(const uint8_t* p) {
    return p[0] | (p[1] << 8) | (p[2] << 16) | ((unsigned int) p[3] << 24);
}

// x = (d * scale) * q - dmin * min, rounded as the host rounds it.
GGML_HD float affine(float d, int scale, int q, float dmin, int min) {
    return sub_rn(mul_rn(mul_rn(d, (float) scale), (float) q), mul_rn(dmin, (float) min));
}

// Q4_K / Q5_K: 6-bit scale and min of sub-block j (0..7) from the 12 packed bytes at p.
GGML_HD int k4_scale(const uint8_t* p, int j) {
    return j < 4 ? p[j] & 63 : (p[j + 4] & 0xF) | ((p[j - 4] >> 6) << 4);
}

GGML_HD int k4_min(const uint8_t* p, int j) {
    return j < 4 ? p[j + 4] & 63 : (p[j + 4] >> 4) | ((p[j] >> 6) << 4);
}

// Q3_K: signed 6-bit scale of sub-block i (0..15) from the 12 packed bytes at p.
GGML_HD int q3_scale(const uint8_t* p, int i) {
    const int low = i < 8 ? p[i] & 0xF : p[i - 8] >> 4;
    const int high = (p[8 + (i & 3)] >> (2 * (i >> 2))) & 3;
    return (low | (high << 4)) - 32;
}

// IQ4_NL / IQ4_XS: the signed level a 4-bit code stands for (GGML's non-linear grid, the host's Iq4Levels:
// -127 -104 -83 -65 -49 -35 -22 -10 | 1 13 25 38 53 69 89 113), byte code % 8 of one of two 64-bit constants,
// so the decode needs no table in memory (a local array cost a 16-byte local-memory store per element).
GGML_HD int iq4_level(int code) {
    const unsigned long long half = code < 8 ? 0xF6EADDCFBFAD9881ull : 0x7159453526190D01ull;
    return (int8_t) (half >> (8 * (code & 7)));
}

__host__ __device__ float element(const uint8_t* src, int type, long long i) {
    switch (type) {
    case 0: return ((const float*) src)[i];
    case 1: return f16_at(src + 2 * i);
    case 30: return bf16_at(src + 2 * i);
    case 8: { // Q8_0: f16 d, 32 int8
        const uint8_t* b = src + (i >> 5) * 34;
        const int e = i & 31;
        return affine(f16_at(b), 1, (int8_t) b[2 + e], 0.0f, 0);
    }
    case 2: { // Q4_0: f16 d, 16 bytes of nibbles (low: element j, high: j + 16), q - 8
        const uint8_t* b = src + (i >> 5) * 18;
        const int e = i & 31;
        const int byte = b[2 + (e & 15)];
        return affine(f16_at(b), 1, (e < 16 ? byte & 0xF : byte >> 4) - 8, 0.0f, 0);
    }
    case 3: { // Q4_1: f16 d, f16 m, nibbles as Q4_0; d * q + m
        const uint8_t* b = src + (i >> 5) * 20;
        const int e = i & 31;
        const int byte = b[4 + (e & 15)];
        return affine(f16_at(b), 1, e < 16 ? byte & 0xF : byte >> 4, -f16_at(b + 2), 1);
    }
    case 6: { // Q5_0: f16 d, u32 fifth bits, nibbles; q - 16
        const uint8_t* b = src + (i >> 5) * 22;
        const int e = i & 31;
        const int byte = b[6 + (e & 15)];
        const int q = (e < 16 ? byte & 0xF : byte >> 4) | (((u32_at(b + 2) >> e) & 1) << 4);
        return affine(f16_at(b), 1, q - 16, 0.0f, 0);
    }
    case 7: { // Q5_1: f16 d, f16 m, u32 fifth bits, nibbles; d * q + m
        const uint8_t* b = src + (i >> 5) * 24;
        const int e = i & 31;
        const int byte = b[8 + (e & 15)];
        const int q = (e < 16 ? byte & 0xF : byte >> 4) | (((u32_at(b + 4) >> e) & 1) << 4);
        return affine(f16_at(b), 1, q, -f16_at(b + 2), 1);
    }
    case 10: { // Q2_K: 16 (scale | min << 4) bytes, 64 bytes of 2-bit quants, f16 d, f16 dmin
        const uint8_t* b = src + (i >> 8) * 84;
        const int e = i & 255, half = e >> 7, k = (e >> 5) & 3, l = e & 31, g = e >> 4;
        const int q = (b[16 + 32 * half + l] >> (2 * k)) & 3;
        return affine(f16_at(b + 80), b[g] & 0xF, q, f16_at(b + 82), b[g] >> 4);
    }
    case 11: { // Q3_K: 32 bytes of high bits, 64 of low pairs, 12 of scales, f16 d
        const uint8_t* b = src + (i >> 8) * 110;
        const int e = i & 255, half = e >> 7, k = (e >> 5) & 3, l = e & 31;
        const int low = (b[32 + 32 * half + l] >> (2 * k)) & 3;
        const int hi = (b[l] >> (4 * half + k)) & 1;
        return affine(f16_at(b + 108), q3_scale(b + 96, e >> 4), low - (hi ? 0 : 4), 0.0f, 0);
    }
    case 12: { // Q4_K: f16 d, f16 dmin, 12 scale bytes, 128 bytes of nibbles
        const uint8_t* b = src + (i >> 8) * 144;
        const int e = i & 255, g = e >> 5, l = e & 31;
        const int byte = b[16 + 32 * (g >> 1) + l];
        const int q = (g & 1) == 0 ? byte & 0xF : byte >> 4;
        return affine(f16_at(b), k4_scale(b + 4, g), q, f16_at(b + 2), k4_min(b + 4, g));
    }
    case 13: { // Q5_K: as Q4_K with 32 bytes of fifth bits before the nibbles
        const uint8_t* b = src + (i >> 8) * 176;
        const int e = i & 255, g = e >> 5, l = e & 31;
        const int byte = b[48 + 32 * (g >> 1) + l];
        const int q = ((g & 1) == 0 ? byte & 0xF : byte >> 4) | (((b[16 + l] >> g) & 1) << 4);
        return affine(f16_at(b), k4_scale(b + 4, g), q, f16_at(b + 2), k4_min(b + 4, g));
    }
    case 14: { // Q6_K: 128 bytes of low nibbles, 64 of high pairs, 16 int8 scales, f16 d
        const uint8_t* b = src + (i >> 8) * 210;
        const int e = i & 255, half = e >> 7, k = (e >> 5) & 3, l = e & 31;
        const int lowByte = b[64 * half + l + 32 * (k & 1)];
        const int low = k < 2 ? lowByte & 0xF : lowByte >> 4;
        const int high = (b[128 + 32 * half + l] >> (2 * k)) & 3;
        return affine(f16_at(b + 208), (int8_t) b[192 + (e >> 4)], (low | (high << 4)) - 32, 0.0f, 0);
    }
    case 20: { // IQ4_NL: f16 d, 16 bytes of 4-bit codes placed as Q4_0's nibbles; d * level
        const uint8_t* b = src + (i >> 5) * 18;
        const int e = i & 31;
        const int byte = b[2 + (e & 15)];
        return affine(f16_at(b), 1, iq4_level(e < 16 ? byte & 0xF : byte >> 4), 0.0f, 0);
    }
    case 23: { // IQ4_XS: f16 d, u16 high scale bits, 4 bytes of low scale nibbles, 128 bytes of codes
        const uint8_t* b = src + (i >> 8) * 136;
        const int e = i & 255, g = e >> 5, l = e & 31;
        const int high = b[2] | (b[3] << 8);
        const int scale = (((b[4 + (g >> 1)] >> (4 * (g & 1))) & 0xF) | (((high >> (2 * g)) & 3) << 4)) - 32;
        const int byte = b[8 + 16 * g + (l & 15)];
        return affine(f16_at(b), scale, iq4_level(l < 16 ? byte & 0xF : byte >> 4), 0.0f, 0);
    }
    default: return bits_as_float(0x7fc00000u); // an unknown type shows as NaN, never as plausible numbers
    }
}
