// C bindings for OpenSSL 3 libcrypto (EVP_PKEY API only; the RSA_* calls are deprecated).
// Only what Swift cannot reach by itself is wrapped here (OPENSSL_free is a macro); the helpers
// that build keys and contexts live in CXSigKernels.
#ifndef XSIG_COPENSSL_SHIM_H
#define XSIG_COPENSSL_SHIM_H

#include <openssl/bio.h>
#include <openssl/bn.h>
#include <openssl/core_names.h>
#include <openssl/crypto.h>
#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/rand.h>
#include <openssl/rsa.h>
#include <openssl/sha.h>
#include <openssl/x509.h>
#include <openssl/opensslv.h>

static inline void xsig_openssl_free(void *p) { OPENSSL_free(p); }

#endif
