// C bindings for GMP. GMP's public names are macros (mpz_init is __gmpz_init) and its
// function-like macros do not import into Swift, so the few we need are wrapped here.
#ifndef XSIG_CGMP_SHIM_H
#define XSIG_CGMP_SHIM_H

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

#endif
