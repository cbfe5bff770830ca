/* The exponent schedule: RSAEP (RFC 8017 section 5.1.1) on eight lanes through a kernel table.
 * e is public, so the square-and-multiply branches on its bits are not a leak. */
#include <string.h>

#include "lanes_internal.h"

const lanes_ops *lanes_ops_for(xsig_lanes_kernel kernel) {
    switch (kernel) {
    case XSIG_LANES_PORTABLE: return &lanes_ops_portable;
#if defined(__x86_64__)
    case XSIG_LANES_IFMA: return xsig_lanes_ifma_supported() ? &lanes_ops_ifma : NULL;
#endif
    default: return NULL;
    }
}

/* acc = x^e mod n for the eight lanes of x (digits < 2^52, x < n); x is overwritten.
 * Left to right over e: e = 65537 = 0x10001 reads as 16 squarings and one multiply. */
static void lanes_exp_public(const lanes_ops *ops, const struct xsig_lanes_key *key,
                             uint64_t *x, uint64_t *acc, uint64_t *scratch) {
    ops->amm(x, x, key->rr, key, scratch);           /* x R mod n: into the domain */
    memcpy(acc, x, key->N * LANES * sizeof(uint64_t)); /* top bit of e */
    for (size_t bit = key->e_bits - 1; bit-- > 0;) {
        ops->sqr(acc, acc, key, scratch);
        if ((key->e[key->e_len - 1 - bit / 8] >> (bit % 8)) & 1)
            ops->amm(acc, acc, x, key, scratch);
    }
    ops->redc(acc, acc, key, scratch);                /* out of the domain (AMM by 1): result <= n */
    lanes_reduce_once(acc, key->nb, key->N);          /* constant time: result < n */
}

/* xsig_lanes_public without the final wipe (its callers inside the kernel wipe once, later). */
int lanes_public_keep(const xsig_lanes_key *key, xsig_lanes_kernel kernel, size_t count,
                      const uint8_t *in, uint8_t *out, void *workspace) {
    if (key == NULL || in == NULL || out == NULL || workspace == NULL) return -1;
    if (count < 1 || count > LANES || ((uintptr_t)workspace & 63) != 0) return -1;
    const lanes_ops *ops = lanes_ops_for(kernel);
    if (ops == NULL) return -1;

    const size_t N = key->N, rows = N * LANES;
    uint64_t *x = (uint64_t *)workspace, *acc = x + rows, *scratch = acc + rows;

    lanes_from_bytes(x, N, in, key->k, count, scratch);
    /* Every lane must hold a representative < n (unused lanes are 0). Only the aggregate
     * verdict is branched on: it is the RSAEP error "message representative out of range". */
    uint64_t below = lanes_below_mask(x, key->nb, N);
    LANES_DECLASSIFY(&below, sizeof below);
    if (below != 0xff) {
        memset(out, 0, count * key->k);
        return -2;
    }
    lanes_exp_public(ops, key, x, acc, scratch);
    lanes_to_bytes(out, key->k, acc, N, count);
    return 0;
}

int xsig_lanes_public(const xsig_lanes_key *key, xsig_lanes_kernel kernel, size_t count,
                      const uint8_t *in, uint8_t *out, void *workspace) {
    int status = lanes_public_keep(key, kernel, count, in, out, workspace);
    if (status != -1) xsig_wipe(workspace, xsig_lanes_workspace_bytes(key));
    return status;
}
