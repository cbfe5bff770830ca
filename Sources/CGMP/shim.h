// C bindings for GMP. GMP's public names are macros (mpz_init is __gmpz_init) and its
// function-like macros do not import into Swift, so the few we need are wrapped here.
#ifndef XSIG_CGMP_SHIM_H
#define XSIG_CGMP_SHIM_H

#include <string.h>
#include <gmp.h>

static inline int xsig_mpz_sgn(const __mpz_struct *z) { return mpz_sgn(z); }
static inline int xsig_mpz_odd_p(const __mpz_struct *z) { return mpz_odd_p(z); }
static inline int xsig_mpz_cmp_ui(const __mpz_struct *z, unsigned long v) { return mpz_cmp_ui(z, v); }
static inline size_t xsig_mpz_size(const __mpz_struct *z) { return mpz_size(z); }
static inline const mp_limb_t *xsig_mpz_limbs_read(const __mpz_struct *z) { return mpz_limbs_read(z); }
static inline int xsig_gmp_limb_bits(void) { return GMP_NUMB_BITS; }

// GMP's Montgomery reduction kernels. They are exported by every libgmp since 5.0 but declared
// only in the internal gmp-impl.h; the engine uses them for the per-key Montgomery ladder.
// rp = up / R mod mp with up of 2n limbs (destroyed), invm = -1/m mod B; returns the carry.
mp_limb_t __gmpn_redc_1(mp_ptr rp, mp_ptr up, mp_srcptr mp, mp_size_t n, mp_limb_t invm);
// invm here is the two-limb inverse: -1/m mod B^2.
mp_limb_t __gmpn_redc_2(mp_ptr rp, mp_ptr up, mp_srcptr mp, mp_size_t n, mp_srcptr invm);

// ---------------------------------------------------------------------------------------------
// The RSA public-operation kernel of MontgomeryExponentiator. All arithmetic is GMP's (mpn_sqr,
// mpn_mul_n, mpn_tdiv_qr, mpn_redc_1/2, mpn_sub_n); only the schedule and the octet-string
// conversions live here, in C, so that the loop has no Swift overhead at all.

/// OS2IP of `count` big-endian octets into n little-endian limbs, zero-extended. count <= 8n.
static inline void xsig_mpn_load_be(mp_limb_t *rp, mp_size_t n, const unsigned char *bytes, size_t count) {
    mp_size_t i = 0;
    while (count >= 8 && i < n) {
        unsigned long long v;
        memcpy(&v, bytes + count - 8, 8);
        rp[i++] = (mp_limb_t)__builtin_bswap64(v);
        count -= 8;
    }
    if (count > 0 && i < n) {
        mp_limb_t v = 0;
        for (size_t j = 0; j < count; j++) v = (v << 8) | bytes[j];
        rp[i++] = v;
    }
    while (i < n) rp[i++] = 0;
}

/// I2OSP of n limbs into exactly `count` big-endian octets (limbs beyond count octets must be 0).
static inline void xsig_mpn_store_be(unsigned char *bytes, size_t count, const mp_limb_t *rp, mp_size_t n) {
    mp_size_t i = 0;
    while (count >= 8) {
        unsigned long long v = i < n ? __builtin_bswap64((unsigned long long)rp[i]) : 0;
        memcpy(bytes + count - 8, &v, 8);
        i++;
        count -= 8;
    }
    if (count > 0) {
        mp_limb_t v = i < n ? rp[i] : 0;
        for (size_t j = count; j-- > 0;) { bytes[j] = (unsigned char)v; v >>= 8; }
    }
}

/// Montgomery reduction rp = up / B^n mod m (up: 2n limbs, destroyed), result < B^n.
/// redc = 1: mpn_redc_1 with inv[0] = -1/m mod B; redc = 2: mpn_redc_2 with inv = -1/m mod B^2.
static inline void xsig_mpn_redc(mp_ptr rp, mp_ptr up, mp_srcptr mp, mp_size_t n, const mp_limb_t *inv, int redc) {
    mp_limb_t cy = redc == 2 ? __gmpn_redc_2(rp, up, mp, n, inv) : __gmpn_redc_1(rp, up, mp, n, inv[0]);
    if (cy != 0) mpn_sub_n(rp, rp, mp, n);
}

/// Scratch limbs xsig_mpn_powm_mont needs for an n-limb modulus.
static inline size_t xsig_mpn_powm_mont_itch(mp_size_t n) { return (size_t)(4 * n + 1); }

