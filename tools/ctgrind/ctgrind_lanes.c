/* Constant-time evidence for the lanes private kernel (the ctgrind technique, Adam Langley 2010):
 * every secret - the primes p and q and their lane constants (R^2, R^3 mod p, -p^-1 mod 2^52),
 * dp, dq, qInv, the blinding factor and its inverse, the ciphertexts - is marked undefined with
 * VALGRIND_MAKE_MEM_UNDEFINED, so memcheck reports every conditional branch and every memory
 * address computed from them ("Conditional jump or move depends on uninitialised value(s)",
 * "Use of uninitialised value of size 8"). Only the two verdicts the kernel exists to give
 * (c < n, the fault mask) are declassified, in the kernel itself (-DXSIG_LANES_CTGRIND).
 *
 * Also a correctness check outside the marked region: every lane equals mpz_powm's c^d mod n.
 * Usage: ctgrind_lanes portable|ifma BITS...   (scripts/ctgrind.sh builds and runs it) */
#include <gmp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <valgrind/memcheck.h>

#include "lanes_private.h"

#define SECRET(p, len) VALGRIND_MAKE_MEM_UNDEFINED((p), (len))
#define PUBLIC(p, len) VALGRIND_MAKE_MEM_DEFINED((p), (len))

static void export_k(uint8_t *out, size_t k, const mpz_t v) {
    size_t len = (mpz_sizeinbase(v, 2) + 7) / 8;
    memset(out, 0, k);
    mpz_export(out + k - len, NULL, 1, 1, 0, 0, v);
}

/* The members of a half's key object that derive from the prime. */
static void mark_half(xsig_lanes_key *h) {
    const size_t N = h->N, rows = N * LANES * sizeof(uint64_t);
    SECRET((void *)h->n, N * sizeof(uint64_t));
    SECRET((void *)h->nb, rows);
    SECRET((void *)h->rr, rows);
    SECRET((void *)h->rrr, rows);
    SECRET(&h->k0, sizeof h->k0);
}

/* c * a mod n on fixed-size limbs, as XSigBigInt's secureProduct does (mpn_sec_mul, mpn_sec_div_r):
 * the blinding and unblinding of XSigRSA's lanes backend. */
static void sec_mulmod(uint8_t *out, const uint8_t *a, const uint8_t *b, const mp_limb_t *n, mp_size_t nn, size_t k) {
    mp_limb_t x[nn], y[nn], prod[2 * nn];
    mp_size_t itch = mpn_sec_mul_itch(nn, nn), it2 = mpn_sec_div_r_itch(2 * nn, nn);
    mp_limb_t tp[itch > it2 ? itch : it2];
    memset(x, 0, sizeof x); memset(y, 0, sizeof y);
    for (size_t i = 0; i < k; i++) { x[i / 8] |= (mp_limb_t)a[k - 1 - i] << (8 * (i % 8)); y[i / 8] |= (mp_limb_t)b[k - 1 - i] << (8 * (i % 8)); }
    mpn_sec_mul(prod, x, nn, y, nn, tp);
    mpn_sec_div_r(prod, 2 * nn, n, nn, tp);
    for (size_t i = 0; i < k; i++) out[k - 1 - i] = (uint8_t)(prod[i / 8] >> (8 * (i % 8)));
}

