/* AVX-512 IFMA kernel: almost-Montgomery multiply and squaring, eight lanes per zmm register.
 * Same algorithm as lanes_amm_portable.c; vpmadd52luq/vpmadd52huq add the low/high 52 bits of
 * a 52x52-bit product to a 64-bit accumulator. Compiled with function-level target attributes
 * so the file builds with plain -O2 on any x86-64; called only after lanes_cpu.c said yes. */
#include "lanes_internal.h"

#if defined(__x86_64__)
#include <immintrin.h>

/* no_builtin("memset"): clang turns the loops that zero an accumulator (2N+2 rows of 64 bytes)
 * into memset calls, and glibc serves those with rep stosb, which measured 4% of a 2048-bit
 * decryption; plain 64-byte stores are cheaper at these sizes. */
#if defined(__clang__)
#define IFMA __attribute__((target("avx512f,avx512ifma,avx512vl"), no_builtin("memset")))
#else
#define IFMA __attribute__((target("avx512f,avx512ifma,avx512vl")))
#endif
#define INLINE static inline __attribute__((always_inline))

#define LO(acc, a, b) _mm512_madd52lo_epu64((acc), (a), (b))
#define HI(acc, a, b) _mm512_madd52hi_epu64((acc), (a), (b))
#define LD(p, j) _mm512_load_si512((const void *)((p) + (size_t)(j) * LANES))
#define ST(p, j, v) _mm512_store_si512((void *)((p) + (size_t)(j) * LANES), (v))
#define BC(p, j) _mm512_set1_epi64((long long)(p)[j])

INLINE IFMA void normalise(uint64_t *r, const uint64_t *src, size_t N) {
    const __m512i mask = _mm512_set1_epi64((long long)DIGIT_MASK);
    __m512i c = _mm512_setzero_si512();
    for (size_t j = 0; j < N; j++) {
        __m512i t = _mm512_add_epi64(LD(src, j), c);
        ST(r, j, _mm512_and_si512(t, mask));
        c = _mm512_srli_epi64(t, DIGIT_BITS);
    }
}

/* One word-serial AMM step for digit a_i alone (used once when N is odd). */
INLINE IFMA void amm_row(uint64_t *acc, __m512i ai, const uint64_t *b, const uint64_t *n,
                         __m512i k0, size_t N) {
    const __m512i zero = _mm512_setzero_si512();
    __m512i t = LO(LD(acc, 0), ai, LD(b, 0));
    const __m512i m = LO(zero, t, k0);
    __m512i u = _mm512_add_epi64(LD(acc, 1), _mm512_srli_epi64(LO(t, m, BC(n, 0)), DIGIT_BITS));
    for (size_t j = 1; j < N; j++) {
        if (j > 1) u = LD(acc, j);
        u = LO(u, ai, LD(b, j));
        u = LO(u, m, BC(n, j));
        u = HI(u, ai, LD(b, j - 1));
        u = HI(u, m, BC(n, j - 1));
        ST(acc, j - 1, u);
    }
    ST(acc, N - 1, HI(HI(zero, ai, LD(b, N - 1)), m, BC(n, N - 1)));
}

/* Word-serial AMM (CIOS-like): per digit a_i, acc = (acc + a_i*b + m_i*n) / 2^52 with
 * m_i = lo52(acc_0 * k0). The multiply and reduction passes are fused, and two digits a_i,
 * a_{i+1} are taken per sweep over j: m_{i+1} needs only digit 1 of row i, computed first, so
 * each load and store of an accumulator row carries eight madds. The shift by two digits is
 * folded into the store index. Accumulators stay unnormalised (4N additions of < 2^52 fit in
 * 64 bits for N < 1000) until one carry pass at the end. */
