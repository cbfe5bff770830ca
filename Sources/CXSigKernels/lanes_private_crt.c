/* Whole RSADP (RFC 8017 section 5.1.2, CRT form 2b) on eight lanes under one key: the halves
 * m1 = c^dp mod p and m2 = c^dq mod q through xsig_lanes_private_half (eight lanes per pass over
 * each prime), Garner's recombination h = (m1 - m2) qInv mod p, m = m2 + q h per lane on GMP's
 * side-channel-silent mpn_sec functions, and the fault check m^e == c on the public lanes kernel,
 * compared in constant time, before any lane leaves. Base blinding per ciphertext happens here too,
 * in the public key's lanes Montgomery arithmetic: c A mod n before, m A^-1 mod n after, with the
 * caller's pairs (XSigRSA's lanes backend takes them from the same BlindingPool as the GMP path)
 * squared in place for their next use. */
#include <gmp.h>
#include <stdlib.h>
#include <string.h>

#include "lanes_private.h"

_Static_assert(GMP_NUMB_BITS == 64 && GMP_NAIL_BITS == 0, "the lanes CRT needs 64-bit GMP limbs without nails");


static size_t strip(const uint8_t **p, size_t len) {
    while (len > 0 && (*p)[0] == 0) { (*p)++; len--; }
    return len;
}


/* 1 when a < b, big-endian octet strings of one length; no branch or index on the octets. */
static unsigned ct_less_be(const uint8_t *a, const uint8_t *b, size_t len) {
    unsigned lt = 0, eq = 1;
    for (size_t i = 0; i < len; i++) {
        unsigned x = a[i], y = b[i];
        unsigned l = (x - y) >> 31 & 1u;                 /* x < y */
        unsigned e = (((x ^ y) - 1u) >> 31) & 1u;        /* x == y */
        lt |= eq & l;
        eq &= e;
    }
    return lt;
}

/* OS2IP of len octets into n limbs (len <= 8n); only lengths decide the loop. */
static void be_to_limbs(mp_limb_t *r, mp_size_t n, const uint8_t *in, size_t len) {
    for (mp_size_t i = 0; i < n; i++) r[i] = 0;
    for (size_t b = 0; b < len; b++) r[b / 8] |= (mp_limb_t)in[len - 1 - b] << (8 * (b % 8));
}

/* I2OSP of n limbs into exactly len octets (octets past the limbs are zero). */
static void limbs_to_be(uint8_t *out, size_t len, const mp_limb_t *r, mp_size_t n) {
    for (size_t b = 0; b < len; b++)
        out[len - 1 - b] = b / 8 < (size_t)n ? (uint8_t)(r[b / 8] >> (8 * (b % 8))) : 0;
}

