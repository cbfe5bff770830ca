// MGF1 block hashing (36 octets: a 32-octet seed || 4-octet counter) by the candidate OpenSSL
// paths, for issue 10. Build: gcc -O2 sha_mgf1_bench.c -lcrypto -o sha_mgf1_bench
#define OPENSSL_SUPPRESS_DEPRECATED
#include <openssl/evp.h>
#include <openssl/sha.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

static double now(void) { struct timespec t; clock_gettime(CLOCK_THREAD_CPUTIME_ID, &t); return t.tv_sec + t.tv_nsec / 1e9; }

int main(void) {
    unsigned char in[36], out[64];
    memset(in, 0x5a, sizeof in);
    const int N = 2000000;
    EVP_MD *md = EVP_MD_fetch(NULL, "SHA256", NULL);
    EVP_MD_CTX *ctx = EVP_MD_CTX_new();
    for (int round = 0; round < 3; round++) {
        double t = now();
        for (int i = 0; i < N; i++) { in[0] = (unsigned char)i; SHA256(in, sizeof in, out); }
        double oneshot = (now() - t) / N * 1e9;
        t = now();
        for (int i = 0; i < N; i++) {
            in[0] = (unsigned char)i; unsigned int len;
            EVP_DigestInit_ex2(ctx, md, NULL); EVP_DigestUpdate(ctx, in, 32); EVP_DigestUpdate(ctx, in + 32, 4); EVP_DigestFinal_ex(ctx, out, &len);
        }
        double evp = (now() - t) / N * 1e9;
        t = now();
        for (int i = 0; i < N; i++) {
            in[0] = (unsigned char)i; SHA256_CTX c;
            SHA256_Init(&c); SHA256_Update(&c, in, 32); SHA256_Update(&c, in + 32, 4); SHA256_Final(out, &c);
        }
        double direct = (now() - t) / N * 1e9;
        t = now();
        for (int i = 0; i < N / 10; i++) { in[0] = (unsigned char)i; unsigned int len; EVP_Digest(in, sizeof in, out, &len, EVP_sha256(), NULL); }
        double legacy = (now() - t) / (N / 10) * 1e9;
        printf("round %d: SHA256() one-shot %.0f ns | EVP_MD fetched once + reused EVP_MD_CTX %.0f ns | SHA256_Init/Update/Final (deprecated) %.0f ns | EVP_Digest(EVP_sha256()) %.0f ns\n",
               round, oneshot, evp, direct, legacy);
    }
    printf("%s\n", OpenSSL_version(OPENSSL_VERSION));
    return 0;
}