INLINE IFMA void amm_body(uint64_t *r, const uint64_t *a, const uint64_t *b,
                          const uint64_t *n, uint64_t k0v, size_t N, uint64_t *acc) {
    const __m512i zero = _mm512_setzero_si512();
    const __m512i k0 = _mm512_set1_epi64((long long)k0v);
    for (size_t j = 0; j < N; j++) ST(acc, j, zero);
    size_t i = 0;
    if (N & 1) amm_row(acc, LD(a, 0), b, n, k0, N), i = 1;
    for (; i < N; i += 2) {
        const __m512i a0 = LD(a, i), a1 = LD(a, i + 1);
        const __m512i b0 = LD(b, 0), b1 = LD(b, 1), n0 = BC(n, 0), n1 = BC(n, 1);
        /* row i at digits 0 and 1 */
        __m512i t = LO(LD(acc, 0), a0, b0);
        const __m512i m0 = LO(zero, t, k0);
        __m512i u = _mm512_add_epi64(LD(acc, 1), _mm512_srli_epi64(LO(t, m0, n0), DIGIT_BITS));
        u = HI(HI(LO(LO(u, a0, b1), m0, n1), a0, b0), m0, n0);
        /* row i+1 at its digit 0 (old digit 1) */
        t = LO(u, a1, b0);
        const __m512i m1 = LO(zero, t, k0);
        __m512i carry = _mm512_srli_epi64(LO(t, m1, n0), DIGIT_BITS);
        __m512i bp = b1, bpp = b0, np = n1, npp = n0;
        for (size_t j = 2; j < N; j++) {
            const __m512i bj = LD(b, j), nj = BC(n, j);
            /* two independent chains of four madds halve the latency of a row */
            __m512i v = HI(HI(HI(HI(carry, a0, bp), m0, np), a1, bpp), m1, npp);
            carry = zero;
            u = LO(LO(LO(LO(LD(acc, j), a0, bj), m0, nj), a1, bp), m1, np);
            ST(acc, j - 2, _mm512_add_epi64(u, v));
            bpp = bp; bp = bj; npp = np; np = nj;
        }
        u = HI(HI(zero, a0, bp), m0, np);
        u = LO(LO(u, a1, bp), m1, np);
        u = HI(HI(u, a1, bpp), m1, npp);
        ST(acc, N - 2, u);
        ST(acc, N - 1, HI(HI(zero, a1, bp), m1, np));
    }
    normalise(r, acc, N);
}

/* r = acc / R mod n, almost: N Montgomery reduction steps on the 2N-digit accumulator, two
 * per sweep, in place: acc[i+j] += m_i n_j (+ m_{i+1} n_{j-1}); then the carry pass. */
INLINE IFMA void montgomery_reduce(uint64_t *r, const uint64_t *n, __m512i k0, size_t N, uint64_t *acc) {
    const __m512i zero = _mm512_setzero_si512();
    size_t i = 0;
    for (; i + 1 < N; i += 2) {
        uint64_t *p = acc + i * LANES;
        const __m512i n0 = BC(n, 0), n1 = BC(n, 1);
        __m512i t = LD(p, 0);
        const __m512i m0 = LO(zero, t, k0);
        __m512i u = _mm512_add_epi64(LD(p, 1), _mm512_srli_epi64(LO(t, m0, n0), DIGIT_BITS));
        u = HI(LO(u, m0, n1), m0, n0);
        const __m512i m1 = LO(zero, u, k0);
        __m512i carry = _mm512_srli_epi64(LO(u, m1, n0), DIGIT_BITS);
        __m512i np = n1, npp = n0;
        for (size_t j = 2; j < N; j++) {
            const __m512i nj = BC(n, j);
            __m512i v = HI(HI(carry, m0, np), m1, npp);
            carry = zero;
            u = LO(LO(LD(p, j), m0, nj), m1, np);
            ST(p, j, _mm512_add_epi64(u, v));
            npp = np; np = nj;
        }
        u = HI(LD(p, N), m0, np);
        u = HI(LO(u, m1, np), m1, npp);
        ST(p, N, u);
        ST(p, N + 1, HI(LD(p, N + 1), m1, np));
    }
    if (i < N) {   /* N odd: the last reduction row alone */
        uint64_t *p = acc + i * LANES;
        __m512i t = LD(p, 0);
        const __m512i m = LO(zero, t, k0);
        __m512i carry = _mm512_srli_epi64(LO(t, m, BC(n, 0)), DIGIT_BITS);
        for (size_t j = 1; j < N; j++) {
            ST(p, j, HI(LO(_mm512_add_epi64(LD(p, j), carry), m, BC(n, j)), m, BC(n, j - 1)));
            carry = zero;
        }
        ST(p, N, HI(LD(p, N), m, BC(n, N - 1)));
    }
    normalise(r, acc + N * LANES, N);
}

/* r = a / R mod n (leaves the Montgomery domain): the reduction alone, half an AMM's madds;
 * a < 2n gives r <= n. */
