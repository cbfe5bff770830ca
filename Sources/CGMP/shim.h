// C bindings for GMP. GMP's public names are macros (mpz_init is __gmpz_init) and its
// function-like macros do not import into Swift, so the few we need are wrapped here.
// Algorithms live in CXSigKernels, not here.
#ifndef XSIG_CGMP_SHIM_H
#define XSIG_CGMP_SHIM_H

#include <gmp.h>

static inline int xsig_mpz_sgn(const __mpz_struct *z) { return mpz_sgn(z); }
static inline int xsig_mpz_odd_p(const __mpz_struct *z) { return mpz_odd_p(z); }
static inline int xsig_mpz_cmp_ui(const __mpz_struct *z, unsigned long v) { return mpz_cmp_ui(z, v); }
static inline size_t xsig_mpz_size(const __mpz_struct *z) { return mpz_size(z); }
static inline const mp_limb_t *xsig_mpz_limbs_read(const __mpz_struct *z) { return mpz_limbs_read(z); }
static inline int xsig_gmp_limb_bits(void) { return GMP_NUMB_BITS; }

#endif
