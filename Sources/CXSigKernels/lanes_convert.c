/* Bytes <-> 52-bit lane digits (OS2IP / I2OSP, RFC 8017 section 4), the range check and the
 * final subtraction. Every index and branch here depends on k, N and count only, never on the data. */
#include <string.h>

#include "lanes_internal.h"

static inline uint64_t load_be64(const uint8_t *p) {
    uint64_t v;
    memcpy(&v, p, 8);
#if defined(__GNUC__) || defined(__clang__)
#if __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__
    v = __builtin_bswap64(v);
#endif
#else
    v = 0;
    for (int i = 0; i < 8; i++) v = (v << 8) | p[i];
#endif
    return v;
}

static inline void store_be64(uint8_t *p, uint64_t v) {
#if (defined(__GNUC__) || defined(__clang__)) && __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__
    v = __builtin_bswap64(v);
    memcpy(p, &v, 8);
#else
    for (int i = 7; i >= 0; i--) { p[i] = (uint8_t)v; v >>= 8; }
#endif
}

/* OS2IP of k big-endian bytes into w little-endian 64-bit words (w*8 >= k). */
static void be_to_words(uint64_t *words, size_t w, const uint8_t *num, size_t k) {
    size_t full = k / 8;
    for (size_t i = 0; i < full; i++) words[i] = load_be64(num + k - 8 * i - 8);
    for (size_t i = full; i < w; i++) words[i] = 0;
    for (size_t b = 8 * full; b < k; b++) words[full] |= (uint64_t)num[k - 1 - b] << (8 * (b - 8 * full));
}

/* x: N rows of 8 digits; unused lanes (l >= count) get zeros. words: scratch of N+2 words. */
void lanes_from_bytes(uint64_t *x, size_t N, const uint8_t *in, size_t k, size_t count,
                      uint64_t *words) {
    const size_t w = (52 * N + 63) / 64 + 1;
    for (size_t l = 0; l < LANES; l++) {
        if (l < count) be_to_words(words, w, in + l * k, k);
        else for (size_t i = 0; i < w; i++) words[i] = 0;
        for (size_t i = 0; i < N; i++) {
            size_t s = DIGIT_BITS * i, q = s / 64, off = s % 64;
            uint64_t d = words[q] >> off;
            if (off > 64 - DIGIT_BITS) d |= words[q + 1] << (64 - off);
            x[i * LANES + l] = d & DIGIT_MASK;
        }
    }
}

/* I2OSP to k bytes of each of the first count lanes (values < 2^(8k)). */
void lanes_to_bytes(uint8_t *out, size_t k, const uint64_t *x, size_t N, size_t count) {
    const size_t full = k / 8;
    for (size_t l = 0; l < count; l++) {
        uint8_t *num = out + l * k;
        for (size_t wi = 0; wi * 8 < k; wi++) {
            size_t s = 64 * wi, i = s / DIGIT_BITS, off = s % DIGIT_BITS;
            uint64_t v = x[i * LANES + l] >> off;
            if (i + 1 < N) v |= x[(i + 1) * LANES + l] << (DIGIT_BITS - off);
            if (off > 2 * DIGIT_BITS - 64 && i + 2 < N) v |= x[(i + 2) * LANES + l] << (2 * DIGIT_BITS - off);
            if (wi < full) store_be64(num + k - 8 * wi - 8, v);
            else for (size_t b = 8 * wi; b < k; b++, v >>= 8) num[k - 1 - b] = (uint8_t)v;
        }
    }
}

/* Bit l set when lane l of x (normalised digits) is below n: the borrow out of x - n. */
uint64_t lanes_below_mask(const uint64_t *x, const uint64_t *nb, size_t N) {
    uint64_t borrow[LANES] = {0}, mask = 0;
    for (size_t i = 0; i < N; i++)
        for (size_t l = 0; l < LANES; l++)
            borrow[l] = (x[i * LANES + l] - nb[i * LANES + l] - borrow[l]) >> 63;
    for (size_t l = 0; l < LANES; l++) mask |= borrow[l] << l;
    return mask;
}

/* x = x - n where x >= n, else x; x <= n on entry gives x mod n. Mask select, no branch. */
void lanes_reduce_once(uint64_t *x, const uint64_t *nb, size_t N) {
    uint64_t borrow[LANES] = {0}, take[LANES];
    for (size_t i = 0; i < N; i++)
        for (size_t l = 0; l < LANES; l++)
            borrow[l] = (x[i * LANES + l] - nb[i * LANES + l] - borrow[l]) >> 63;
    for (size_t l = 0; l < LANES; l++) { take[l] = borrow[l] - 1; borrow[l] = 0; }  /* all ones when x >= n */
    for (size_t i = 0; i < N; i++)
        for (size_t l = 0; l < LANES; l++) {
            uint64_t t = x[i * LANES + l] - nb[i * LANES + l] - borrow[l];
            borrow[l] = t >> 63;
            x[i * LANES + l] = (x[i * LANES + l] & ~take[l]) | (t & DIGIT_MASK & take[l]);
        }
}
