// OpenSSL 3 helpers for XSigRSA's OpenSSLKey: key construction from members, generation, member
// export, PEM/DER serialisation and padding set-up, so that Swift only handles opaque pointers
// and byte buffers. The OpenSSL types are declared incompletely here (Swift sees OpaquePointer);
// openssl_keys.c includes the real headers.
#ifndef XSIG_OPENSSL_KEYS_H
#define XSIG_OPENSSL_KEYS_H

#include <stddef.h>

struct evp_pkey_st;
struct evp_pkey_ctx_st;

/// Copies the oldest queued OpenSSL error into buf (NUL-terminated) and clears the queue.
void xsig_openssl_last_error(char *buf, size_t cap);

/// Builds an RSA EVP_PKEY from big-endian members. Private members may be NULL (length 0):
/// with only n and e a public key results; d alone gives a private key without CRT values.
struct evp_pkey_st *xsig_pkey_from_members(
    const unsigned char *n, size_t n_len, const unsigned char *e, size_t e_len,
    const unsigned char *d, size_t d_len,
    const unsigned char *p, size_t p_len, const unsigned char *q, size_t q_len,
    const unsigned char *dp, size_t dp_len, const unsigned char *dq, size_t dq_len,
    const unsigned char *qinv, size_t qinv_len);

/// Generates an RSA key pair of `bits` bits with public exponent e (big-endian bytes).
struct evp_pkey_st *xsig_pkey_generate_rsa(unsigned int bits, const unsigned char *e, size_t e_len);

/// Writes the named BIGNUM parameter (e.g. "n", "e", "d", "rsa-factor1") big-endian into out.
/// Returns its length, 0 when the key lacks it, or -1 when cap is too small.
int xsig_pkey_get_bn(const struct evp_pkey_st *pkey, const char *name, unsigned char *out, size_t cap);

/// Padding selector for xsig_ctx_set_padding.
enum { XSIG_PAD_NONE = 0, XSIG_PAD_PKCS1 = 1, XSIG_PAD_OAEP = 2 };

/// Configures an encrypt/decrypt context. For OAEP, md and mgf1 are digest names ("SHA256")
/// and the label is copied (OpenSSL takes ownership of its own copy).
int xsig_ctx_set_padding(struct evp_pkey_ctx_st *ctx, int padding, const char *md, const char *mgf1,
                         const unsigned char *label, size_t label_len);

/// Serialises a key to PEM: private = 1 gives PKCS#8 "PRIVATE KEY", 0 gives SubjectPublicKeyInfo.
/// Returns a NUL-terminated OpenSSL allocation (free with xsig_openssl_free) or NULL.
char *xsig_pkey_to_pem(struct evp_pkey_st *pkey, int private_key);

/// Serialises a key to DER (private: PKCS#8 PrivateKeyInfo, public: SubjectPublicKeyInfo).
/// Returns the length and sets *out to an OpenSSL allocation (free with xsig_openssl_free).
int xsig_pkey_to_der(struct evp_pkey_st *pkey, int private_key, unsigned char **out);

/// Parses DER SubjectPublicKeyInfo or a DER private key (PKCS#8 or PKCS#1, auto-detected).
struct evp_pkey_st *xsig_pkey_from_der(const unsigned char *der, size_t len, int private_key);

#endif
