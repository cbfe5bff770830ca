/* Per-key set-up, once per key: digits of n, k0 = -n^-1 mod 2^52, R^2 mod n (through GMP). */
#include <gmp.h>
#include <stdlib.h>
#include <string.h>

#include "lanes_internal.h"

static size_t strip_zeros(const uint8_t **p, size_t len) {
    while (len > 0 && (*p)[0] == 0) { (*p)++; len--; }
    return len;
}

static size_t bit_length(const uint8_t *p, size_t len) {
    if (len == 0) return 0;
    size_t b = 8 * (len - 1);
    for (uint8_t top = p[0]; top != 0; top >>= 1) b++;
    return b;
}

/* Digits of an mpz (public data) into out[N], least significant first. */
static void mpz_to_digits(uint64_t *out, size_t N, const mpz_t v) {
    mpz_t t;
    mpz_init_set(t, v);
    for (size_t i = 0; i < N; i++) {
        out[i] = (uint64_t)mpz_getlimbn(t, 0) & DIGIT_MASK;
        if (sizeof(mp_limb_t) < 8 && mpz_size(t) > 1)
            out[i] |= ((uint64_t)mpz_getlimbn(t, 1) << 32) & DIGIT_MASK;
        mpz_tdiv_q_2exp(t, t, DIGIT_BITS);
    }
    mpz_clear(t);
}

static void broadcast(uint64_t *rows, const uint64_t *digits, size_t N) {
    for (size_t i = 0; i < N; i++)
        for (size_t l = 0; l < LANES; l++) rows[i * LANES + l] = digits[i];
}

/* The key of an odd modulus of min_bits..max_bits bits; e (e_len > 0) is checked by the caller. */
static xsig_lanes_key *key_create(const uint8_t *n, size_t n_len, const uint8_t *e, size_t e_len,
                                  size_t min_bits, size_t max_bits) {
    n_len = strip_zeros(&n, n_len);
    size_t bits = bit_length(n, n_len);
    if (bits < min_bits || bits > max_bits) return NULL;
    if ((n[n_len - 1] & 1) == 0) return NULL;

    size_t N = (bits + 2 + DIGIT_BITS - 1) / DIGIT_BITS;
    size_t row = LANES * sizeof(uint64_t);
    size_t scalar = (N * sizeof(uint64_t) + 63) & ~(size_t)63;
    size_t size = sizeof(xsig_lanes_key) + 64 + scalar + 4 * N * row;
    uint8_t *raw = calloc(1, size);
    if (raw == NULL) return NULL;
    xsig_lanes_key *key = (xsig_lanes_key *)raw;
    uint8_t *arrays = (uint8_t *)(((uintptr_t)(raw + sizeof(xsig_lanes_key)) + 63) & ~(uintptr_t)63);
    uint64_t *nd = (uint64_t *)arrays;
    uint64_t *nb = (uint64_t *)(arrays + scalar);
    uint64_t *rr = nb + N * LANES;
    uint64_t *one = rr + N * LANES;
    uint64_t *rrr = one + N * LANES;

    mpz_t mn, r2, r3;
    mpz_inits(mn, r2, r3, NULL);
    mpz_import(mn, n_len, 1, 1, 0, 0, n);
    mpz_setbit(r2, 2 * DIGIT_BITS * N);  /* R^2 = 2^(2*52N) */
    mpz_mod(r2, r2, mn);
    mpz_setbit(r3, 3 * DIGIT_BITS * N);  /* R^3, for inputs that arrive with 2N digits */
    mpz_mod(r3, r3, mn);
    mpz_to_digits(nd, N, mn);
    uint64_t rrd[XSIG_LANES_MAX_BITS / DIGIT_BITS + 2];
    mpz_to_digits(rrd, N, r2);
    broadcast(rr, rrd, N);
    mpz_to_digits(rrd, N, r3);
    broadcast(rrr, rrd, N);
    mpz_clears(mn, r2, r3, NULL);

    broadcast(nb, nd, N);
    for (size_t l = 0; l < LANES; l++) one[l] = 1;

    /* n0^-1 mod 2^64 by Newton: each step doubles the correct low bits (3 -> 96). */
    uint64_t n0 = nd[0], inv = n0;
    for (int i = 0; i < 5; i++) inv *= 2 - n0 * inv;
    key->k0 = (0 - inv) & DIGIT_MASK;

    key->bits = bits;
    key->k = (bits + 7) / 8;
    key->N = N;
    key->n = nd;
    key->nb = nb;
    key->rr = rr;
    key->one = one;
    key->rrr = rrr;
    if (e_len > 0) memcpy(key->e, e, e_len);
    key->e_len = e_len;
    key->e_bits = bit_length(e, e_len);
    key->block = raw;
    return key;
}

xsig_lanes_key *xsig_lanes_key_new(const uint8_t *n, size_t n_len, const uint8_t *e, size_t e_len) {
    if (n == NULL || e == NULL) return NULL;
    e_len = strip_zeros(&e, e_len);
    if (e_len == 0 || e_len > XSIG_LANES_MAX_E_BYTES || (e[e_len - 1] & 1) == 0) return NULL;
    if (e_len == 1 && e[0] < 3) return NULL;
    return key_create(n, n_len, e, e_len, XSIG_LANES_MIN_BITS, XSIG_LANES_MAX_BITS);
}

xsig_lanes_key *xsig_lanes_half_new(const uint8_t *p, size_t p_len) {
    if (p == NULL) return NULL;
    return key_create(p, p_len, NULL, 0, XSIG_LANES_HALF_MIN_BITS, XSIG_LANES_HALF_MAX_BITS);
}

void xsig_lanes_key_free(xsig_lanes_key *key) {
    free(key);
}

size_t xsig_lanes_modulus_bytes(const xsig_lanes_key *key) { return key->k; }
size_t xsig_lanes_digits(const xsig_lanes_key *key) { return key->N; }

/* Layout (rows of 8 digits): x_mont[N] | acc[N] | scratch[2N+2] */
size_t xsig_lanes_workspace_bytes(const xsig_lanes_key *key) {
    return (2 * key->N + LANES_SCRATCH_ROWS(key->N)) * LANES * sizeof(uint64_t);
}
