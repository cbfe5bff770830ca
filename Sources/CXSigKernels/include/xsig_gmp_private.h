// RSADP's CRT exponentiation (RFC 8017 section 5.1.2, step 2b) for XSigBigInt's
// SecretExponentiator: constant-time Montgomery arithmetic on GMP's mpn layer, with no division
// by a secret prime, no table indexed by secret data and no branch on it (gmp_private_crt.c).
#ifndef XSIG_GMP_PRIVATE_H
#define XSIG_GMP_PRIVATE_H

#include <stddef.h>

#include "xsig_rsaep.h"   /* xsig_limb_t */

/// The per-key constants of both halves (primes, exponents, -p^-1 mod 2^64, R mod p and the
/// Montgomery entry constants, qInv R mod p), in one allocation that is wiped when freed.
typedef struct xsig_gmp_crt_key xsig_gmp_crt_key;

/// Key set-up (once per key; NOT constant time: it derives the constants with mpz arithmetic).
/// p: pn limbs, q: qn limbs, both odd with a nonzero top limb; dp: pn limbs (dp < p), dq: qn
/// limbs (dq < q), qinv: pn limbs (qInv < p); nn: the limb count of n = p q, the size of the
/// inputs and outputs. Returns NULL on impossible sizes or when memory runs out. The members'
/// ranges and p q == n are the caller's checks (XSigBigInt's SecretExponentiator).
xsig_gmp_crt_key *xsig_gmp_crt_key_new(const xsig_limb_t *p, long pn, const xsig_limb_t *q, long qn,
                                       const xsig_limb_t *dp, const xsig_limb_t *dq, const xsig_limb_t *qinv,
                                       long nn);

/// Wipes and frees the key (NULL is fine).
void xsig_gmp_crt_key_free(xsig_gmp_crt_key *key);

/// Limbs of scratch that xsig_gmp_crt needs (depends on the sizes only).
size_t xsig_gmp_crt_scratch_limbs(const xsig_gmp_crt_key *key);

/// out = c^d mod n by CRT: m1 = c^dp mod p, m2 = c^dq mod q, h = (m1 - m2) qInv mod p,
/// m = m2 + q h. c and out have nn limbs (c is any nn-limb value; out < n). Time and memory
/// accesses depend on pn, qn and nn only. scratch: xsig_gmp_crt_scratch_limbs(key) limbs, wiped
/// before returning.
void xsig_gmp_crt(const xsig_gmp_crt_key *key, xsig_limb_t *out, const xsig_limb_t *c, xsig_limb_t *scratch);

#endif