/// out = x^e mod m for an odd n-limb m (m[n-1] != 0) and x < m (n limbs), by left-to-right
/// square-and-multiply in Montgomery form (R = B^n).
///   ebits: the exponent's bits after its leading one, most significant first, one per octet.
///   r2: R^2 mod m to enter Montgomery form by a product and a reduction, or NULL to enter it
///       by one division (x * B^n) mod m, which costs about half as much.
/// When e is odd and > 1 the last multiplication takes x itself rather than x*R: the Montgomery
/// product (x^(e-1) R)(x)/R = x^e leaves Montgomery form for free, saving the final reduction.
/// scratch: xsig_mpn_powm_mont_itch(n) limbs; the caller wipes it. out may not alias x.
static inline void xsig_mpn_powm_mont(mp_ptr out, mp_srcptr x, mp_srcptr mp, mp_size_t n,
                                      const mp_limb_t *inv, int redc, mp_srcptr r2,
                                      const unsigned char *ebits, size_t ebits_count, mp_ptr scratch) {
    mp_ptr xr = scratch;            /* n limbs: x R mod m */
    mp_ptr prod = scratch + n;      /* 2n limbs: products */
    mp_ptr quot = scratch + 3 * n;  /* n + 1 limbs: the discarded quotient */
    mp_ptr acc = out;
    if (r2 != NULL) {
        mpn_mul_n(prod, x, r2, n);
        xsig_mpn_redc(xr, prod, mp, n, inv, redc);
    } else {
        memset(prod, 0, (size_t)n * sizeof(mp_limb_t));
        memcpy(prod + n, x, (size_t)n * sizeof(mp_limb_t));
        mpn_tdiv_qr(quot, xr, 0, prod, 2 * n, mp, n);
    }
    memcpy(acc, xr, (size_t)n * sizeof(mp_limb_t));
    int plainLast = ebits_count > 0 && ebits[ebits_count - 1] != 0;
    size_t body = plainLast ? ebits_count - 1 : ebits_count;
    for (size_t i = 0; i < body; i++) {
        mpn_sqr(prod, acc, n);
        xsig_mpn_redc(acc, prod, mp, n, inv, redc);
        if (ebits[i]) {
            mpn_mul_n(prod, acc, xr, n);
            xsig_mpn_redc(acc, prod, mp, n, inv, redc);
        }
    }
    if (plainLast) {
        mpn_sqr(prod, acc, n);
        xsig_mpn_redc(acc, prod, mp, n, inv, redc);
        mpn_mul_n(prod, acc, x, n);   /* (x^(e-1) R) * x / R = x^e, < 2m */
        xsig_mpn_redc(acc, prod, mp, n, inv, redc);
    } else {
        memcpy(prod, acc, (size_t)n * sizeof(mp_limb_t));
        memset(prod + n, 0, (size_t)n * sizeof(mp_limb_t));
        xsig_mpn_redc(acc, prod, mp, n, inv, redc);   /* <= m */
    }
    if (mpn_cmp(acc, mp, n) >= 0) mpn_sub_n(acc, acc, mp, n);
}

/// The whole RSAEP for the engine: OS2IP(input) ^ e mod m into `output` (I2OSP, out_count
/// octets), or 0 without writing when input >= m. Scratch lives on this C frame (at most
/// 6n + 1 limbs: 12 KiB for a 16384-bit modulus) so that no call allocates, and is wiped before
/// returning because it holds the encoded message.
static inline int xsig_mpn_rsaep(unsigned char *output, size_t out_count, const unsigned char *input, size_t in_count,
                                 mp_srcptr mp, mp_size_t n, const mp_limb_t *inv, int redc, mp_srcptr r2,
                                 const unsigned char *ebits, size_t ebits_count) {
    mp_limb_t x[n], result[n], scratch[4 * n + 1];
    int ok = 0;
    xsig_mpn_load_be(x, n, input, in_count);
    if (mpn_cmp(x, mp, n) < 0) {
        xsig_mpn_powm_mont(result, x, mp, n, inv, redc, r2, ebits, ebits_count, scratch);
        xsig_mpn_store_be(output, out_count, result, n);
        ok = 1;
    }
    explicit_bzero(x, sizeof x);
    explicit_bzero(result, sizeof result);
    explicit_bzero(scratch, sizeof scratch);
    return ok;
}

/// Clears memory in a way the optimiser may not remove.
static inline void xsig_secure_zero(void *p, size_t count) { explicit_bzero(p, count); }

#endif
