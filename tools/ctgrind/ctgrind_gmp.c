/* Constant-time evidence for the GMP backend's CRT kernel (Sources/CXSigKernels/gmp_private_crt.c),
 * with the ctgrind technique as in ctgrind_lanes.c: every secret - the key block (p, q, dp, dq,
 * -p^-1 and -q^-1 mod 2^64, R mod p, the entry constants, qInv R mod p), the blinding factor and
 * its inverse, the ciphertext - is marked undefined with VALGRIND_MAKE_MEM_UNDEFINED, so memcheck
 * reports every conditional branch and every memory address computed from them. Nothing is
 * declassified before the unblinded result.
 *
 *   ctgrind_gmp new BITS...   the kernel (xsig_gmp_crt), each size with p > q and with p < q
 *   ctgrind_gmp old BITS...   the previous code path on the same secrets: mpn_sec_powm mod p and
 *                             mod q, mpn_sec_div_r by p, mpn_sec_mul; memcheck must report it
 *
 * Both check every result against mpz_powm(c, d, n) outside the marked region.
 * scripts/ctgrind.sh builds and runs it. The kernel is included as source so that the driver can
 * reach the key's private layout (its block of secrets). */
#include <gmp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <valgrind/memcheck.h>

#include "gmp_private_crt.c"

#define SECRET(p, len) VALGRIND_MAKE_MEM_UNDEFINED((p), (len))
#define PUBLIC(p, len) VALGRIND_MAKE_MEM_DEFINED((p), (len))

static void to_limbs(mp_limb_t *out, mp_size_t n, const mpz_t v) {
    memset(out, 0, (size_t)n * sizeof *out);
    mpz_export(out, NULL, -1, sizeof *out, 0, 0, v);
}

/* a b mod n on fixed-size limbs with mpn_sec_mul and mpn_sec_div_r by the PUBLIC n, as
 * XSigBigInt's secureProduct does: XSigRSA's blinding and unblinding. */
static void sec_mulmod(mp_limb_t *out, const mp_limb_t *a, const mp_limb_t *b, const mp_limb_t *n, mp_size_t nn) {
    mp_limb_t prod[2 * nn];
    mp_size_t itch = mpn_sec_mul_itch(nn, nn), it2 = mpn_sec_div_r_itch(2 * nn, nn);
    mp_limb_t tp[itch > it2 ? itch : it2];
    mpn_sec_mul(prod, a, nn, b, nn, tp);
    mpn_sec_div_r(prod, 2 * nn, n, nn, tp);
    memcpy(out, prod, (size_t)nn * sizeof *out);
}

