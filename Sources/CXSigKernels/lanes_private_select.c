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

__attribute__((target("avx512f,avx512ifma,avx512vl")))
void lanes_select_ifma(uint64_t *r, const uint64_t *table, size_t entries, uint64_t idx, size_t N) {
    const size_t rows = N * LANES;
    uint64_t mask[LANES_WINDOW_ENTRIES];
    for (size_t j = 0; j < entries; j++) mask[j] = ct_eq_mask(j, idx);
    for (size_t i = 0; i < N; i++) {
        __m512i v = _mm512_setzero_si512();
        for (size_t j = 0; j < entries; j++)
            v = _mm512_or_si512(v, _mm512_and_si512(_mm512_load_si512((const void *)(table + j * rows + i * LANES)),
                                                    _mm512_set1_epi64((long long)mask[j])));
        _mm512_store_si512((void *)(r + i * LANES), v);
    }
}
#endif
