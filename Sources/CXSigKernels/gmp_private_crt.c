/* RSADP's CRT exponentiation (RFC 8017 section 5.1.2, step 2b) for the GMP backend, constant
 * time on GMP's mpn layer. GMP's own mpn_sec_powm and mpn_sec_div_r are silent in the operands
 * but not in the modulus: mpn_sec_div_r normalises the divisor with mpn_invert_limb (a table
 * lookup indexed by its top bits) and mpn_sec_powm computes -m^-1 mod 2^64 with binvert_limb
 * (a table indexed by its low bits) and reduces the base with mpn_sec_div_r. With a secret prime
 * as the modulus both leak bits of it (SECURITY.md; scripts/ctgrind.sh shows memcheck
 * reporting them). Here nothing ever divides by p or q:
 *
 *   - -p^-1 mod 2^64 comes from Newton's iteration (multiplications only), at key set-up;
 *   - REDC is mpn_addmul_1 rows, mpn_add_n and mpn_cnd_sub_n; products are mpn_sec_mul and
 *     mpn_sec_sqr (basecase code: mpn_mul_n's Toom paths branch on the data);
 *   - c (nn limbs) is reduced mod p by one-limb Montgomery steps, then taken into Montgomery
 *     form by one product with a key constant (2^(64 k) R^2 mod p);
 *   - the exponentiation is a fixed window over all bits(p) bits of dp (the public size, not
 *     dp's length), every table entry read by mpn_sec_tabselect;
 *   - Garner's h = (m1 - m2) qInv mod p is Montgomery arithmetic too, m = m2 + q h is
 *     mpn_sec_mul and mpn_add_n on fixed sizes.
 *
 * Loops, branches and addresses depend on the limb counts of p, q and n only. The key set-up
 * (xsig_gmp_crt_key_new) is not constant time: mpz arithmetic on p and q, once per key. */
#include <gmp.h>
#include <stdlib.h>
#include <string.h>

#include "xsig_gmp_private.h"
#include "xsig_wipe.h"

_Static_assert(GMP_NUMB_BITS == 64 && GMP_NAIL_BITS == 0, "the GMP CRT kernel needs 64-bit GMP limbs without nails");
_Static_assert(sizeof(xsig_limb_t) == sizeof(mp_limb_t), "xsig_limb_t must be mp_limb_t");

/* One prime's Montgomery arithmetic, R = 2^(64 n). */
typedef struct {
    mp_size_t n;          /* limbs of the prime (public) */
    mp_bitcnt_t bits;     /* bits of the prime: the exponent bits scanned (public) */
    unsigned window;      /* fixed window width (public, from bits) */
    mp_size_t kc;         /* one-limb REDC steps that bring an nn-limb c below 2m */
    mp_limb_t minv;       /* -m^-1 mod 2^64 */
    mp_limb_t *m;         /* the prime, n limbs */
    mp_limb_t *e;         /* its CRT exponent, n limbs */
    mp_limb_t *one;       /* R mod m: 1 in Montgomery form */
    mp_limb_t *cin;       /* 2^(64 kc) R^2 mod m: takes the reduced c into Montgomery form */
} half;

struct xsig_gmp_crt_key {
    mp_size_t nn, pn, qn;
    half hp, hq;
    mp_size_t k2;         /* one-limb REDC steps that bring m2 (qn limbs) below 2p */
    mp_limb_t *m2in;      /* 2^(64 k2) R mod p: takes the reduced m2 to m2 mod p */
    mp_limb_t *qinvr;     /* qInv R mod p */
    mp_limb_t *block;     /* everything above, wiped in xsig_gmp_crt_key_free */
    size_t block_limbs;
    size_t scratch_limbs;
};

/* ---- Montgomery arithmetic mod one prime (constant time) ---- */

/* -m^-1 mod 2^64 for odd m: x = m is m^-1 mod 8 (m^2 = 1 mod 8), and each step of Newton's
 * x <- x (2 - m x) doubles the correct low bits: 3, 6, 12, 24, 48, 96. No table, no branch. */
