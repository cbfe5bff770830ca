// RSAEP (RFC 8017 section 5.1.1) for XSigBigInt's MontgomeryExponentiator: a left-to-right
// square-and-multiply in Montgomery form on GMP's mpn layer, with per-key constants passed in.
#ifndef XSIG_RSAEP_H
#define XSIG_RSAEP_H

#include <stddef.h>

/// One GMP limb. rsaep.c asserts at compile time that this is GMP's mp_limb_t of 64 bits, so
/// the header need not include gmp.h (which CGMP already imports into Swift).
typedef unsigned long xsig_limb_t;

/// OS2IP(input) ^ e mod m into `output` as I2OSP of out_count octets; returns 1, or 0 without
/// writing when input >= m.
///   m: n limbs, odd, m[n-1] != 0.   inv: -1/m mod B (redc = 1) or mod B^2 (redc = 2, n >= 2).
///   r2: R^2 mod m (R = B^n) to enter Montgomery form by a product, or NULL to enter it by one
///       division, which costs about half as much.
///   ebits: the exponent's bits after its leading one, most significant first, one per octet.
/// Scratch lives on this C frame (6n + 1 limbs, 12 KiB for a 16384-bit modulus) so that no call
/// allocates, and is wiped before returning because it holds the encoded message.
int xsig_mpn_rsaep(unsigned char *output, size_t out_count, const unsigned char *input, size_t in_count,
                   const xsig_limb_t *m, long n, const xsig_limb_t *inv, int redc, const xsig_limb_t *r2,
                   const unsigned char *ebits, size_t ebits_count);

#endif
