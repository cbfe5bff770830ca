/* Run-time dispatch: CPUID leaf 7 for AVX512F/IFMA/VL, XGETBV for the OS saving ZMM state. */
#include <stdlib.h>
#include <string.h>

#include "lanes_internal.h"

#if defined(__x86_64__)
#include <cpuid.h>

static int detect_ifma(void) {
    unsigned a, b, c, d;
    if (!__get_cpuid(1, &a, &b, &c, &d)) return 0;
    if (!(c & (1u << 27))) return 0;                 /* OSXSAVE: XGETBV usable */
    if (__get_cpuid_max(0, NULL) < 7) return 0;
    __cpuid_count(7, 0, a, b, c, d);
    const unsigned need = (1u << 16) | (1u << 21) | (1u << 31); /* AVX512F, AVX512IFMA, AVX512VL */
    if ((b & need) != need) return 0;
    unsigned lo, hi;
    __asm__ volatile("xgetbv" : "=a"(lo), "=d"(hi) : "c"(0));
    const unsigned xcr0 = (1u << 1) | (1u << 2) | (1u << 5) | (1u << 6) | (1u << 7); /* SSE, AVX, opmask, ZMM_Hi256, Hi16_ZMM */
    return (lo & xcr0) == xcr0;
}
#endif

int xsig_lanes_ifma_supported(void) {
#if defined(__x86_64__)
    static int cached = -1;
    if (cached < 0) cached = detect_ifma();
    return cached;
#else
    return 0;
#endif
}

int xsig_lanes_kernel_from_env(xsig_lanes_kernel *kernel) {
    const char *v = getenv("XSIG_LANES_KERNEL");
    if (v == NULL || v[0] == 0) {
        *kernel = xsig_lanes_ifma_supported() ? XSIG_LANES_IFMA : XSIG_LANES_PORTABLE;
        return 0;
    }
    if (strcmp(v, "portable") == 0) { *kernel = XSIG_LANES_PORTABLE; return 0; }
    if (strcmp(v, "ifma") == 0 && xsig_lanes_ifma_supported()) { *kernel = XSIG_LANES_IFMA; return 0; }
    return -1;
}