static mp_limb_t neg_inverse(mp_limb_t m) {
    mp_limb_t x = m;
    for (int i = 0; i < 5; i++) x *= 2 - m * x;
    return 0 - x;
}

/* The n limbs of t (value r + cy R, known < 2m) reduced below m in place: r - m is kept exactly
 * when the value is at least m, which is when cy equals the borrow of r - m (cy = 1 forces
 * r < m). tmp: n limbs. */
static void reduce_below(mp_limb_t *r, mp_limb_t cy, const half *h, mp_limb_t *tmp) {
    mp_limb_t borrow = mpn_sub_n(tmp, r, h->m, h->n);
    mpn_cnd_swap(1 ^ cy ^ borrow, r, tmp, h->n);
}

/* The REDC rows: t (2n limbs) + U m with limb i of t zeroed at row i; leaves t's top half plus
 * the row carries (kept in t's low half) in r, and returns the carry out (a value r + cy R). */
static mp_limb_t redc_rows(mp_limb_t *r, mp_limb_t *t, const half *h) {
    const mp_size_t n = h->n;
    for (mp_size_t i = 0; i < n; i++) t[i] = mpn_addmul_1(t + i, h->m, n, t[i] * h->minv);
    return mpn_add_n(r, t + n, t, n);
}

/* r = t / R mod m, almost reduced: t < R^2 gives (t + U m) / R < R + m, and subtracting m when
 * that reached R leaves r < R. */
static void redc(mp_limb_t *r, mp_limb_t *t, const half *h) {
    mp_limb_t cy = redc_rows(r, t, h);
    mpn_cnd_sub_n(cy, r, r, h->m, h->n);
}

/* Scratch of the products: t (2n) and mpn_sec_mul's / mpn_sec_sqr's own. */
static size_t mul_scratch(mp_size_t n) {
    mp_size_t a = mpn_sec_mul_itch(n, n), b = mpn_sec_sqr_itch(n);
    return (size_t)(2 * n + (a > b ? a : b));
}

/* r = a b / R mod m, almost reduced (< R) for a, b < R. r may be a or b. */
static void mont_mul(mp_limb_t *r, const mp_limb_t *a, const mp_limb_t *b, const half *h, mp_limb_t *t) {
    mpn_sec_mul(t, a, h->n, b, h->n, t + 2 * h->n);
    redc(r, t, h);
}

static void mont_sqr(mp_limb_t *r, const mp_limb_t *a, const half *h, mp_limb_t *t) {
    mpn_sec_sqr(t, a, h->n, t + 2 * h->n);
    redc(r, t, h);
}

/* r = a b / R mod m fully reduced (< m), for a, b < m: a b / R + m < 2m, then reduce_below.
 * t: mul_scratch(n) + n limbs. */
static void mont_mul_full(mp_limb_t *r, const mp_limb_t *a, const mp_limb_t *b, const half *h, mp_limb_t *t) {
    const mp_size_t n = h->n;
    mp_limb_t *tmp = t + mul_scratch(n);
    mpn_sec_mul(t, a, n, b, n, t + 2 * n);
    mp_limb_t cy = redc_rows(r, t, h);
    reduce_below(r, cy, h, tmp);
}

/* One-limb REDC steps for a wide x: with xn limbs and k = max(xn, n) - n + 1 steps,
 * r = x 2^(-64 k) mod m, fully reduced. Each step adds u m 2^(64 i), u chosen to clear limb i,
 * and carries the addmul's carry up through the fixed rest with mpn_sec_add_1. After k steps
 * the value is below 2^(64 (max(xn, n) - k)) + m = 2^(64 (n - 1)) + m < 2m (m's top limb is
 * nonzero), so it fits in n + 1 limbs and one reduce_below finishes.
 * t: wide_scratch(xn, n) limbs. */
static mp_size_t wide_steps(mp_size_t xn, mp_size_t n) { return (xn > n ? xn : n) - n + 1; }

