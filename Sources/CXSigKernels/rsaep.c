// The RSA public-operation kernel. All arithmetic is GMP's (mpn_sqr, mpn_mul_n, mpn_tdiv_qr,
// mpn_redc_1/2, mpn_sub_n); only the schedule and the octet-string conversions live here, in C,
// so that the loop has no Swift overhead at all.
#include "xsig_rsaep.h"
#include "xsig_wipe.h"

#include <string.h>
#include <gmp.h>

// The octet-string conversions move 8 octets per limb, and Swift passes xsig_limb_t.
_Static_assert(GMP_NUMB_BITS == 64 && GMP_NAIL_BITS == 0, "xsig's RSAEP kernel needs 64-bit GMP limbs without nails");
_Static_assert(sizeof(mp_limb_t) == sizeof(xsig_limb_t), "xsig_limb_t must be GMP's mp_limb_t");

// GMP's Montgomery reductions: exported by every libgmp since 5.0 but declared only in the
// internal gmp-impl.h. rp = up / B^n mod mp with up of 2n limbs (destroyed); returns the carry.
// invm is -1/m mod B for redc_1 and the two-limb -1/m mod B^2 for redc_2.
mp_limb_t __gmpn_redc_1(mp_ptr rp, mp_ptr up, mp_srcptr mp, mp_size_t n, mp_limb_t invm);
mp_limb_t __gmpn_redc_2(mp_ptr rp, mp_ptr up, mp_srcptr mp, mp_size_t n, mp_srcptr invm);

/// OS2IP of `count` big-endian octets into n little-endian limbs, zero-extended. count <= 8n.
static void load_be(mp_limb_t *rp, mp_size_t n, const unsigned char *bytes, size_t count) {
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
static void store_be(unsigned char *bytes, size_t count, const mp_limb_t *rp, mp_size_t n) {
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
static inline void redc(mp_ptr rp, mp_ptr up, mp_srcptr mp, mp_size_t n, const mp_limb_t *inv, int kind) {
    mp_limb_t cy = kind == 2 ? __gmpn_redc_2(rp, up, mp, n, inv) : __gmpn_redc_1(rp, up, mp, n, inv[0]);
    if (cy != 0) mpn_sub_n(rp, rp, mp, n);
}

/// out = x^e mod m for x < m, in Montgomery form (R = B^n). When e is odd and > 1 the last
/// multiplication takes x itself rather than x*R: the Montgomery product (x^(e-1) R)(x)/R = x^e
/// leaves Montgomery form for free, saving the final reduction.
/// scratch: 4n + 1 limbs. out may not alias x.
static void powm_mont(mp_ptr out, mp_srcptr x, mp_srcptr mp, mp_size_t n, const mp_limb_t *inv, int kind,
                      mp_srcptr r2, const unsigned char *ebits, size_t ebits_count, mp_ptr scratch) {
    mp_ptr xr = scratch;            /* n limbs: x R mod m */
    mp_ptr prod = scratch + n;      /* 2n limbs: products */
    mp_ptr quot = scratch + 3 * n;  /* n + 1 limbs: the discarded quotient */
    mp_ptr acc = out;
    if (r2 != NULL) {
        mpn_mul_n(prod, x, r2, n);
        redc(xr, prod, mp, n, inv, kind);
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
        redc(acc, prod, mp, n, inv, kind);
        if (ebits[i]) {
            mpn_mul_n(prod, acc, xr, n);
            redc(acc, prod, mp, n, inv, kind);
        }
    }
    if (plainLast) {
        mpn_sqr(prod, acc, n);
        redc(acc, prod, mp, n, inv, kind);
        mpn_mul_n(prod, acc, x, n);   /* (x^(e-1) R) * x / R = x^e, < 2m */
        redc(acc, prod, mp, n, inv, kind);
    } else {
        memcpy(prod, acc, (size_t)n * sizeof(mp_limb_t));
        memset(prod + n, 0, (size_t)n * sizeof(mp_limb_t));
        redc(acc, prod, mp, n, inv, kind);   /* <= m */
    }
    if (mpn_cmp(acc, mp, n) >= 0) mpn_sub_n(acc, acc, mp, n);
}

int xsig_mpn_rsaep(unsigned char *output, size_t out_count, const unsigned char *input, size_t in_count,
                   const xsig_limb_t *m, long n, const xsig_limb_t *inv, int kind, const xsig_limb_t *r2,
                   const unsigned char *ebits, size_t ebits_count) {
    mp_limb_t x[n], result[n], scratch[4 * n + 1];
    int ok = 0;
    load_be(x, n, input, in_count);
    if (mpn_cmp(x, m, n) < 0) {
        powm_mont(result, x, m, n, inv, kind, r2, ebits, ebits_count, scratch);
        store_be(output, out_count, result, n);
        ok = 1;
    }
    xsig_wipe(x, sizeof x);
    xsig_wipe(result, sizeof result);
    xsig_wipe(scratch, sizeof scratch);
    return ok;
}