xsig_lanes_private_key *xsig_lanes_private_key_new(const uint8_t *n, size_t n_len, const uint8_t *e, size_t e_len,
                                                   const uint8_t *p, size_t p_len, const uint8_t *q, size_t q_len,
                                                   const uint8_t *dp, size_t dp_len, const uint8_t *dq, size_t dq_len,
                                                   const uint8_t *qinv, size_t qinv_len, int *reason) {
    int why = XSIG_LANES_KEY_BAD;
    xsig_lanes_private_key *key = NULL;
    if (n == NULL || e == NULL || p == NULL || q == NULL || dp == NULL || dq == NULL || qinv == NULL) goto out;
    p_len = strip(&p, p_len); q_len = strip(&q, q_len); n_len = strip(&n, n_len);
    dp_len = strip(&dp, dp_len); dq_len = strip(&dq, dq_len); qinv_len = strip(&qinv, qinv_len);
    if (p_len == 0 || q_len == 0 || dp_len == 0 || dq_len == 0 || qinv_len == 0) goto out;
    /* The members' ranges and p q == n are checked by the caller's key validation (XSigRSA's
     * RSAPrivateKey); here only their lengths, which are public. */
    if (dp_len > p_len || dq_len > q_len || qinv_len > p_len) goto out;

    key = calloc(1, sizeof *key);
    if (key == NULL) { why = XSIG_LANES_KEY_MEMORY; goto out; }
    key->pub = xsig_lanes_key_new(n, n_len, e, e_len);
    key->hp = xsig_lanes_half_new(p, p_len);
    key->hq = xsig_lanes_half_new(q, q_len);
    if (key->pub == NULL || key->hp == NULL || key->hq == NULL) { why = XSIG_LANES_KEY_SIZE; goto fail; }
    key->k = key->pub->k; key->kp = key->hp->k; key->kq = key->hq->k;
    /* Whole ciphertexts are reduced inside the lanes (xsig_lanes_private_half's wide input), which
     * needs c < n < 2 R p: bits(q) <= 52 N_p, and the k octets within 2 N_p digits; the same for q. */
    size_t pb = key->hp->bits, qb = key->hq->bits;
    if (qb > DIGIT_BITS * key->hp->N || pb > DIGIT_BITS * key->hq->N ||
        8 * key->k > 2 * DIGIT_BITS * key->hp->N || 8 * key->k > 2 * DIGIT_BITS * key->hq->N) {
        why = XSIG_LANES_KEY_UNBALANCED; goto fail;
    }
    key->pn = (mp_size_t)((pb + 63) / 64);
    key->qn = (mp_size_t)((qb + 63) / 64);
    const mp_size_t pn = key->pn, qn = key->qn;
    const mp_size_t large = pn > qn ? pn : qn, small = pn > qn ? qn : pn;
    size_t itch = (size_t)mpn_sec_mul_itch(large, small);
    key->itch = itch;
    key->block_bytes = (size_t)(2 * pn + qn) * sizeof(mp_limb_t) + key->kp + key->kq + key->k;
    key->block = calloc(1, key->block_bytes);
    if (key->block == NULL) { why = XSIG_LANES_KEY_MEMORY; goto fail; }
    key->limbs = key->block;
    be_to_limbs(key->limbs, pn, p, p_len);
    be_to_limbs(key->limbs + pn, qn, q, q_len);
    be_to_limbs(key->limbs + pn + qn, pn, qinv, qinv_len);
    key->dp = (uint8_t *)(key->limbs + 2 * pn + qn);
    key->dq = key->dp + key->kp;
    memcpy(key->dp + key->kp - dp_len, dp, dp_len);
    memcpy(key->dq + key->kq - dq_len, dq, dq_len);
    key->nbe = key->dq + key->kq;
    memcpy(key->nbe + key->k - n_len, n, n_len);
    /* qInv as p-half digits in every lane (lanes_from_bytes on eight copies would do the same) */
    {
        const size_t N = key->hp->N;
        key->qinv_rows_bytes = N * LANES * sizeof(uint64_t);
        key->qinv_rows = aligned_alloc(64, key->qinv_rows_bytes);   /* a multiple of 64 */
        if (key->qinv_rows == NULL) {
            key->qinv_rows = NULL; why = XSIG_LANES_KEY_MEMORY; goto fail;
        }
        uint64_t words[XSIG_LANES_HALF_MAX_BITS / 52 + 4];
        lanes_from_bytes(key->qinv_rows, N, qinv, qinv_len, 1, words);
        for (size_t i = 0; i < N; i++)
            for (size_t l = 1; l < LANES; l++) key->qinv_rows[i * LANES + l] = key->qinv_rows[i * LANES];
        xsig_wipe(words, sizeof words);
    }
    why = 0;
    goto out;
fail:
    xsig_lanes_private_key_free(key);
    key = NULL;
out:
    if (reason != NULL) *reason = why;
    return key;
}

void xsig_lanes_private_key_free(xsig_lanes_private_key *key) {
    if (key == NULL) return;
    if (key->block != NULL) { xsig_wipe(key->block, key->block_bytes); free(key->block); }
    if (key->qinv_rows != NULL) { xsig_wipe(key->qinv_rows, key->qinv_rows_bytes); free(key->qinv_rows); }
    xsig_lanes_key_free(key->pub);
    xsig_lanes_key_free(key->hp);
    xsig_lanes_key_free(key->hq);
    xsig_wipe(key, sizeof *key);
    free(key);
}

size_t xsig_lanes_private_key_modulus_bytes(const xsig_lanes_private_key *key) { return key->k; }

static size_t align64(size_t v) { return (v + 63) & ~(size_t)63; }

/* Layout: half workspace (the larger) | public workspace | m1[8 kp] | m2[8 kq] | cb[8 k] | m[8 k]
 *         | chk[8 k] | blinding rows (mod n): c, A, A^-1, t, scratch | limbs: h pn, m pn+qn,
 *         m2 pn+qn, itch. garner_h works in the half workspace. */
