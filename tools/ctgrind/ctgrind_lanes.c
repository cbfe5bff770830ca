/* Constant-time evidence for the lanes private kernel (the ctgrind technique, Adam Langley 2010):
 * every secret - the primes p and q and their lane constants (R^2, R^3 mod p, -p^-1 mod 2^52),
 * dp, dq, qInv, the blinding factors and their inverses, the ciphertexts - is marked undefined with
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
    uint8_t *in = qib + k, *out = in + 8 * k, *want = out + 8 * k;
    uint8_t *pairs = want + 8 * k, *next = pairs + 16 * k;   /* A[8] | A^-1[8], and their squares */
    uint8_t eb[3] = {1, 0, 1};
    export_k(nb, k, n); export_k(pbuf, kp, p); export_k(qbuf, kq, q);
    export_k(dpb, kp, dp); export_k(dqb, kq, dq); export_k(qib, kp, qi);
    int reason = 0;
    xsig_lanes_private_key *key = xsig_lanes_private_key_new(nb, k, eb, 3, pbuf, kp, qbuf, kq, dpb, kp, dqb, kq, qib, kp, &reason);
    if (key == NULL) { printf("%u bits: key refused (reason %d)\n", bits, reason); return 1; }
    /* eight ciphertexts, blinding pairs A = r^e, A^-1 = r^-1, and the expected c^d mod n; the
     * kernel keeps pairs in its Montgomery form X R mod n, R = 2^(52 N) */
    mpz_t rm;
    mpz_init(rm);
    mpz_setbit(rm, 52 * key->pub->N);
    mpz_mod(rm, rm, n);
    for (int l = 0; l < 8; l++) {
        mpz_urandomm(t, rng, n);
        export_k(in + l * k, k, t);
        mpz_powm(t, t, d, n);
        export_k(want + l * k, k, t);
        do { mpz_urandomm(r, rng, n); } while (!mpz_invert(ri, r, n));
        export_k(pairs + (8 + l) * k, k, ri);
        mpz_mul(t, ri, ri); mpz_mul(t, t, rm); mpz_mod(t, t, n);      /* A^-2 R */
        export_k(next + (8 + l) * k, k, t);
        mpz_powm(r, r, e, n);
        export_k(pairs + l * k, k, r);
        mpz_mul(t, r, r); mpz_mul(t, t, rm); mpz_mod(t, t, n);        /* A^2 R */
        export_k(next + l * k, k, t);
    }
    void *ws = NULL;
    if (posix_memalign(&ws, 64, xsig_lanes_crt_workspace_bytes(key))) return 2;

    /* ---- everything secret from here ---- */
    SECRET(key->block, key->block_bytes - k);          /* p, q, qInv limbs, dp, dq (n stays public) */
    mark_half(key->hp);
    mark_half(key->hq);
    SECRET(in, 8 * k); SECRET(pairs, 16 * k);
    xsig_lanes_crt_pairs_to_montgomery(key, kernel, 8, pairs, ws);
    unsigned faults = 0;
    int rc = xsig_lanes_crt(key, kernel, 8, in, pairs, out, &faults, ws);
    /* ---- the caller publishes the result (after its constant-time padding check) ---- */
    PUBLIC(out, 8 * k);
    PUBLIC(pairs, 16 * k);   /* only to compare them below */
    int ok = rc == 0 && faults == 0 && memcmp(out, want, 8 * k) == 0;
    int pairs_ok = memcmp(pairs, next, 16 * k) == 0;
    printf("%s %u-bit key (p %u, q %u bits): 8 lanes, xsig_lanes_crt rc %d, faults %#x, %s; pairs squared: %s\n",
           kernel == XSIG_LANES_IFMA ? "ifma" : "portable", bits, pb, qb, rc, faults,
           ok ? "all equal to mpz_powm" : "WRONG RESULT", pairs_ok ? "yes" : "NO");
    ok &= pairs_ok;

    /* the fault path: one lane's m1 corrupted, the lane zeroed and reported, the others intact */
    if (xsig_lanes_crt_inject_fault(1u << 3) == 0) {
        rc = xsig_lanes_crt(key, kernel, 8, in, pairs, out, &faults, ws);
        xsig_lanes_crt_inject_fault(0);
        PUBLIC(out, 8 * k);
        int zero = 1;
        for (size_t i = 0; i < k; i++) zero &= out[3 * k + i] == 0;
        int fault_ok = rc == -3 && faults == (1u << 3) && zero;
        printf("  injected fault in lane 3: rc %d, faults %#x, lane zeroed: %s\n", rc, faults, fault_ok ? "yes" : "NO");
        ok &= fault_ok;
    }
    xsig_lanes_crt_workspace_wipe(key, ws);
    free(ws);
    xsig_lanes_private_key_free(key);
    free(buf);
    mpz_clears(p, q, n, e, d, dp, dq, qi, t, r, ri, rm, NULL);
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
