/* xsig lanes kernel: eight independent RSA public operations x_i^e mod n under one key.
 *
 * Numbers are held as 52-bit digits, digit-major and lane-minor (uint64_t x[N][8]), so one
 * row is one 512-bit register holding digit i of eight numbers. Two kernels share this layout
 * and the same almost-Montgomery algorithm: AVX-512 IFMA (x86-64, chosen at run time) and a
 * portable C twin that runs everywhere. */
#ifndef XSIG_LANES_H
#define XSIG_LANES_H

#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

typedef enum { XSIG_LANES_PORTABLE = 0, XSIG_LANES_IFMA = 1 } xsig_lanes_kernel;

#define XSIG_LANES_COUNT 8
#define XSIG_LANES_MIN_BITS 1024
#define XSIG_LANES_MAX_BITS 16384
#define XSIG_LANES_MAX_E_BYTES 256

/* 1 when the CPU reports AVX512F, AVX512IFMA and AVX512VL and the OS saves ZMM state. */
int xsig_lanes_ifma_supported(void);

/* Kernel named by XSIG_LANES_KERNEL=ifma|portable, else IFMA when supported, else portable.
 * Returns -1 when the variable asks for ifma on a CPU without it or holds another word. */
int xsig_lanes_kernel_from_env(xsig_lanes_kernel *kernel);

/* Per-key constants, computed once: n digits, k0 = -n^-1 mod 2^52, R^2 mod n, e, N, k. */
typedef struct xsig_lanes_key xsig_lanes_key;

/* n and e big-endian (leading zero bytes allowed); n odd, 1024..16384 bits; e odd, >= 3,
 * at most 2048 bits. Returns NULL on bad input or allocation failure. Uses GMP once for
 * R^2 mod n. */
xsig_lanes_key *xsig_lanes_key_new(const uint8_t *n, size_t n_len, const uint8_t *e, size_t e_len);
void xsig_lanes_key_free(xsig_lanes_key *key);

/* k: the modulus length in bytes (RFC 8017 section 2). */
size_t xsig_lanes_modulus_bytes(const xsig_lanes_key *key);
/* Digits of 52 bits per number, N = ceil((bits + 2) / 52). */
size_t xsig_lanes_digits(const xsig_lanes_key *key);
/* Bytes of workspace per call; the caller allocates one per thread, 64-byte aligned. */
size_t xsig_lanes_workspace_bytes(const xsig_lanes_key *key);

/* RSAEP (RFC 8017 section 5.1.1) on count in 1..8 messages.
 * in: count*k bytes, each a big-endian integer < n; out: count*k bytes, big-endian (I2OSP to k).
 * Unused lanes are computed on zeros and discarded. Returns 0; -1 on bad arguments (count,
 * workspace alignment, kernel unsupported); -2 when a representative is not below n (checked
 * in constant time over all lanes; out is then zeroed). Never allocates. in and out may be the
 * same buffer. */
int xsig_lanes_public(const xsig_lanes_key *key, xsig_lanes_kernel kernel, size_t count,
                      const uint8_t *in, uint8_t *out, void *workspace);

/* ---- Private halves (issue 12, first part): x_i^d mod p for the CRT halves of a key ---- */

#define XSIG_LANES_HALF_MIN_BITS 256
#define XSIG_LANES_HALF_MAX_BITS 8192

/* The key object of one CRT half: p (or q) big-endian, odd, 256..8192 bits. No exponent is
 * stored: the secret exponent is an argument of each call. NULL on bad input. Free with
 * xsig_lanes_key_free. */
xsig_lanes_key *xsig_lanes_half_new(const uint8_t *p, size_t p_len);
/* Bytes of workspace for xsig_lanes_private_half (64-byte aligned, one per thread). */
size_t xsig_lanes_private_workspace_bytes(const xsig_lanes_key *half);

/* out_i = in_i^d mod p for count in 1..8 lanes, one secret exponent d for all lanes (d_p or d_q).
 * in: count*in_len bytes, big-endian. With in_len <= kp (kp = xsig_lanes_modulus_bytes(half)) each
 * input must be < p (checked: -2, out zeroed). With kp < in_len <= 13 * xsig_lanes_digits(half)
 * the inputs are ciphertexts c reduced mod p inside the lanes (one wide Montgomery reduction and
 * a product by R^3 mod p); they must be < 2 R p, which holds for c < n = p q whenever
 * q < 2^(52 N_p), e.g. for balanced primes (the caller checks c < n with the public key).
 * d: d_len <= kp bytes, big-endian, any value below 2^(8*kp); out: count*kp bytes.
 * Fixed 4-bit windows over all 8*kp bits of d, table entries chosen by a constant-time scan: no
 * branch and no memory index depends on the inputs or d. Returns 0; -1 on bad arguments; -2 as
 * above. Never allocates; the workspace is wiped before return. */
int xsig_lanes_private_half(const xsig_lanes_key *half, xsig_lanes_kernel kernel, size_t count,
                            const uint8_t *in, size_t in_len, const uint8_t *d, size_t d_len,
                            uint8_t *out, void *workspace);