static size_t limb_count(const xsig_lanes_private_key *key) {
    const size_t pn = (size_t)key->pn, qn = (size_t)key->qn;
    return pn + 2 * (pn + qn) + key->itch;
}

static size_t blind_rows(const xsig_lanes_private_key *key) {
    return 4 * key->pub->N + LANES_SCRATCH_ROWS(key->pub->N);
}

size_t xsig_lanes_crt_workspace_bytes(const xsig_lanes_private_key *key) {
    size_t hp = xsig_lanes_private_workspace_bytes(key->hp), hq = xsig_lanes_private_workspace_bytes(key->hq);
    return align64(hp > hq ? hp : hq) + align64(xsig_lanes_workspace_bytes(key->pub)) +
           align64(LANES * key->kp) + align64(LANES * key->kq) + 3 * align64(LANES * key->k) +
           blind_rows(key) * LANES * sizeof(uint64_t) + align64(limb_count(key) * sizeof(mp_limb_t));
}

void xsig_lanes_crt_workspace_wipe(const xsig_lanes_private_key *key, void *workspace) {
    if (key != NULL && workspace != NULL) xsig_wipe(workspace, xsig_lanes_crt_workspace_bytes(key));
}

#if defined(DEBUG) || defined(XSIG_LANES_TEST_HOOKS)
static volatile unsigned fault_lanes;   /* test builds only: lanes whose m1 gets a bit flipped */
int xsig_lanes_crt_inject_fault(unsigned lane_mask) { fault_lanes = lane_mask & 0xff; return 0; }
#else
int xsig_lanes_crt_inject_fault(unsigned lane_mask) { (void)lane_mask; return -1; }
#endif

/* h = (m1 - m2) qInv mod p for every lane, in the p-half's Montgomery arithmetic (no division by
 * the secret p: GMP's mpn_sec_div_r looks up a table with p's top bits, see SECURITY.md):
 *   A = AMM(m1, qInv) = m1 qInv / R,  B = AMM(m2, qInv) = m2 qInv / R   (each < 2p, as m1 < p,
 *   m2 < R and qInv < p),  D = A + 2p - B in (0, 4p),  h = AMM(D, R^2 mod p) = D R < 2p, then one
 *   masked subtraction of p. m1, m2 arrive as octets (kp, kq each); h leaves as kp octets. */
static void garner_h(const xsig_lanes_private_key *key, const lanes_ops *ops, size_t count,
                     const uint8_t *m1, const uint8_t *m2, uint8_t *h_out, uint64_t *rows_ws) {
    const xsig_lanes_key *hp = key->hp;
    const size_t N = hp->N, rows = N * LANES;
    uint64_t *x1 = rows_ws, *x2 = x1 + rows, *a = x2 + rows, *b = a + rows, *d = b + rows, *scratch = d + rows;
    lanes_from_bytes(x1, N, m1, key->kp, count, scratch);
    lanes_from_bytes(x2, N, m2, key->kq, count, scratch);
    ops->amm(a, x1, key->qinv_rows, hp, scratch);
    ops->amm(b, x2, key->qinv_rows, hp, scratch);
    uint64_t carry[LANES] = {0}, borrow[LANES] = {0};
    for (size_t i = 0; i < N; i++)
        for (size_t l = 0; l < LANES; l++) {
            uint64_t s = a[i * LANES + l] + 2 * hp->nb[i * LANES + l] + carry[l];
            carry[l] = s >> DIGIT_BITS;
            uint64_t t = (s & DIGIT_MASK) - b[i * LANES + l] - borrow[l];
            borrow[l] = t >> 63;
            d[i * LANES + l] = t & DIGIT_MASK;
        }
    ops->amm(d, d, hp->rr, hp, scratch);
    lanes_reduce_once(d, hp->nb, N);
    lanes_to_bytes(h_out, key->kp, d, N, count);
}

/* m = m2 + q h for one lane (< n), on fixed-size limb buffers; mpn_sec_mul and mpn_add_n have
 * no branch or index on the values. */
