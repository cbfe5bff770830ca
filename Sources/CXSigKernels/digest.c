// Measured on the project machine (AMD EPYC, OpenSSL 3.0.19), one 36-octet MGF1 block of
// SHA-256 (benchmarks/digest/sha_mgf1_bench.c):
//   SHA256() one-shot                          ~440 ns (OpenSSL 3 routes it through EVP_Q_digest,
//                                                      a provider fetch per call)
//   EVP_Digest(EVP_sha256())                   ~470 ns (implicit fetch + context per call)
//   EVP_MD fetched once + reused EVP_MD_CTX    ~124 ns
//   SHA256_Init/Update/Final, context on stack  ~62 ns
// So the direct entry points are used where libcrypto has them, named here in C with their real
// context types (no dlsym, no guessed sizes); OpenSSL 3 marks them deprecated, hence the
// suppression below. A libcrypto built with no-deprecated gets the fetched EVP_MD and a
// per-thread reused EVP_MD_CTX.
#define OPENSSL_SUPPRESS_DEPRECATED
#include "xsig_digest.h"
#include "xsig_wipe.h"

#include <pthread.h>
#include <openssl/evp.h>
#include <openssl/sha.h>

static const char *const names[5] = {"SHA1", "SHA224", "SHA256", "SHA384", "SHA512"};
static EVP_MD *fetched[5];
static pthread_once_t fetch_once = PTHREAD_ONCE_INIT;
static _Thread_local EVP_MD_CTX *thread_context;

static void fetch_all(void) {
    for (int i = 0; i < 5; i++) fetched[i] = EVP_MD_fetch(NULL, names[i], NULL);
}

static int evp_digest2(int algorithm, const void *a, size_t a_len, const void *b, size_t b_len, unsigned char *out) {
    pthread_once(&fetch_once, fetch_all);
    if (fetched[algorithm] == NULL) return 0;
    if (thread_context == NULL && (thread_context = EVP_MD_CTX_new()) == NULL) return 0;
    unsigned int length = 0;
    int ok = EVP_DigestInit_ex2(thread_context, fetched[algorithm], NULL);
    if (ok == 1 && a_len > 0) ok = EVP_DigestUpdate(thread_context, a, a_len);
    if (ok == 1 && b_len > 0) ok = EVP_DigestUpdate(thread_context, b, b_len);
    if (ok == 1) ok = EVP_DigestFinal_ex(thread_context, out, &length);
    return ok == 1;
}

#if !defined(OPENSSL_NO_DEPRECATED_3_0)
#define DIRECT(CTX, INIT, UPDATE, FINAL)                           \
    do {                                                           \
        CTX c;                                                     \
        int ok = INIT(&c);                                         \
        if (ok == 1 && a_len > 0) ok = UPDATE(&c, a, a_len);       \
        if (ok == 1 && b_len > 0) ok = UPDATE(&c, b, b_len);       \
        if (ok == 1) ok = FINAL(out, &c);                          \
        xsig_wipe(&c, sizeof c);                                   \
        return ok == 1;                                            \
    } while (0)

static int direct_digest2(int algorithm, const void *a, size_t a_len, const void *b, size_t b_len, unsigned char *out) {
    switch (algorithm) {
    case XSIG_SHA1: DIRECT(SHA_CTX, SHA1_Init, SHA1_Update, SHA1_Final);
    case XSIG_SHA224: DIRECT(SHA256_CTX, SHA224_Init, SHA224_Update, SHA224_Final);
    case XSIG_SHA256: DIRECT(SHA256_CTX, SHA256_Init, SHA256_Update, SHA256_Final);
    case XSIG_SHA384: DIRECT(SHA512_CTX, SHA384_Init, SHA384_Update, SHA384_Final);
    case XSIG_SHA512: DIRECT(SHA512_CTX, SHA512_Init, SHA512_Update, SHA512_Final);
    default: return 0;
    }
}

int xsig_digest_direct_available(void) { return 1; }
#else
int xsig_digest_direct_available(void) { return 0; }
#endif

int xsig_digest2(int algorithm, int direct, const void *a, size_t a_len, const void *b, size_t b_len,
                 unsigned char *out) {
    if (algorithm < 0 || algorithm > 4) return 0;
#if !defined(OPENSSL_NO_DEPRECATED_3_0)
    if (direct) return direct_digest2(algorithm, a, a_len, b, b_len, out);
#endif
    return evp_digest2(algorithm, a, a_len, b, b_len, out);
}