/* ---- Whole CRT decryption (issue 12): RSADP on 1..8 ciphertexts under one key, blinded ---- */

typedef struct xsig_lanes_private_key xsig_lanes_private_key;

/* Why xsig_lanes_private_key_new returned NULL. */
#define XSIG_LANES_KEY_BAD 1        /* a member missing, empty or longer than its prime */
#define XSIG_LANES_KEY_SIZE 2       /* n outside 1024..16384 bits, a prime outside 256..8192, e even or < 3 */
#define XSIG_LANES_KEY_UNBALANCED 3 /* the primes' sizes differ too much for the in-lane reduction */
#define XSIG_LANES_KEY_MEMORY 4

/* Two-prime key: n, e, p, q, dp, dq, qInv big-endian. The caller has validated the key (p q = n,
 * dp = d mod p-1, ...); this checks lengths only, never branches on the members' values, and
 * keeps its own copy of the secrets (wiped by xsig_lanes_private_key_free). Balanced primes:
 * bits(q) <= 52 N_p and bits(p) <= 52 N_q (N: 52-bit digits of the other prime). NULL on
 * failure, with *reason (may be NULL) set to one of XSIG_LANES_KEY_*. */
xsig_lanes_private_key *xsig_lanes_private_key_new(const uint8_t *n, size_t n_len, const uint8_t *e, size_t e_len,
                                                   const uint8_t *p, size_t p_len, const uint8_t *q, size_t q_len,
                                                   const uint8_t *dp, size_t dp_len, const uint8_t *dq, size_t dq_len,
                                                   const uint8_t *qinv, size_t qinv_len, int *reason);
void xsig_lanes_private_key_free(xsig_lanes_private_key *key);
/* k, octets of n. */
size_t xsig_lanes_private_key_modulus_bytes(const xsig_lanes_private_key *key);
/* Bytes of workspace for xsig_lanes_crt (64-byte aligned, one per thread). */
size_t xsig_lanes_crt_workspace_bytes(const xsig_lanes_private_key *key);
/* Zeroes the workspace of xsig_lanes_crt (which leaves secrets in it: see below). */
void xsig_lanes_crt_workspace_wipe(const xsig_lanes_private_key *key, void *workspace);

/* Puts count blinding pairs into the form xsig_lanes_crt takes: pairs holds count factors
 * A_i = r_i^e mod n (k octets each) followed by their inverses A_i^-1 mod n (count * k more), and
 * each becomes X R mod n in place, R = 2^(52 N) for the N 52-bit digits of n (the public key's
 * lanes Montgomery form). Constant time; uses the workspace of xsig_lanes_crt (same wiping rule).
 * Returns 0, or -1 on bad arguments. */
int xsig_lanes_crt_pairs_to_montgomery(const xsig_lanes_private_key *key, xsig_lanes_kernel kernel, size_t count,
                                       uint8_t *pairs, void *workspace);

/* out_i = c_i^d mod n for count in 1..8 k-octet big-endian c_i < n, each base-blinded:
 * blind holds count factors A_i R mod n (A_i = r_i^e mod n, k octets each) followed by their
 * inverses' A_i^-1 R mod n (count * k more), in Montgomery form (above); the kernel computes
 * c_i A_i mod n, both halves of that in lanes (eight lanes per pass over p, then over q), Garner
 * per lane on mpn_sec functions, m_i^e mod n on the public lanes kernel compared with c_i A_i in
 * constant time, then m_i A_i^-1 mod n; and it replaces each pair by (A_i^2 R, A_i^-2 R) mod n,
 * the pair's next use. All mod n arithmetic is the public key's lanes Montgomery arithmetic (no
 * division).
 * Returns 0 when every lane passed; -3 when some lane failed its check: *faults has bit l set for
 * each failed lane, whose k output octets are zero (the others are correct and checked; a failed
 * lane's pair must not be used again); -2 when some c_i >= n (out zeroed); -1 on bad arguments.
 * Never allocates. The workspace is NOT wiped on return, so that a caller decrypting many groups
 * wipes once: it holds secrets until xsig_lanes_crt_workspace_wipe, which the caller must call
 * before the memory is freed or used for anything else. No branch and no memory index depends
 * on c_i, the pairs, the secrets or m_i, except the two declassified verdicts (range, fault mask). */
int xsig_lanes_crt(const xsig_lanes_private_key *key, xsig_lanes_kernel kernel, size_t count,
                   const uint8_t *in, uint8_t *blind, uint8_t *out, unsigned *faults, void *workspace);

/* TEST BUILDS ONLY (compiled with DEBUG or XSIG_LANES_TEST_HOOKS): the lanes in lane_mask get one
 * bit of m1 flipped in every following xsig_lanes_crt call until called with 0, so that tests can
 * show the fault check catching it. Returns 0, or -1 in builds without the hook (a no-op). */
int xsig_lanes_crt_inject_fault(unsigned lane_mask);

#ifdef __cplusplus
}
#endif
#endif