static void recombine(const xsig_lanes_private_key *key, const uint8_t *hb, const uint8_t *m2b,
                      uint8_t *out, mp_limb_t *l) {
    const mp_size_t pn = key->pn, qn = key->qn, wide = pn + qn;
    const mp_limb_t *q = key->limbs + pn;
    mp_limb_t *h = l, *m = h + pn, *m2w = m + wide, *tp = m2w + wide;
    be_to_limbs(h, pn, hb, key->kp);
    be_to_limbs(m2w, wide, m2b, key->kq);
    if (qn >= pn) mpn_sec_mul(m, q, qn, h, pn, tp);
    else mpn_sec_mul(m, h, pn, q, qn, tp);
    mpn_add_n(m, m, m2w, wide);
    limbs_to_be(out, key->k, m, wide);
}

/* r = a b / R mod n (< n) in every lane, on the public key's lanes Montgomery arithmetic: one
 * AMM (< 2n) and one masked subtraction of n; a, b < n. With b = B R mod n, a pair member in
 * Montgomery form, that is a B mod n: the blinding, the unblinding, and (a = b) the pair's square
 * B^2 R mod n, still in Montgomery form. */
static void mont_mul_n(const xsig_lanes_key *pub, const lanes_ops *ops, uint64_t *r, const uint64_t *a,
                       const uint64_t *b, uint64_t *scratch) {
    if (a == b) ops->sqr(r, a, pub, scratch);
    else ops->amm(r, a, b, pub, scratch);
    lanes_reduce_once(r, pub->nb, pub->N);
}

/* The blinding rows of the workspace: c, A, A^-1, t, then scratch (mod n, N_n rows each). */
static uint64_t *blind_rows_at(const xsig_lanes_private_key *key, void *workspace) {
    size_t hp = xsig_lanes_private_workspace_bytes(key->hp), hq = xsig_lanes_private_workspace_bytes(key->hq);
    return (uint64_t *)((uint8_t *)workspace + align64(hp > hq ? hp : hq) + align64(xsig_lanes_workspace_bytes(key->pub)) +
                        align64(LANES * key->kp) + align64(LANES * key->kq) + 3 * align64(LANES * key->k));
}

int xsig_lanes_crt_pairs_to_montgomery(const xsig_lanes_private_key *key, xsig_lanes_kernel kernel, size_t count,
                                       uint8_t *pairs, void *workspace) {
    if (key == NULL || pairs == NULL || workspace == NULL) return -1;
    if (count < 1 || count > LANES || ((uintptr_t)workspace & 63) != 0) return -1;
    const lanes_ops *ops = lanes_ops_for(kernel);
    if (ops == NULL) return -1;
    const xsig_lanes_key *pub = key->pub;
    const size_t N = pub->N, rows = N * LANES, k = key->k;
    uint64_t *x = blind_rows_at(key, workspace), *t = x + 3 * rows, *scratch = x + 4 * rows;
    for (size_t half = 0; half < 2; half++) {       /* the factors, then their inverses */
        uint8_t *v = pairs + half * count * k;
        lanes_from_bytes(x, N, v, k, count, scratch);
        ops->amm(t, x, pub->rr, pub, scratch);      /* x R^2 / R = x R */
        lanes_reduce_once(t, pub->nb, N);
        lanes_to_bytes(v, k, t, N, count);
    }
    return 0;
}