static size_t wide_scratch(mp_size_t xn, mp_size_t n) {
    mp_size_t len = wide_steps(xn, n) + n + 1;
    return (size_t)(len + mpn_sec_add_1_itch(len) + n);
}

static void reduce_wide(mp_limb_t *r, const mp_limb_t *x, mp_size_t xn, const half *h, mp_limb_t *t) {
    const mp_size_t n = h->n, k = wide_steps(xn, n), len = k + n + 1;
    mp_limb_t *itch = t + len, *tmp = itch + mpn_sec_add_1_itch(len);
    memcpy(t, x, (size_t)xn * sizeof *t);
    memset(t + xn, 0, (size_t)(len - xn) * sizeof *t);
    for (mp_size_t i = 0; i < k; i++) {
        mp_limb_t cy = mpn_addmul_1(t + i, h->m, n, t[i] * h->minv);
        mpn_sec_add_1(t + i + n, t + i + n, len - i - n, cy, itch);
    }
    memcpy(r, t + k, (size_t)n * sizeof *r);
    reduce_below(r, t[k + n], h, tmp);
}

/* Window bits of e at a public position (the limb index is public; the value goes to
 * mpn_sec_tabselect only). */
static mp_limb_t window_bits(const mp_limb_t *e, mp_size_t n, mp_bitcnt_t pos, unsigned w) {
    mp_size_t i = (mp_size_t)(pos / 64);
    unsigned s = (unsigned)(pos % 64);
    mp_limb_t v = e[i] >> s;
    if (s + w > 64 && i + 1 < n) v |= e[i + 1] << (64 - s);
    return v & (((mp_limb_t)1 << w) - 1);
}

/* Window width from the exponent's (public) bit count: table building (2^w products) against
 * one product and one full-table scan every w bits. */
static unsigned window_for(mp_bitcnt_t bits) {
    return bits <= 320 ? 4 : bits <= 1280 ? 5 : 6;
}

static size_t pow_scratch(const half *h) {
    return ((size_t)1 << h->window) * (size_t)h->n + 2 * (size_t)h->n + mul_scratch(h->n);
}

/* out = x^e mod m fully reduced, xm = x R mod m (< R). Left to right over all h->bits bits of
 * e in windows of h->window: the first (partial) window selects, every other squares w times
 * and multiplies by the selected entry. */
static void half_pow(mp_limb_t *out, const mp_limb_t *xm, const half *h, mp_limb_t *ws) {
    const mp_size_t n = h->n;
    const unsigned w = h->window;
    const mp_size_t entries = (mp_size_t)1 << w;
    mp_limb_t *table = ws, *acc = table + entries * n, *sel = acc + n, *t = sel + n;
    memcpy(table, h->one, (size_t)n * sizeof *table);
    memcpy(table + n, xm, (size_t)n * sizeof *table);
    for (mp_size_t i = 2; i < entries; i++) mont_mul(table + i * n, table + (i - 1) * n, xm, h, t);

    mp_bitcnt_t pos = h->bits;
    unsigned top = (unsigned)(pos % w);
    if (top == 0) top = w;
    pos -= top;
    mpn_sec_tabselect(acc, table, n, entries, window_bits(h->e, n, pos, top));
    while (pos > 0) {
        pos -= w;
        for (unsigned j = 0; j < w; j++) mont_sqr(acc, acc, h, t);
        mpn_sec_tabselect(sel, table, n, entries, window_bits(h->e, n, pos, w));
        mont_mul(acc, acc, sel, h, t);
    }
    /* Out of Montgomery form: REDC(acc) = (acc + U m) / R < 1 + m, so at most m (exactly m
     * when x = 0 mod m); one subtraction, undone under its borrow. */
    memcpy(t, acc, (size_t)n * sizeof *t);
    memset(t + n, 0, (size_t)n * sizeof *t);
    redc(acc, t, h);
    mp_limb_t borrow = mpn_sub_n(out, acc, h->m, n);
    mpn_cnd_add_n(borrow, out, out, h->m, n);
}

