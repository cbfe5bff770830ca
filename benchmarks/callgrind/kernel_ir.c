/* Instruction counts of one RSA public operation (e = 65537), for callgrind:
 *   valgrind --tool=callgrind --callgrind-out-file=/dev/null ./kernel_ir VARIANT BITS ITERATIONS
 * VARIANT: xsig (the shipped kernel: CGMP/shim.h xsig_mpn_rsaep, preferred tuning),
 *          head (the engine before issue 6, replayed in C: R^2 entry, mpn_redc_1, product by xR,
 *          a final reduction to leave Montgomery form, byte-by-byte conversions),
 *          xsig-r2-redc1 (product by R^2 entry, mpn_redc_1), xsig-div-redc1, xsig-div-redc2,
 *          powm (mpz_powm), ossl-bn (BN_mod_exp_mont with a cached Montgomery context),
 *          ossl-evp-raw / ossl-evp-pkcs1 / ossl-evp-oaep (EVP_PKEY_encrypt, context reused).
 * The difference of two runs with different ITERATIONS divided by their difference is the
 * per-operation count, free of set-up. See run.sh. */
#include "../../Sources/CGMP/shim.h"
#include <openssl/bn.h>
#include <openssl/evp.h>
#include <openssl/rsa.h>
#include <openssl/core_names.h>
#include <openssl/param_build.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int main(int argc, char **argv) {
    if (argc < 4) { fprintf(stderr, "usage: %s VARIANT BITS ITERATIONS\n", argv[0]); return 2; }
    const char *variant = argv[1];
    int bits = atoi(argv[2]);
    long iterations = atol(argv[3]);
    int n = bits / 64, k = bits / 8;
    gmp_randstate_t rs; gmp_randinit_default(rs); gmp_randseed_ui(rs, 42);
    mpz_t M, X, E, Y, R; mpz_inits(M, X, E, Y, R, NULL);
    mpz_urandomb(M, rs, bits); mpz_setbit(M, bits - 1); mpz_setbit(M, 0);
    mpz_urandomm(X, rs, M); mpz_clrbit(X, bits - 1); mpz_clrbit(X, bits - 2); mpz_set_ui(E, 65537);
    mp_limb_t m[256], x[256], out[256], r2[256] = {0}, inv[2], scratch[1100];
    for (int i = 0; i < n; i++) { m[i] = mpz_getlimbn(M, i); x[i] = mpz_getlimbn(X, i); }
    mpz_set_ui(R, 1); mpz_mul_2exp(R, R, 128); { mpz_t I; mpz_init(I); mpz_invert(I, M, R); mpz_sub(I, R, I); inv[0] = mpz_getlimbn(I, 0); inv[1] = mpz_getlimbn(I, 1); }
    mpz_set_ui(R, 1); mpz_mul_2exp(R, R, 2 * 64 * n); mpz_mod(R, R, M); for (size_t i = 0; i < mpz_size(R); i++) r2[i] = mpz_getlimbn(R, i);
    unsigned char ebits[16] = {0}; ebits[15] = 1;  /* 65537 = 1 then 0000000000000001 */
    unsigned char nb[512], xb[512], ob[512]; size_t len;
    memset(nb, 0, sizeof nb); mpz_export(nb, &len, 1, 1, 1, 0, M);
    memset(xb, 0, sizeof xb); mpz_export(xb + (k - (mpz_sizeinbase(X, 256))), &len, 1, 1, 1, 0, X);
    unsigned char msg[96]; memset(msg, 'a', sizeof msg);
    int redc = n >= 40 ? 2 : 1;
    long sink = 0;
    if (!strcmp(variant, "head")) {
        mp_limb_t xr[256], acc[256], prod[512];
        for (long it = 0; it < iterations; it++) {
            for (int i = 0; i < n; i++) x[i] = 0;
            for (int i = 0; i < k; i++) x[i >> 3] |= (mp_limb_t)xb[k - 1 - i] << ((i & 7) << 3);
            mpn_mul_n(prod, x, r2, n); xsig_mpn_redc(xr, prod, m, n, inv, 1);
            memcpy(acc, xr, 8 * n);
            for (int b = 0; b < 16; b++) {
                mpn_sqr(prod, acc, n); xsig_mpn_redc(acc, prod, m, n, inv, 1);
                if (ebits[b]) { mpn_mul_n(prod, acc, xr, n); xsig_mpn_redc(acc, prod, m, n, inv, 1); }
            }
            memcpy(prod, acc, 8 * n); memset(prod + n, 0, 8 * n); xsig_mpn_redc(acc, prod, m, n, inv, 1);
            if (mpn_cmp(acc, m, n) >= 0) mpn_sub_n(acc, acc, m, n);
            for (int i = 0; i < k; i++) ob[k - 1 - i] = (unsigned char)(acc[i >> 3] >> ((i & 7) << 3));
            memset(prod, 0, sizeof prod); memset(xr, 0, sizeof xr);
            sink += ob[3];
        }
        memcpy(out, acc, 8 * n);
        mpz_powm(Y, X, E, M); mpz_t Z; mpz_init(Z); mpz_import(Z, n, -1, 8, 0, 0, out);
        if (mpz_cmp(Z, Y)) { fprintf(stderr, "MISMATCH head\n"); return 1; }
    } else if (!strcmp(variant, "xsig")) {
        for (long it = 0; it < iterations; it++) {
            if (!xsig_mpn_rsaep(ob, k, xb, k, m, n, inv, redc, NULL, ebits, 16)) return 1;
            sink += ob[3];
        }
        xsig_mpn_load_be(out, n, ob, k);
        mpz_powm(Y, X, E, M); mpz_t Z; mpz_init(Z); mpz_import(Z, n, -1, 8, 0, 0, out);
        if (mpz_cmp(Z, Y)) { fprintf(stderr, "MISMATCH xsig\n"); return 1; }
    } else if (!strncmp(variant, "xsig", 4)) {
        int div = 1;
        if (!strcmp(variant, "xsig-r2-redc1")) { div = 0; redc = 1; }
        if (!strcmp(variant, "xsig-div-redc1")) { redc = 1; }
        if (!strcmp(variant, "xsig-div-redc2")) { redc = 2; }
        for (long it = 0; it < iterations; it++) {
            xsig_mpn_load_be(x, n, xb, k);
            xsig_mpn_powm_mont(out, x, m, n, inv, redc, div ? NULL : r2, ebits, 16, scratch);
            xsig_mpn_store_be(ob, k, out, n);
            sink += ob[3];
        }
        mpz_powm(Y, X, E, M); mpz_t Z; mpz_init(Z); mpz_import(Z, n, -1, 8, 0, 0, out);
        if (mpz_cmp(Z, Y)) { fprintf(stderr, "MISMATCH\n"); return 1; }
    } else if (!strcmp(variant, "powm")) {
        for (long it = 0; it < iterations; it++) { mpz_powm(Y, X, E, M); sink += mpz_getlimbn(Y, 0) & 1; }
    } else if (!strcmp(variant, "ossl-bn")) {
        BN_CTX *ctx = BN_CTX_new(); BN_MONT_CTX *mc = BN_MONT_CTX_new();
        BIGNUM *bm = BN_bin2bn(nb, k, NULL), *bx = BN_bin2bn(xb, k, NULL), *be = BN_new(), *by = BN_new();
        BN_set_word(be, 65537); BN_MONT_CTX_set(mc, bm, ctx);
        for (long it = 0; it < iterations; it++) { BN_mod_exp_mont(by, bx, be, bm, ctx, mc); sink += BN_is_odd(by); }
    } else {
        OSSL_PARAM_BLD *bld = OSSL_PARAM_BLD_new();
        BIGNUM *bm = BN_bin2bn(nb, k, NULL), *be = BN_new(); BN_set_word(be, 65537);
        OSSL_PARAM_BLD_push_BN(bld, OSSL_PKEY_PARAM_RSA_N, bm); OSSL_PARAM_BLD_push_BN(bld, OSSL_PKEY_PARAM_RSA_E, be);
        OSSL_PARAM *params = OSSL_PARAM_BLD_to_param(bld);
        EVP_PKEY_CTX *fctx = EVP_PKEY_CTX_new_from_name(NULL, "RSA", NULL); EVP_PKEY *pkey = NULL;
        EVP_PKEY_fromdata_init(fctx); EVP_PKEY_fromdata(fctx, &pkey, EVP_PKEY_PUBLIC_KEY, params);
        EVP_PKEY_CTX *ctx = EVP_PKEY_CTX_new_from_pkey(NULL, pkey, NULL); EVP_PKEY_encrypt_init(ctx);
        const unsigned char *in = msg; size_t inlen = sizeof msg;
        if (!strcmp(variant, "ossl-evp-raw")) { EVP_PKEY_CTX_set_rsa_padding(ctx, RSA_NO_PADDING); in = xb; inlen = k; }
        else if (!strcmp(variant, "ossl-evp-oaep")) { EVP_PKEY_CTX_set_rsa_padding(ctx, RSA_PKCS1_OAEP_PADDING); EVP_PKEY_CTX_set_rsa_oaep_md_name(ctx, "SHA256", NULL); EVP_PKEY_CTX_set_rsa_mgf1_md_name(ctx, "SHA256", NULL); if (k < 162) inlen = k - 66; }
        else EVP_PKEY_CTX_set_rsa_padding(ctx, RSA_PKCS1_PADDING);
        for (long it = 0; it < iterations; it++) { size_t ol = sizeof ob; if (EVP_PKEY_encrypt(ctx, ob, &ol, in, inlen) != 1) { fprintf(stderr, "EVP failed\n"); return 1; } sink += ob[3]; }
    }
    printf("%ld\n", sink & 1);
    return 0;
}