int xsig_lanes_crt(const xsig_lanes_private_key *key, xsig_lanes_kernel kernel, size_t count,
                   const uint8_t *in, uint8_t *blind, uint8_t *out, unsigned *faults, void *workspace) {
    if (key == NULL || in == NULL || blind == NULL || out == NULL || faults == NULL || workspace == NULL) return -1;
    if (count < 1 || count > LANES || ((uintptr_t)workspace & 63) != 0) return -1;
    const lanes_ops *ops = lanes_ops_for(kernel);
    if (ops == NULL) return -1;
    *faults = 0;
    const size_t k = key->k;
    /* c < n in every lane, compared without a branch on c; only the aggregate verdict is
     * declassified (it is the RSADP error "ciphertext representative out of range"). The
     * blinding factors are the caller's, below n by construction. */
    unsigned below = 1;
    for (size_t l = 0; l < count; l++) below &= ct_less_be(in + l * k, key->nbe, k);
    LANES_DECLASSIFY(&below, sizeof below);
    if (!below) { memset(out, 0, count * k); return -2; }

    size_t hp = xsig_lanes_private_workspace_bytes(key->hp), hq = xsig_lanes_private_workspace_bytes(key->hq);
    uint8_t *ws = workspace;
    void *half_ws = ws;                         ws += align64(hp > hq ? hp : hq);
    void *pub_ws = ws;                          ws += align64(xsig_lanes_workspace_bytes(key->pub));
    uint8_t *m1 = ws;                           ws += align64(LANES * key->kp);
    uint8_t *m2 = ws;                           ws += align64(LANES * key->kq);
    uint8_t *cb = ws;                           ws += align64(LANES * k);
    uint8_t *m = ws;                            ws += align64(LANES * k);
    uint8_t *chk = ws;                          ws += align64(LANES * k);
    const xsig_lanes_key *pub = key->pub;
    const size_t Nn = pub->N, nrows = Nn * LANES;
    uint64_t *xc = (uint64_t *)ws, *xa = xc + nrows, *xai = xa + nrows, *xt = xai + nrows, *bscratch = xt + nrows;
    ws += blind_rows(key) * LANES * sizeof(uint64_t);   /* = blind_rows_at(key, workspace) */
    mp_limb_t *limbs = (mp_limb_t *)ws;

    /* Blinding: cb = c A mod n per lane, with A = r^e from the caller's pair (A R | A^-1 R). */
    lanes_from_bytes(xc, Nn, in, k, count, bscratch);
    lanes_from_bytes(xa, Nn, blind, k, count, bscratch);
    lanes_from_bytes(xai, Nn, blind + count * k, k, count, bscratch);
    mont_mul_n(pub, ops, xt, xc, xa, bscratch);
    lanes_to_bytes(cb, k, xt, Nn, count);

    int status = lanes_private_half_keep(key->hp, kernel, count, cb, k, key->dp, key->kp, m1, half_ws);
    if (status == 0)
        status = lanes_private_half_keep(key->hq, kernel, count, cb, k, key->dq, key->kq, m2, half_ws);
    if (status != 0) { memset(out, 0, count * k); return status; }
#if defined(DEBUG) || defined(XSIG_LANES_TEST_HOOKS)
    for (size_t l = 0; l < count; l++)
        if ((fault_lanes >> l) & 1) m1[l * key->kp + key->kp / 2] ^= 0x10;
#endif
    garner_h(key, ops, count, m1, m2, m1, half_ws);     /* h over m1 */
    for (size_t l = 0; l < count; l++) recombine(key, m1 + l * key->kp, m2 + l * key->kq, m + l * k, limbs);

    /* The fault check (Boneh-DeMillo-Lipton): m^e must give the blinded c back in every lane. */
    unsigned bad = 0;
    int pubst = lanes_public_keep(pub, kernel, count, m, chk, pub_ws);
    for (size_t l = 0; l < count; l++) {
        uint8_t diff = 0;
        for (size_t i = 0; i < k; i++) diff |= (uint8_t)(chk[l * k + i] ^ cb[l * k + i]);
        bad |= (unsigned)((0u - (unsigned)diff) >> 31 & 1u) << l;   /* 1 when diff != 0 */
    }
    if (pubst != 0) bad = (1u << count) - 1;    /* m >= n in some lane: a fault as well */
    /* The verdict is what the check exists to reveal, and it is the one value declassified. */
    LANES_DECLASSIFY(&bad, sizeof bad);

    /* Unblinding: m A^-1 mod n = c^d mod n; then the pair's next use, (A^2 R, A^-2 R) in place. */
    lanes_from_bytes(xc, Nn, m, k, count, bscratch);
    mont_mul_n(pub, ops, xt, xc, xai, bscratch);
    lanes_to_bytes(m, k, xt, Nn, count);
    mont_mul_n(pub, ops, xt, xa, xa, bscratch);
    lanes_to_bytes(blind, k, xt, Nn, count);
    mont_mul_n(pub, ops, xt, xai, xai, bscratch);
    lanes_to_bytes(blind + count * k, k, xt, Nn, count);

    for (size_t l = 0; l < count; l++) {
        uint8_t keep = (uint8_t)(((bad >> l) & 1u) - 1u);   /* all ones when lane l passed */
        for (size_t i = 0; i < k; i++) out[l * k + i] = m[l * k + i] & keep;
    }
    *faults = bad;
    return bad != 0 ? -3 : 0;
}