/* m = c^e mod prime for the nn-limb c: reduce, enter Montgomery form, exponentiate. */
static void half_apply(mp_limb_t *out, const mp_limb_t *c, mp_size_t nn, const half *h, mp_limb_t *xm, mp_limb_t *ws) {
    reduce_wide(out, c, nn, h, ws);           /* c 2^(-64 kc) mod m, in out for the moment */
    mont_mul(xm, out, h->cin, h, ws);         /* c R mod m */
    half_pow(out, xm, h, ws);
}

/* ---- the CRT ---- */

static mp_size_t max_n(mp_size_t a, mp_size_t b) { return a > b ? a : b; }

/* Layout: m1 pn | m2 qn | xm max | h pn | prod pn+qn | m2w pn+qn | work */
static size_t work_limbs(const xsig_gmp_crt_key *key) {
    const mp_size_t pn = key->pn, qn = key->qn, big = max_n(pn, qn);
    size_t w = pow_scratch(&key->hp);
    size_t candidates[] = {
        pow_scratch(&key->hq),
        wide_scratch(key->nn, pn), wide_scratch(key->nn, qn), wide_scratch(qn, pn),
        mul_scratch(big) + (size_t)big,
        (size_t)mpn_sec_mul_itch(big, pn + qn - big),
    };
    for (size_t i = 0; i < sizeof candidates / sizeof candidates[0]; i++)
        if (candidates[i] > w) w = candidates[i];
    return w;
}

void xsig_gmp_crt(const xsig_gmp_crt_key *key, xsig_limb_t *out, const xsig_limb_t *c, xsig_limb_t *scratch) {
    const mp_size_t nn = key->nn, pn = key->pn, qn = key->qn, wide = pn + qn;
    mp_limb_t *m1 = scratch, *m2 = m1 + pn, *xm = m2 + qn, *h = xm + max_n(pn, qn);
    mp_limb_t *prod = h + pn, *m2w = prod + wide, *ws = m2w + wide;

    half_apply(m1, c, nn, &key->hp, xm, ws);
    half_apply(m2, c, nn, &key->hq, xm, ws);

    /* h = (m1 - m2) qInv mod p: m2 mod p by the wide steps and one product with 2^(64 k2) R,
     * the difference under its borrow, then one product with qInv R. */
    reduce_wide(xm, m2, qn, &key->hp, ws);
    mont_mul_full(xm, xm, key->m2in, &key->hp, ws);
    mp_limb_t borrow = mpn_sub_n(h, m1, xm, pn);
    mpn_cnd_add_n(borrow, h, h, key->hp.m, pn);
    mont_mul_full(h, h, key->qinvr, &key->hp, ws);

    /* m = m2 + q h < n: fits in nn <= pn + qn limbs (the limbs above nn are zero). */
    if (qn >= pn) mpn_sec_mul(prod, key->hq.m, qn, h, pn, ws);
    else mpn_sec_mul(prod, h, pn, key->hq.m, qn, ws);
    memcpy(m2w, m2, (size_t)qn * sizeof *m2w);
    memset(m2w + qn, 0, (size_t)pn * sizeof *m2w);
    mpn_add_n(prod, prod, m2w, wide);
    memcpy(out, prod, (size_t)(nn < wide ? nn : wide) * sizeof *out);
    if (nn > wide) memset(out + wide, 0, (size_t)(nn - wide) * sizeof *out);
    xsig_wipe(scratch, xsig_gmp_crt_scratch_limbs(key) * sizeof *scratch);
}

size_t xsig_gmp_crt_scratch_limbs(const xsig_gmp_crt_key *key) { return key->scratch_limbs; }

/* ---- key set-up (once per key, mpz arithmetic: not constant time) ---- */

/* out (n limbs) = f 2^shift mod m, f an mpz or NULL for 1. */
static void constant_mod(mp_limb_t *out, mp_size_t n, const mpz_t f, mp_bitcnt_t shift, const mpz_t m, mpz_t t) {
    if (f != NULL) mpz_mul_2exp(t, f, shift);
    else { mpz_set_ui(t, 0); mpz_setbit(t, shift); }
    mpz_mod(t, t, m);
    memset(out, 0, (size_t)n * sizeof *out);
    mpz_export(out, NULL, -1, sizeof *out, 0, 0, t);
}

