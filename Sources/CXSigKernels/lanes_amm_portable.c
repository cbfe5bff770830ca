/* Portable twin of the IFMA kernel: the same almost-Montgomery multiply and squaring on the
 * same digit-major layout, eight lanes as arrays, 52x52 -> 104-bit products in plain C. */
#include <string.h>

#include "lanes_internal.h"

/* lo52(a*b) and hi52(a*b) of the low 52 bits of a and b, as vpmadd52luq/vpmadd52huq add them. */
#if defined(__SIZEOF_INT128__) && !defined(XSIG_LANES_NO_INT128)
static inline void mul52(uint64_t a, uint64_t b, uint64_t *lo, uint64_t *hi) {
    unsigned __int128 p = (unsigned __int128)(a & DIGIT_MASK) * (b & DIGIT_MASK);
    *lo = (uint64_t)p & DIGIT_MASK;
    *hi = (uint64_t)(p >> DIGIT_BITS);
}
#else
static inline void mul52(uint64_t a, uint64_t b, uint64_t *lo, uint64_t *hi) {
    /* 26-bit halves: each partial product < 2^52 */
    const uint64_t m26 = (UINT64_C(1) << 26) - 1;
    a &= DIGIT_MASK; b &= DIGIT_MASK;
    uint64_t a0 = a & m26, a1 = a >> 26, b0 = b & m26, b1 = b >> 26;
    uint64_t p00 = a0 * b0, mid = a0 * b1 + a1 * b0, p11 = a1 * b1;   /* mid < 2^53 */
    uint64_t low = p00 + ((mid & m26) << 26);                          /* < 2^53 */
    *lo = low & DIGIT_MASK;
    *hi = p11 + (mid >> 26) + (low >> DIGIT_BITS);
}
#endif

static inline uint64_t madd_lo(uint64_t acc, uint64_t a, uint64_t b) {
    uint64_t lo, hi; mul52(a, b, &lo, &hi); (void)hi; return acc + lo;
}

/* Carries of the 64-bit accumulators into 52-bit digits: src rows -> r rows. */
static void normalise(uint64_t *r, const uint64_t *src, size_t N) {
    uint64_t c[LANES] = {0};
    for (size_t j = 0; j < N; j++)
        for (size_t l = 0; l < LANES; l++) {
            uint64_t t = src[j * LANES + l] + c[l];
            r[j * LANES + l] = t & DIGIT_MASK;
            c[l] = t >> DIGIT_BITS;
        }
}

/* Word-serial AMM: per digit a_i, acc = (acc + a_i*b + m*n) / 2^52 with m = lo52(acc_0 * k0).
 * The two passes are fused into one sweep over j and the shift is folded into the stores; each
 * 104-bit product is formed once, its high half carried to the next digit in a register. */
static void amm_portable(uint64_t *r, const uint64_t *a, const uint64_t *b,
                         const struct xsig_lanes_key *key, uint64_t *acc) {
    const size_t N = key->N;
    const uint64_t *n = key->n, k0 = key->k0;
    memset(acc, 0, N * LANES * sizeof(uint64_t));
    for (size_t i = 0; i < N; i++) {
        uint64_t ai[LANES], m[LANES], carry[LANES];
        for (size_t l = 0; l < LANES; l++) {
            uint64_t plo, phi, qlo, qhi;
            ai[l] = a[i * LANES + l];
            mul52(ai[l], b[l], &plo, &phi);
            uint64_t t = acc[l] + plo;
            m[l] = madd_lo(0, t, k0);
            mul52(m[l], n[0], &qlo, &qhi);
            carry[l] = ((t + qlo) >> DIGIT_BITS) + phi + qhi;   /* low 52 bits of t + qlo are zero */
        }
        for (size_t j = 1; j < N; j++)
            for (size_t l = 0; l < LANES; l++) {
                uint64_t plo, phi, qlo, qhi;
                mul52(ai[l], b[j * LANES + l], &plo, &phi);
                mul52(m[l], n[j], &qlo, &qhi);
                acc[(j - 1) * LANES + l] = acc[j * LANES + l] + plo + qlo + carry[l];
                carry[l] = phi + qhi;
            }
        for (size_t l = 0; l < LANES; l++) acc[(N - 1) * LANES + l] = carry[l];
    }
    normalise(r, acc, N);
}

/* r = acc / R mod n, almost: N Montgomery reduction steps on the 2N-digit accumulator. */
static void montgomery_reduce(uint64_t *r, const struct xsig_lanes_key *key, uint64_t *acc) {
    const size_t N = key->N;
    const uint64_t *n = key->n, k0 = key->k0;
    for (size_t i = 0; i < N; i++) {
        uint64_t m[LANES], carry[LANES];
        for (size_t l = 0; l < LANES; l++) {
            uint64_t qlo, qhi, t = acc[i * LANES + l];
            m[l] = madd_lo(0, t, k0);
            mul52(m[l], n[0], &qlo, &qhi);
            carry[l] = ((t + qlo) >> DIGIT_BITS) + qhi;
        }
        for (size_t j = 1; j < N; j++)
            for (size_t l = 0; l < LANES; l++) {
                uint64_t qlo, qhi;
                mul52(m[l], n[j], &qlo, &qhi);
                acc[(i + j) * LANES + l] += qlo + carry[l];
                carry[l] = qhi;
            }
        for (size_t l = 0; l < LANES; l++) acc[(i + N) * LANES + l] += carry[l];
    }
    normalise(r, acc + N * LANES, N);
}

/* r = a / R mod n, leaving the Montgomery domain: the reduction alone; a < 2n gives r <= n. */
static void redc_portable(uint64_t *r, const uint64_t *a, const struct xsig_lanes_key *key, uint64_t *acc) {
    const size_t N = key->N;
    memcpy(acc, a, N * LANES * sizeof(uint64_t));
    memset(acc + N * LANES, 0, (N + 2) * LANES * sizeof(uint64_t));
    montgomery_reduce(r, key, acc);
}

/* Squaring: cross products a_i*a_j (i<j) once, doubled, plus the squares a_i^2, into 2N digits;
 * then N Montgomery reduction steps. Same bound as the AMM: result < 2n. */
static void sqr_portable(uint64_t *r, const uint64_t *a,
                         const struct xsig_lanes_key *key, uint64_t *acc) {
    const size_t N = key->N;
    memset(acc, 0, (2 * N + 2) * LANES * sizeof(uint64_t));
    for (size_t i = 0; i + 1 < N; i++) {
        uint64_t carry[LANES] = {0};
        for (size_t j = i + 1; j < N; j++)
            for (size_t l = 0; l < LANES; l++) {
                uint64_t plo, phi;
                mul52(a[i * LANES + l], a[j * LANES + l], &plo, &phi);
                acc[(i + j) * LANES + l] += plo + carry[l];
                carry[l] = phi;
            }
        for (size_t l = 0; l < LANES; l++) acc[(i + N) * LANES + l] += carry[l];
    }
    for (size_t i = 0; i < N; i++)
        for (size_t l = 0; l < LANES; l++) {
            uint64_t plo, phi, ai = a[i * LANES + l];
            mul52(ai, ai, &plo, &phi);
            acc[2 * i * LANES + l] = 2 * acc[2 * i * LANES + l] + plo;
            acc[(2 * i + 1) * LANES + l] = 2 * acc[(2 * i + 1) * LANES + l] + phi;
        }
    montgomery_reduce(r, key, acc);
}

const lanes_ops lanes_ops_portable = { amm_portable, sqr_portable, redc_portable, montgomery_reduce };
