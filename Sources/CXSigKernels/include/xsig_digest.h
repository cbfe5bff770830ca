// SHA-1/SHA-2 for the OAEP encoder's inner loop (MGF1 blocks and lHash, RFC 8017 B.2.1), with
// no per-call fetch or allocation: see digest.c for the measured choice between OpenSSL's paths.
#ifndef XSIG_DIGEST_H
#define XSIG_DIGEST_H

#include <stddef.h>

/// Algorithm numbers, in XSigRSA's DigestAlgorithm order.
enum { XSIG_SHA1 = 0, XSIG_SHA224 = 1, XSIG_SHA256 = 2, XSIG_SHA384 = 3, XSIG_SHA512 = 4 };

/// 1 when this libcrypto has the direct SHA*_Init/Update/Final entry points (not built with
/// no-deprecated), 0 when xsig_digest2 always takes the EVP path.
int xsig_digest_direct_available(void);

/// out = Hash(a || b) (either part may be empty); out holds the digest length. `direct` = 0
/// forces the EVP path (tests run both). Returns 1, or 0 on an OpenSSL failure.
int xsig_digest2(int algorithm, int direct, const void *a, size_t a_len, const void *b, size_t b_len,
                 unsigned char *out);

#endif