/* The code this kernel replaced (SecretExponentiator.applyCRT before it), verbatim in C. */
static void old_crt(mp_limb_t *out, const mp_limb_t *c, mp_size_t nn, const mp_limb_t *p, mp_size_t pn, mp_bitcnt_t pbits,
                    const mp_limb_t *q, mp_size_t qn, mp_bitcnt_t qbits, const mp_limb_t *dp, const mp_limb_t *dq,
                    const mp_limb_t *qinv) {
    mp_size_t wide = pn + qn, big = pn > qn ? pn : qn, small = pn > qn ? qn : pn;
    mp_size_t pieces[] = {mpn_sec_powm_itch(nn, pbits, pn), mpn_sec_powm_itch(nn, qbits, qn), mpn_sec_div_r_itch(qn, pn),
                          mpn_sec_mul_itch(pn, pn), mpn_sec_div_r_itch(2 * pn, pn), mpn_sec_mul_itch(big, small)};
    mp_size_t itch = 0;
    for (int i = 0; i < 6; i++) if (pieces[i] > itch) itch = pieces[i];
    mp_limb_t *m1 = calloc((size_t)(pn + qn + big + pn + 2 * pn + 2 * wide + itch), sizeof *m1);
    mp_limb_t *m2 = m1 + pn, *m2p = m2 + qn, *diff = m2p + big, *prod = diff + pn, *m = prod + 2 * pn, *m2w = m + wide, *tp = m2w + wide;
    mpn_sec_powm(m1, c, nn, dp, pbits, p, pn, tp);
    mpn_sec_powm(m2, c, nn, dq, qbits, q, qn, tp);
    memcpy(m2p, m2, (size_t)qn * sizeof *m2p);
    if (qn >= pn) mpn_sec_div_r(m2p, qn, p, pn, tp);
    else memset(m2p + qn, 0, (size_t)(pn - qn) * sizeof *m2p);
    mp_limb_t borrow = mpn_sub_n(diff, m1, m2p, pn);
    mpn_cnd_add_n(borrow, diff, diff, p, pn);
    mpn_sec_mul(prod, diff, pn, qinv, pn, tp);
    mpn_sec_div_r(prod, 2 * pn, p, pn, tp);
    if (qn >= pn) mpn_sec_mul(m, q, qn, prod, pn, tp);
    else mpn_sec_mul(m, prod, pn, q, qn, tp);
    memcpy(m2w, m2, (size_t)qn * sizeof *m2w);
    memset(m2w + qn, 0, (size_t)pn * sizeof *m2w);
    mpn_add_n(m, m, m2w, wide);
    memcpy(out, m, (size_t)nn * sizeof *out);
    free(m1);
}

static void prime(mpz_t p, unsigned bits, const mpz_t e, gmp_randstate_t rng, mpz_t t) {
    do {
        mpz_urandomb(p, rng, bits); mpz_setbit(p, bits - 1); mpz_setbit(p, bits - 2); mpz_nextprime(p, p);
        mpz_sub_ui(t, p, 1); mpz_gcd(t, t, e);
    } while (mpz_cmp_ui(t, 1) != 0 || mpz_sizeinbase(p, 2) != bits);
}

#define CIPHERTEXTS 2