static int run(xsig_lanes_kernel kernel, unsigned bits, gmp_randstate_t rng) {
    mpz_t p, q, n, e, d, dp, dq, qi, t, r, ri;
    mpz_inits(p, q, n, e, d, dp, dq, qi, t, r, ri, NULL);
    mpz_set_ui(e, 65537);
    unsigned pb = bits / 2, qb = bits - bits / 2;
    do {
        do { mpz_urandomb(p, rng, pb); mpz_setbit(p, pb - 1); mpz_setbit(p, pb - 2); mpz_nextprime(p, p); mpz_sub_ui(t, p, 1); mpz_gcd(t, t, e); } while (mpz_cmp_ui(t, 1) != 0 || mpz_sizeinbase(p, 2) != pb);
        do { mpz_urandomb(q, rng, qb); mpz_setbit(q, qb - 1); mpz_setbit(q, qb - 2); mpz_nextprime(q, q); mpz_sub_ui(t, q, 1); mpz_gcd(t, t, e); } while (mpz_cmp_ui(t, 1) != 0 || mpz_sizeinbase(q, 2) != qb);
        mpz_mul(n, p, q);
    } while (mpz_sizeinbase(n, 2) != bits || mpz_cmp(p, q) == 0);
    mpz_sub_ui(t, p, 1); mpz_sub_ui(d, q, 1); mpz_mul(t, t, d);
    mpz_invert(d, e, t);
    mpz_sub_ui(t, p, 1); mpz_mod(dp, d, t);
    mpz_sub_ui(t, q, 1); mpz_mod(dq, d, t);
    mpz_invert(qi, q, p);

    size_t k = (bits + 7) / 8, kp = (pb + 7) / 8, kq = (qb + 7) / 8;
    uint8_t *buf = calloc(1, 12 * k + 8 * k * 8);
    uint8_t *nb = buf, *pbuf = nb + k, *qbuf = pbuf + k, *dpb = qbuf + k, *dqb = dpb + k, *qib = dqb + k;
    uint8_t *in = qib + k, *blinded = in + 8 * k, *out = blinded + 8 * k, *want = out + 8 * k;
    uint8_t *fac = want + 8 * k, *inv = fac + 8 * k, *m = inv + 8 * k;
    uint8_t eb[3] = {1, 0, 1};
    export_k(nb, k, n); export_k(pbuf, kp, p); export_k(qbuf, kq, q);
    export_k(dpb, kp, dp); export_k(dqb, kq, dq); export_k(qib, kp, qi);
    int reason = 0;
    xsig_lanes_private_key *key = xsig_lanes_private_key_new(nb, k, eb, 3, pbuf, kp, qbuf, kq, dpb, kp, dqb, kq, qib, kp, &reason);
    if (key == NULL) { printf("%u bits: key refused (reason %d)\n", bits, reason); return 1; }
    mp_size_t nn = (mp_size_t)((bits + 63) / 64);
    mp_limb_t nl[nn];
    memset(nl, 0, sizeof nl);
    mpz_export(nl, NULL, -1, sizeof(mp_limb_t), 0, 0, n);

    /* eight ciphertexts, blinding pairs A = r^e, A^-1 = r^-1, and the expected c^d mod n */
    for (int l = 0; l < 8; l++) {
        mpz_urandomm(t, rng, n);
        export_k(in + l * k, k, t);
        mpz_powm(m == NULL ? t : t, t, d, n);
        export_k(want + l * k, k, t);
        do { mpz_urandomm(r, rng, n); } while (!mpz_invert(ri, r, n));
        export_k(inv + l * k, k, ri);
        mpz_powm(r, r, e, n);
        export_k(fac + l * k, k, r);
    }
    void *ws = NULL;
    if (posix_memalign(&ws, 64, xsig_lanes_crt_workspace_bytes(key))) return 2;

    /* ---- everything secret from here ---- */
    SECRET(key->block, key->block_bytes - k);          /* p, q, qInv limbs, dp, dq (n stays public) */
    mark_half(key->hp);
    mark_half(key->hq);
    SECRET(in, 8 * k); SECRET(fac, 8 * k); SECRET(inv, 8 * k);
    for (int l = 0; l < 8; l++) sec_mulmod(blinded + l * k, in + l * k, fac + l * k, nl, nn, k);
    unsigned faults = 0;
    int rc = xsig_lanes_crt(key, kernel, 8, blinded, m, &faults, ws);
    for (int l = 0; l < 8; l++) sec_mulmod(out + l * k, m + l * k, inv + l * k, nl, nn, k);
    /* ---- the caller publishes the result (after its constant-time padding check) ---- */
    PUBLIC(out, 8 * k);
    int ok = rc == 0 && faults == 0 && memcmp(out, want, 8 * k) == 0;
    printf("%s %u-bit key (p %u, q %u bits): 8 lanes, xsig_lanes_crt rc %d, faults %#x, %s\n",
           kernel == XSIG_LANES_IFMA ? "ifma" : "portable", bits, pb, qb, rc, faults,
           ok ? "all equal to mpz_powm" : "WRONG RESULT");

    /* the fault path: one lane's m1 corrupted, the lane zeroed and reported, the others intact */
    if (xsig_lanes_crt_inject_fault(1u << 3) == 0) {
        rc = xsig_lanes_crt(key, kernel, 8, blinded, m, &faults, ws);
        xsig_lanes_crt_inject_fault(0);
        PUBLIC(m, 8 * k);
        int zero = 1;
        for (size_t i = 0; i < k; i++) zero &= m[3 * k + i] == 0;
        int fault_ok = rc == -3 && faults == (1u << 3) && zero;
        printf("  injected fault in lane 3: rc %d, faults %#x, lane zeroed: %s\n", rc, faults, fault_ok ? "yes" : "NO");
        ok &= fault_ok;
    }
    free(ws);
    xsig_lanes_private_key_free(key);
    free(buf);
    mpz_clears(p, q, n, e, d, dp, dq, qi, t, r, ri, NULL);
    return ok ? 0 : 1;
}

int main(int argc, char **argv) {
    if (argc < 3) { fprintf(stderr, "usage: %s portable|ifma BITS...\n", argv[0]); return 2; }
    xsig_lanes_kernel kernel = strcmp(argv[1], "ifma") == 0 ? XSIG_LANES_IFMA : XSIG_LANES_PORTABLE;
    if (kernel == XSIG_LANES_IFMA && !xsig_lanes_ifma_supported()) {
        printf("ifma: this CPU (or the emulator running this program) reports no AVX-512 IFMA\n");
        return 3;
    }
    gmp_randstate_t rng;
    gmp_randinit_default(rng);
    gmp_randseed_ui(rng, 12);
    int rc = 0;
    for (int i = 2; i < argc; i++) rc |= run(kernel, (unsigned)atoi(argv[i]), rng);
    gmp_randclear(rng);
    return rc;
}