/* mpz limbs overwritten before they are freed (they held a secret). */
static void clear_secret(mpz_t z) {
    xsig_wipe(z->_mp_d, (size_t)z->_mp_alloc * sizeof(mp_limb_t));
    mpz_clear(z);
}

static int half_init(half *h, mp_limb_t **at, const mp_limb_t *m, mp_size_t n, const mp_limb_t *e, mp_size_t nn, mpz_t t) {
    if (n < 1 || m[n - 1] == 0 || (m[0] & 1) == 0) return 0;
    h->n = n;
    h->bits = (mp_bitcnt_t)(64 * n) - (mp_bitcnt_t)__builtin_clzl(m[n - 1]);
    h->window = window_for(h->bits);
    h->kc = wide_steps(nn, n);
    h->minv = neg_inverse(m[0]);
    h->m = *at; *at += n;
    h->e = *at; *at += n;
    h->one = *at; *at += n;
    h->cin = *at; *at += n;
    memcpy(h->m, m, (size_t)n * sizeof *m);
    memcpy(h->e, e, (size_t)n * sizeof *e);
    mpz_t mz;
    mpz_roinit_n(mz, h->m, n);
    constant_mod(h->one, n, NULL, (mp_bitcnt_t)(64 * n), mz, t);
    constant_mod(h->cin, n, NULL, (mp_bitcnt_t)(64 * (h->kc + 2 * n)), mz, t);
    return 1;
}

xsig_gmp_crt_key *xsig_gmp_crt_key_new(const xsig_limb_t *p, long pn, const xsig_limb_t *q, long qn,
                                       const xsig_limb_t *dp, const xsig_limb_t *dq, const xsig_limb_t *qinv,
                                       long nn) {
    if (p == NULL || q == NULL || dp == NULL || dq == NULL || qinv == NULL) return NULL;
    if (pn < 1 || qn < 1 || nn < 1 || nn > pn + qn || pn > (1L << 20) || qn > (1L << 20)) return NULL;
    xsig_gmp_crt_key *key = calloc(1, sizeof *key);
    if (key == NULL) return NULL;
    key->nn = nn; key->pn = pn; key->qn = qn;
    key->block_limbs = 4 * (size_t)pn + 4 * (size_t)qn + 2 * (size_t)pn;
    key->block = calloc(key->block_limbs, sizeof(mp_limb_t));
    if (key->block == NULL) { free(key); return NULL; }
    mp_limb_t *at = key->block;
    mpz_t t;
    mpz_init(t);
    int ok = half_init(&key->hp, &at, p, pn, dp, nn, t) && half_init(&key->hq, &at, q, qn, dq, nn, t);
    if (ok) {
        mpz_t pz, qi;
        mpz_roinit_n(pz, key->hp.m, pn);
        mpz_roinit_n(qi, qinv, pn);
        key->k2 = wide_steps(qn, pn);
        key->m2in = at; at += pn;
        key->qinvr = at; at += pn;
        constant_mod(key->m2in, pn, NULL, (mp_bitcnt_t)(64 * (key->k2 + pn)), pz, t);
        constant_mod(key->qinvr, pn, qi, (mp_bitcnt_t)(64 * pn), pz, t);
        key->scratch_limbs = 2 * (size_t)pn + (size_t)qn + (size_t)max_n(pn, qn) + 2 * (size_t)(pn + qn) + work_limbs(key);
    }
    clear_secret(t);
    if (!ok) { xsig_gmp_crt_key_free(key); return NULL; }
    return key;
}

void xsig_gmp_crt_key_free(xsig_gmp_crt_key *key) {
    if (key == NULL) return;
    if (key->block != NULL) { xsig_wipe(key->block, key->block_limbs * sizeof(mp_limb_t)); free(key->block); }
    xsig_wipe(key, sizeof *key);
    free(key);
}
