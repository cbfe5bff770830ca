#include "xsig_openssl_keys.h"

#include <string.h>
#include <openssl/bio.h>
#include <openssl/bn.h>
#include <openssl/core_names.h>
#include <openssl/crypto.h>
#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/param_build.h>
#include <openssl/pem.h>
#include <openssl/rsa.h>
#include <openssl/x509.h>

void xsig_openssl_last_error(char *buf, size_t cap) {
    unsigned long code = ERR_get_error();
    if (cap == 0) return;
    if (code == 0) { strncpy(buf, "unknown OpenSSL error", cap - 1); buf[cap - 1] = 0; }
    else { ERR_error_string_n(code, buf, cap); }
    ERR_clear_error();
}

EVP_PKEY *xsig_pkey_from_members(
    const unsigned char *n, size_t n_len, const unsigned char *e, size_t e_len,
    const unsigned char *d, size_t d_len,
    const unsigned char *p, size_t p_len, const unsigned char *q, size_t q_len,
    const unsigned char *dp, size_t dp_len, const unsigned char *dq, size_t dq_len,
    const unsigned char *qinv, size_t qinv_len)
{
    EVP_PKEY *pkey = NULL;
    EVP_PKEY_CTX *ctx = NULL;
    OSSL_PARAM *params = NULL;
    BIGNUM *bn[8] = {0};
    const unsigned char *src[8] = {n, e, d, p, q, dp, dq, qinv};
    size_t len[8] = {n_len, e_len, d_len, p_len, q_len, dp_len, dq_len, qinv_len};
    const char *names[8] = {
        OSSL_PKEY_PARAM_RSA_N, OSSL_PKEY_PARAM_RSA_E, OSSL_PKEY_PARAM_RSA_D,
        OSSL_PKEY_PARAM_RSA_FACTOR1, OSSL_PKEY_PARAM_RSA_FACTOR2,
        OSSL_PKEY_PARAM_RSA_EXPONENT1, OSSL_PKEY_PARAM_RSA_EXPONENT2,
        OSSL_PKEY_PARAM_RSA_COEFFICIENT1 };
    int is_private = d != NULL && d_len > 0;
    int has_crt = is_private && p_len && q_len && dp_len && dq_len && qinv_len;
    int count = has_crt ? 8 : (is_private ? 3 : 2);
    OSSL_PARAM_BLD *bld = OSSL_PARAM_BLD_new();
    if (bld == NULL) goto done;
    for (int i = 0; i < count; i++) {
        bn[i] = BN_bin2bn(src[i], (int)len[i], NULL);
        if (bn[i] == NULL || !OSSL_PARAM_BLD_push_BN(bld, names[i], bn[i])) goto done;
    }
    params = OSSL_PARAM_BLD_to_param(bld);
    if (params == NULL) goto done;
    ctx = EVP_PKEY_CTX_new_from_name(NULL, "RSA", NULL);
    if (ctx == NULL || EVP_PKEY_fromdata_init(ctx) <= 0) goto done;
    if (EVP_PKEY_fromdata(ctx, &pkey, is_private ? EVP_PKEY_KEYPAIR : EVP_PKEY_PUBLIC_KEY, params) <= 0) pkey = NULL;
done:
    for (int i = 0; i < 8; i++) BN_clear_free(bn[i]);
    OSSL_PARAM_free(params);
    OSSL_PARAM_BLD_free(bld);
    EVP_PKEY_CTX_free(ctx);
    return pkey;
}

EVP_PKEY *xsig_pkey_generate_rsa(unsigned int bits, const unsigned char *e, size_t e_len) {
    EVP_PKEY *pkey = NULL;
    BIGNUM *exponent = BN_bin2bn(e, (int)e_len, NULL);
    EVP_PKEY_CTX *ctx = EVP_PKEY_CTX_new_from_name(NULL, "RSA", NULL);
    if (exponent == NULL || ctx == NULL) goto done;
    if (EVP_PKEY_keygen_init(ctx) <= 0) goto done;
    if (EVP_PKEY_CTX_set_rsa_keygen_bits(ctx, (int)bits) <= 0) goto done;
    if (EVP_PKEY_CTX_set1_rsa_keygen_pubexp(ctx, exponent) <= 0) goto done;
    if (EVP_PKEY_generate(ctx, &pkey) <= 0) pkey = NULL;
done:
    BN_free(exponent);
    EVP_PKEY_CTX_free(ctx);
    return pkey;
}

int xsig_pkey_get_bn(const EVP_PKEY *pkey, const char *name, unsigned char *out, size_t cap) {
    BIGNUM *bn = NULL;
    if (!EVP_PKEY_get_bn_param(pkey, name, &bn) || bn == NULL) { ERR_clear_error(); return 0; }
    int len = BN_num_bytes(bn);
    if ((size_t)len > cap) { BN_clear_free(bn); return -1; }
    BN_bn2bin(bn, out);
    BN_clear_free(bn);
    return len;
}

int xsig_ctx_set_padding(EVP_PKEY_CTX *ctx, int padding, const char *md, const char *mgf1,
                         const unsigned char *label, size_t label_len) {
    int mode = padding == XSIG_PAD_NONE ? RSA_NO_PADDING : padding == XSIG_PAD_PKCS1 ? RSA_PKCS1_PADDING : RSA_PKCS1_OAEP_PADDING;
    if (EVP_PKEY_CTX_set_rsa_padding(ctx, mode) <= 0) return 0;
    if (padding != XSIG_PAD_OAEP) return 1;
    if (EVP_PKEY_CTX_set_rsa_oaep_md_name(ctx, md, NULL) <= 0) return 0;
    if (EVP_PKEY_CTX_set_rsa_mgf1_md_name(ctx, mgf1, NULL) <= 0) return 0;
    if (label_len > 0) {
        unsigned char *copy = OPENSSL_malloc(label_len);
        if (copy == NULL) return 0;
        memcpy(copy, label, label_len);
        if (EVP_PKEY_CTX_set0_rsa_oaep_label(ctx, copy, (int)label_len) <= 0) { OPENSSL_free(copy); return 0; }
    }
    return 1;
}

char *xsig_pkey_to_pem(EVP_PKEY *pkey, int private_key) {
    BIO *bio = BIO_new(BIO_s_mem());
    char *result = NULL;
    if (bio == NULL) return NULL;
    int ok = private_key ? PEM_write_bio_PrivateKey(bio, pkey, NULL, NULL, 0, NULL, NULL)
                         : PEM_write_bio_PUBKEY(bio, pkey);
    if (ok) {
        char *data = NULL;
        long len = BIO_get_mem_data(bio, &data);
        result = OPENSSL_malloc((size_t)len + 1);
        if (result != NULL) { memcpy(result, data, (size_t)len); result[len] = 0; }
    }
    BIO_free(bio);
    return result;
}

int xsig_pkey_to_der(EVP_PKEY *pkey, int private_key, unsigned char **out) {
    *out = NULL;
    if (!private_key) return i2d_PUBKEY(pkey, out);
    PKCS8_PRIV_KEY_INFO *p8 = EVP_PKEY2PKCS8(pkey);
    if (p8 == NULL) return -1;
    int len = i2d_PKCS8_PRIV_KEY_INFO(p8, out);
    PKCS8_PRIV_KEY_INFO_free(p8);
    return len;
}

EVP_PKEY *xsig_pkey_from_der(const unsigned char *der, size_t len, int private_key) {
    const unsigned char *p = der;
    return private_key ? d2i_AutoPrivateKey(NULL, &p, (long)len) : d2i_PUBKEY(NULL, &p, (long)len);
}