INLINE IFMA void redc_body(uint64_t *r, const uint64_t *a, const uint64_t *n, uint64_t k0v,
                           size_t N, uint64_t *acc) {
    const __m512i zero = _mm512_setzero_si512();
    for (size_t j = 0; j < N; j++) ST(acc, j, LD(a, j));
    for (size_t j = N; j < 2 * N + 2; j++) ST(acc, j, zero);
    montgomery_reduce(r, n, _mm512_set1_epi64((long long)k0v), N, acc);
}

/* Squaring: cross products a_i*a_j (i < j) once, two rows per sweep, doubled, plus the
 * squares; then the N Montgomery reduction steps, two per sweep. Same result bound as AMM. */
INLINE IFMA void sqr_body(uint64_t *r, const uint64_t *a,
                          const uint64_t *n, uint64_t k0v, size_t N, uint64_t *acc) {
    const __m512i zero = _mm512_setzero_si512();
    const __m512i k0 = _mm512_set1_epi64((long long)k0v);
    for (size_t j = 0; j < 2 * N + 2; j++) ST(acc, j, zero);
    /* cross products of rows i and i+1; at offset j from i, row i adds lo(a_i a_j) and
     * hi(a_i a_{j-1}), row i+1 adds lo(a_{i+1} a_{j-1}) and hi(a_{i+1} a_{j-2}), over j > i+1 */
    for (size_t i = 0; i + 2 < N; i += 2) {
        const __m512i x0 = LD(a, i), x1 = LD(a, i + 1), x2 = LD(a, i + 2);
        uint64_t *p = acc + i * LANES;
        ST(p, i + 1, LO(LD(p, i + 1), x0, x1));
        ST(p, i + 2, HI(LO(LD(p, i + 2), x0, x2), x0, x1));
        __m512i ap = x2, app = x1;
        for (size_t j = i + 3; j < N; j++) {
            const __m512i aj = LD(a, j);
            __m512i u = LD(p, j);
            u = LO(u, x0, aj);
            u = HI(u, x0, ap);
            u = LO(u, x1, ap);
            if (j > i + 3) u = HI(u, x1, app);
            ST(p, j, u);
            app = ap; ap = aj;
        }
        __m512i u = LO(HI(LD(p, N), x0, ap), x1, ap);  /* ap = a_{N-1}, app = a_{N-2} */
        ST(p, N, N - 2 > i + 1 ? HI(u, x1, app) : u);
        ST(p, N + 1, HI(LD(p, N + 1), x1, ap));
    }
    if ((N & 1) == 0) {   /* rows N-2 (one cross product with a_{N-1}) and N-1 (none) */
        const __m512i x0 = LD(a, N - 2), x1 = LD(a, N - 1);
        ST(acc, 2 * N - 3, LO(LD(acc, 2 * N - 3), x0, x1));
        ST(acc, 2 * N - 2, HI(LD(acc, 2 * N - 2), x0, x1));
    }
    for (size_t i = 0; i < N; i++) {
        const __m512i ai = LD(a, i);
        __m512i lo = LD(acc, 2 * i), hi = LD(acc, 2 * i + 1);
        ST(acc, 2 * i, LO(_mm512_add_epi64(lo, lo), ai, ai));
        ST(acc, 2 * i + 1, HI(_mm512_add_epi64(hi, hi), ai, ai));
    }
    montgomery_reduce(r, n, k0, N, acc);
}

/* The digit count stays a run-time parameter: instances with a constant N (20, 40, 60, 79)
 * unrolled by the compiler measured within 1% of these (the loops already run at about 93% of
 * one 512-bit madd per cycle), so they were dropped. */
static IFMA void amm_ifma(uint64_t *r, const uint64_t *a, const uint64_t *b,
                          const struct xsig_lanes_key *key, uint64_t *s) {
    amm_body(r, a, b, key->n, key->k0, key->N, s);
}

static IFMA void sqr_ifma(uint64_t *r, const uint64_t *a, const struct xsig_lanes_key *key, uint64_t *s) {
    sqr_body(r, a, key->n, key->k0, key->N, s);
}

static IFMA void redc_ifma(uint64_t *r, const uint64_t *a, const struct xsig_lanes_key *key, uint64_t *s) {
    redc_body(r, a, key->n, key->k0, key->N, s);
}

static IFMA void reduce_wide_ifma(uint64_t *r, const struct xsig_lanes_key *key, uint64_t *acc) {
    montgomery_reduce(r, key->n, _mm512_set1_epi64((long long)key->k0), key->N, acc);
}

const lanes_ops lanes_ops_ifma = { amm_ifma, sqr_ifma, redc_ifma, reduce_wide_ifma };
#endif