/* One key of `bits` bits, used both ways round (p the smaller prime, then the larger). */
static int run(int old, unsigned bits, gmp_randstate_t rng) {
    mpz_t a, b, n, e, d, t, c, r, ri, want;
    mpz_inits(a, b, n, e, d, t, c, r, ri, want, NULL);
    mpz_set_ui(e, 65537);
    do { prime(a, bits / 2, e, rng, t); prime(b, bits - bits / 2, e, rng, t); mpz_mul(n, a, b); }
    while (mpz_sizeinbase(n, 2) != bits || mpz_cmp(a, b) == 0);
    mpz_sub_ui(t, a, 1); mpz_sub_ui(d, b, 1); mpz_mul(t, t, d);
    mpz_invert(d, e, t);
    const mp_size_t nn = (mp_size_t)mpz_size(n);
    mp_limb_t nl[nn];
    to_limbs(nl, nn, n);
    int ok = 1;
    for (int order = 0; order < 2; order++) {
        mpz_t p, q, dp, dq, qi;
        mpz_inits(p, q, dp, dq, qi, NULL);
        if (order == 0) { mpz_set(p, a); mpz_set(q, b); } else { mpz_set(p, b); mpz_set(q, a); }
        mpz_sub_ui(t, p, 1); mpz_mod(dp, d, t);
        mpz_sub_ui(t, q, 1); mpz_mod(dq, d, t);
        mpz_invert(qi, q, p);
        const mp_size_t pn = (mp_size_t)mpz_size(p), qn = (mp_size_t)mpz_size(q);
        /* one block for the members: p | q | dp | dq | qinv, as the Swift side hands them over */
        mp_limb_t *members = calloc((size_t)(3 * pn + 2 * qn), sizeof *members);
        mp_limb_t *pl = members, *ql = pl + pn, *dpl = ql + qn, *dql = dpl + pn, *qil = dql + qn;
        to_limbs(pl, pn, p); to_limbs(ql, qn, q); to_limbs(dpl, pn, dp); to_limbs(dql, qn, dq); to_limbs(qil, pn, qi);
        xsig_gmp_crt_key *key = old ? NULL : xsig_gmp_crt_key_new(pl, pn, ql, qn, dpl, dql, qil, nn);
        if (!old && key == NULL) { printf("%u bits: key refused\n", bits); return 1; }
        mp_limb_t *scratch = old ? NULL : calloc(xsig_gmp_crt_scratch_limbs(key), sizeof *scratch);

        mp_limb_t cl[CIPHERTEXTS][nn], fac[CIPHERTEXTS][nn], inv[CIPHERTEXTS][nn], wantl[CIPHERTEXTS][nn];
        mp_limb_t blinded[nn], m[nn], out[CIPHERTEXTS][nn];
        for (int i = 0; i < CIPHERTEXTS; i++) {
            /* a random c, and one that is a multiple of p (c = 0 mod p: m1 = 0) */
            if (i == 0) mpz_urandomm(c, rng, n); else { mpz_urandomm(c, rng, q); mpz_mul(c, c, p); }
            to_limbs(cl[i], nn, c);
            mpz_powm(want, c, d, n);
            to_limbs(wantl[i], nn, want);
            do { mpz_urandomm(r, rng, n); } while (!mpz_invert(ri, r, n));
            to_limbs(inv[i], nn, ri);
            mpz_powm(r, r, e, n);
            to_limbs(fac[i], nn, r);
        }

        /* ---- everything secret from here ---- */
        SECRET(members, (3 * pn + 2 * qn) * sizeof *members);
        if (key != NULL) SECRET(key->block, key->block_limbs * sizeof *key->block);
        SECRET(cl, sizeof cl); SECRET(fac, sizeof fac); SECRET(inv, sizeof inv);
        for (int i = 0; i < CIPHERTEXTS; i++) {
            sec_mulmod(blinded, cl[i], fac[i], nl, nn);
            if (old) old_crt(m, blinded, nn, pl, pn, mpz_sizeinbase(p, 2), ql, qn, mpz_sizeinbase(q, 2), dpl, dql, qil);
            else xsig_gmp_crt(key, m, blinded, scratch);
            sec_mulmod(out[i], m, inv[i], nl, nn);
        }
        /* ---- the caller publishes the result (after its constant-time padding check) ---- */
        PUBLIC(out, sizeof out);
        int same = memcmp(out, wantl, sizeof out) == 0;
        printf("%s %u-bit key, p %zu bits (%ld limbs) %s q %zu bits (%ld limbs): %d ciphertexts (random, multiple of p) %s\n",
               old ? "old mpn_sec_powm path:" : "xsig_gmp_crt:", bits, mpz_sizeinbase(p, 2), (long)pn,
               mpz_cmp(p, q) > 0 ? ">" : "<", mpz_sizeinbase(q, 2), (long)qn, CIPHERTEXTS,
               same ? "all equal to mpz_powm" : "WRONG RESULT");
        ok &= same;
        free(scratch);
        xsig_gmp_crt_key_free(key);
        free(members);
        mpz_clears(p, q, dp, dq, qi, NULL);
    }
    mpz_clears(a, b, n, e, d, t, c, r, ri, want, NULL);
    return ok ? 0 : 1;
}

int main(int argc, char **argv) {
    if (argc < 3 || (strcmp(argv[1], "new") != 0 && strcmp(argv[1], "old") != 0)) {
        fprintf(stderr, "usage: %s new|old BITS...\n", argv[0]);
        return 2;
    }
    gmp_randstate_t rng;
    gmp_randinit_default(rng);
    gmp_randseed_ui(rng, 12);
    int rc = 0;
    for (int i = 2; i < argc; i++) rc |= run(strcmp(argv[1], "old") == 0, (unsigned)atoi(argv[i]), rng);
    gmp_randclear(rng);
    return rc;
}
