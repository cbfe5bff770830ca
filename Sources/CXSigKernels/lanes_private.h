/* Internal to the private (CRT half) exponentiation. */
#ifndef XSIG_LANES_PRIVATE_H
#define XSIG_LANES_PRIVATE_H

#include "lanes_internal.h"

/* 4-bit windows: 16 table entries (20 KB for a 1024-bit prime) stay in a 32 KB L1 data cache,
 * where 5-bit windows' 32 entries did not; measured 5-6% faster for 2048-bit keys on AMD EPYC
 * (benchmarks/RESULTS.md) despite a fifth more multiplies. */
#define LANES_WINDOW_BITS 4
#define LANES_WINDOW_ENTRIES (1u << LANES_WINDOW_BITS)

typedef void (*lanes_select_fn)(uint64_t *r, const uint64_t *table, size_t entries, uint64_t idx, size_t N);
void lanes_select_portable(uint64_t *r, const uint64_t *table, size_t entries, uint64_t idx, size_t N);
#if defined(__x86_64__)
void lanes_select_ifma(uint64_t *r, const uint64_t *table, size_t entries, uint64_t idx, size_t N);
#endif

/* xsig_lanes_private_half that leaves the workspace to its caller's wipe (xsig_lanes_crt). */
int lanes_private_half_keep(const xsig_lanes_key *half, xsig_lanes_kernel kernel, size_t count,
                            const uint8_t *in, size_t in_len, const uint8_t *d, size_t d_len,
                            uint8_t *out, void *workspace);

/* The key of a whole CRT decryption (lanes_private_crt.c); here so that the ctgrind driver can
 * mark its secret members undefined. limbs: p[pn] | q[qn] | qinv[pn], then dp[kp] | dq[kq] | n[k]
 * octets, all in one block. */
#include <gmp.h>
struct xsig_lanes_private_key {
    xsig_lanes_key *pub;     /* n and e: the fault check */
    xsig_lanes_key *hp, *hq; /* the two halves */
    size_t k, kp, kq;        /* octets of n, p, q */
    mp_size_t pn, qn;        /* limbs of p, q */
    mp_limb_t *limbs;        /* p[pn] | q[qn] | qinv[pn] */
    uint8_t *dp, *dq;        /* kp and kq octets, big-endian */
    uint8_t *nbe;            /* k octets of n, big-endian (public) */
    uint64_t *qinv_rows;     /* qInv as N_p rows of 8 digits (64-byte aligned, its own allocation) */
    size_t qinv_rows_bytes;
    size_t itch;             /* mpn_sec scratch limbs */
    size_t block_bytes;
    void *block;             /* one allocation for limbs, dp, dq: wiped on free */
};

#endif
