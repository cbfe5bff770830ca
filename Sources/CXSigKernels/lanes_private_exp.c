/* Private half exponentiation for CRT (issue 12): x_i^d mod p on eight lanes, one secret d.
 * Fixed 4-bit windows over all 8*kp bits of d (a length that depends on p only): per window four
 * squarings and one multiply by a table entry chosen in constant time, the same sequence of
 * operations for every d. */
#include <string.h>

#include "lanes_private.h"

/* Layout (rows of 8 digits): table[16N] | x[N] | acc[N] | sel[N] | scratch[2N+2] */
size_t xsig_lanes_private_workspace_bytes(const xsig_lanes_key *half) {
    const size_t N = half->N;
    return ((LANES_WINDOW_ENTRIES + 3) * N + LANES_SCRATCH_ROWS(N)) * LANES * sizeof(uint64_t);
}

/* The window of d at bit position pos (public); d is big-endian, dl bytes. Byte indices
 * depend on pos and dl only. */
static uint64_t window_at(const uint8_t *d, size_t dl, size_t pos) {
    uint64_t v = 0;
    for (size_t b = 0; b < 2; b++) {             /* the window spans at most two bytes */
        size_t byte = pos / 8 + b;
        if (byte < dl) v |= (uint64_t)d[dl - 1 - byte] << (8 * b);
    }
    return (v >> (pos % 8)) & (LANES_WINDOW_ENTRIES - 1);
}

int lanes_private_half_keep(const xsig_lanes_key *half, xsig_lanes_kernel kernel, size_t count,
                            const uint8_t *in, size_t in_len, const uint8_t *d, size_t d_len,
                            uint8_t *out, void *workspace) {
    if (half == NULL || in == NULL || d == NULL || out == NULL || workspace == NULL) return -1;
    if (count < 1 || count > LANES || ((uintptr_t)workspace & 63) != 0) return -1;
    if (d_len == 0 || d_len > half->k) return -1;
    if (in_len == 0 || 8 * in_len > 2 * DIGIT_BITS * half->N) return -1;
    const lanes_ops *ops = lanes_ops_for(kernel);
    if (ops == NULL) return -1;
    lanes_select_fn select = lanes_select_portable;
#if defined(__x86_64__)
    if (kernel == XSIG_LANES_IFMA) select = lanes_select_ifma;
#endif

    const size_t N = half->N, rows = N * LANES;
    uint64_t *table = (uint64_t *)workspace;
    uint64_t *x = table + LANES_WINDOW_ENTRIES * rows, *acc = x + rows, *sel = acc + rows;
    uint64_t *scratch = sel + rows;

    int status = 0;
    uint64_t below = 0xff;
    const int wide = in_len > half->k;
    if (wide) {
        /* c as 2N digits in scratch, x = c / R mod p (< 3p), later x R^3 / R = c R mod p */
        lanes_from_bytes(scratch, 2 * N, in, in_len, count, sel);
        memset(scratch + 2 * rows, 0, 2 * LANES * sizeof(uint64_t));
        ops->reduce_wide(x, half, scratch);
    } else {
        lanes_from_bytes(x, N, in, in_len, count, scratch);
        below = lanes_below_mask(x, half->nb, N);
        LANES_DECLASSIFY(&below, sizeof below);
    }
    if (below != 0xff) {
        memset(out, 0, count * half->k);
        status = -2;
    } else {
        /* table[j] = x^j R mod p, all < 2p: table[0] = R = REDC(R^2), table[1] = AMM(x, R^2)
         * (AMM(c / R, R^3) for whole ciphertexts) */
        ops->redc(table, half->rr, half, scratch);
        ops->amm(table + rows, x, wide ? half->rrr : half->rr, half, scratch);
        for (size_t j = 2; j < LANES_WINDOW_ENTRIES; j++) {
            if (j % 2 == 0) ops->sqr(table + j * rows, table + (j / 2) * rows, half, scratch);
            else ops->amm(table + j * rows, table + (j - 1) * rows, table + rows, half, scratch);
        }
        const size_t windows = (8 * half->k + LANES_WINDOW_BITS - 1) / LANES_WINDOW_BITS;
        size_t w = windows - 1;
        select(acc, table, LANES_WINDOW_ENTRIES, window_at(d, d_len, w * LANES_WINDOW_BITS), N);
        while (w-- > 0) {
            for (int s = 0; s < LANES_WINDOW_BITS; s++) ops->sqr(acc, acc, half, scratch);
            select(sel, table, LANES_WINDOW_ENTRIES, window_at(d, d_len, w * LANES_WINDOW_BITS), N);
            ops->amm(acc, acc, sel, half, scratch);   /* also by table[0] = R: no skipped work */
        }
        ops->redc(acc, acc, half, scratch);
        lanes_reduce_once(acc, half->nb, N);
        lanes_to_bytes(out, half->k, acc, N, count);
    }
    return status;
}

int xsig_lanes_private_half(const xsig_lanes_key *half, xsig_lanes_kernel kernel, size_t count,
                            const uint8_t *in, size_t in_len, const uint8_t *d, size_t d_len,
                            uint8_t *out, void *workspace) {
    int status = lanes_private_half_keep(half, kernel, count, in, in_len, d, d_len, out, workspace);
    if (status != -1) xsig_wipe(workspace, xsig_lanes_private_workspace_bytes(half));
    return status;
}
