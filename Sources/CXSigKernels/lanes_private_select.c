/* Constant-time table selection for the private exponentiation: r = table[idx], reading every
 * entry and keeping one with an and-mask, so neither the branch pattern nor the addresses touched
 * depend on the secret window value idx. Portable and IFMA-kernel (AVX-512F) versions. */
#include "lanes_internal.h"
#include "lanes_private.h"

/* all ones when a == b, else zero, without a comparison the compiler could turn into a branch */
static inline uint64_t ct_eq_mask(uint64_t a, uint64_t b) {
    uint64_t x = a ^ b;                    /* < 2^63 here: both are window values */
    return (uint64_t)0 - ((x - 1) >> 63);
}

void lanes_select_portable(uint64_t *r, const uint64_t *table, size_t entries, uint64_t idx, size_t N) {
    const size_t rows = N * LANES;
    uint64_t mask[LANES_WINDOW_ENTRIES];
    for (size_t j = 0; j < entries; j++) mask[j] = ct_eq_mask(j, idx);
    for (size_t w = 0; w < rows; w++) {
        uint64_t v = 0;
        for (size_t j = 0; j < entries; j++) v |= table[j * rows + w] & mask[j];
        r[w] = v;
    }
}

#if defined(__x86_64__)
#include <immintrin.h>

/* The same selection with k-mask blends: each entry's row is loaded whole (never as a masked load,
 * whose masked-off part need not touch memory) and merged in a register under a k mask that is all
 * ones for entry idx only (from the same arithmetic mask): load + vpblendmq per entry and row
 * instead of load + and + or, four rows per sweep so that each mask is fetched once per four.
 * Every entry is read, in the same order, whatever idx is. */
#define WHOLE(t) __asm__("" : "+v"(t))   /* keeps a load whole: the compiler would fold it into a masked load */

__attribute__((target("avx512f,avx512ifma,avx512vl")))
void lanes_select_ifma(uint64_t *r, const uint64_t *table, size_t entries, uint64_t idx, size_t N) {
    const size_t rows = N * LANES;
    __mmask8 mask[LANES_WINDOW_ENTRIES];
    for (size_t j = 0; j < entries; j++) mask[j] = (__mmask8)ct_eq_mask(j, idx);
    size_t i = 0;
    for (; i + 4 <= N; i += 4) {
        __m512i v0 = _mm512_setzero_si512(), v1 = v0, v2 = v0, v3 = v0;
        for (size_t j = 0; j < entries; j++) {
            const uint64_t *e = table + j * rows + i * LANES;
            __m512i t0 = _mm512_load_si512((const void *)e), t1 = _mm512_load_si512((const void *)(e + LANES));
            __m512i t2 = _mm512_load_si512((const void *)(e + 2 * LANES)), t3 = _mm512_load_si512((const void *)(e + 3 * LANES));
            WHOLE(t0); WHOLE(t1); WHOLE(t2); WHOLE(t3);
            const __mmask8 m = mask[j];
            v0 = _mm512_mask_blend_epi64(m, v0, t0);
            v1 = _mm512_mask_blend_epi64(m, v1, t1);
            v2 = _mm512_mask_blend_epi64(m, v2, t2);
            v3 = _mm512_mask_blend_epi64(m, v3, t3);
        }
        _mm512_store_si512((void *)(r + i * LANES), v0);
        _mm512_store_si512((void *)(r + (i + 1) * LANES), v1);
        _mm512_store_si512((void *)(r + (i + 2) * LANES), v2);
        _mm512_store_si512((void *)(r + (i + 3) * LANES), v3);
    }
    for (; i < N; i++) {
        __m512i v = _mm512_setzero_si512();
        for (size_t j = 0; j < entries; j++) {
            __m512i t = _mm512_load_si512((const void *)(table + j * rows + i * LANES));
            WHOLE(t);
            v = _mm512_mask_blend_epi64(mask[j], v, t);
        }
        _mm512_store_si512((void *)(r + i * LANES), v);
    }
}
#endif
