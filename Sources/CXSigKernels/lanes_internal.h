/* Internal to the lanes kernel: key layout, kernel table, helpers shared by the files. */
#ifndef XSIG_LANES_INTERNAL_H
#define XSIG_LANES_INTERNAL_H

#include "xsig_lanes.h"
#include "xsig_wipe.h"

#define LANES 8
#define DIGIT_BITS 52
#define DIGIT_MASK ((UINT64_C(1) << DIGIT_BITS) - 1)

struct xsig_lanes_key {
    size_t bits;          /* bit length of n */
    size_t k;             /* bytes of n */
    size_t N;             /* 52-bit digits per number, R = 2^(52N) > 4n */
    uint64_t k0;          /* -n^-1 mod 2^52 */
    const uint64_t *n;    /* N digits, scalar (the IFMA kernel broadcasts them) */
    const uint64_t *nb;   /* N rows of 8: n in every lane */
    const uint64_t *rr;   /* N rows of 8: R^2 mod n in every lane */
    const uint64_t *one;  /* N rows of 8: 1 in every lane */
    const uint64_t *rrr;  /* N rows of 8: R^3 mod n in every lane */
    size_t e_bits;
    uint8_t e[XSIG_LANES_MAX_E_BYTES]; /* big-endian, no leading zero byte */
    size_t e_len;
    void *block;          /* one allocation holding the arrays above */
};

/* Rows of scratch that one multiply or square may use (the workspace holds more). */
#define LANES_SCRATCH_ROWS(N) (2 * (N) + 2)

/* r = a * b / R mod n, almost: inputs < 2n with digits < 2^52, result < 2n, digits < 2^52.
 * r may alias a or b. scratch: LANES_SCRATCH_ROWS(N) rows of 8, 64-byte aligned. */
typedef void (*lanes_amm_fn)(uint64_t *r, const uint64_t *a, const uint64_t *b,
                             const struct xsig_lanes_key *key, uint64_t *scratch);
typedef void (*lanes_sqr_fn)(uint64_t *r, const uint64_t *a,
                             const struct xsig_lanes_key *key, uint64_t *scratch);

typedef void (*lanes_reduce_fn)(uint64_t *r, const struct xsig_lanes_key *key, uint64_t *acc);

typedef struct {
    lanes_amm_fn amm;   /* a * b / R */
    lanes_sqr_fn sqr;   /* a * a / R, cross products once */
    lanes_sqr_fn redc;  /* a / R: leaves the domain; a < 2n gives a result <= n */
    lanes_reduce_fn reduce_wide; /* r = acc / R for a 2N-digit acc (2N+2 rows, clobbered); acc < 2Rn gives r < 3n */
} lanes_ops;

extern const lanes_ops lanes_ops_portable;
#if defined(__x86_64__)
extern const lanes_ops lanes_ops_ifma;
#endif

/* lanes_convert.c */
void lanes_from_bytes(uint64_t *x, size_t N, const uint8_t *in, size_t k, size_t count,
                      uint64_t *words);
void lanes_to_bytes(uint8_t *out, size_t k, const uint64_t *x, size_t N, size_t count);
uint64_t lanes_below_mask(const uint64_t *x, const uint64_t *nb, size_t N);
void lanes_reduce_once(uint64_t *x, const uint64_t *nb, size_t N);

/* The range verdict is the one value derived from the data that the code branches on (it is
 * the RSAEP error). A ctgrind build (-DXSIG_LANES_CTGRIND, run under valgrind memcheck with the
 * secrets marked undefined) declares it public so that any other use of secret data is reported. */
#if defined(XSIG_LANES_CTGRIND)
#include <valgrind/memcheck.h>
#define LANES_DECLASSIFY(p, len) VALGRIND_MAKE_MEM_DEFINED((p), (len))
#else
#define LANES_DECLASSIFY(p, len) ((void)0)
#endif

/* lanes_exp.c: for tests and benchmarks that time one primitive */
const lanes_ops *lanes_ops_for(xsig_lanes_kernel kernel);
/* xsig_lanes_public that leaves the workspace to its caller's wipe (the CRT's fault check). */
int lanes_public_keep(const xsig_lanes_key *key, xsig_lanes_kernel kernel, size_t count,
                      const uint8_t *in, uint8_t *out, void *workspace);

#endif
