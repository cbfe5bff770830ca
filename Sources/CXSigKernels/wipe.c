#include "xsig_wipe.h"

#include <string.h>

void xsig_wipe(void *p, size_t count) {
    if (p == NULL || count == 0) return;
#if defined(__GNUC__) || defined(__clang__)
    memset(p, 0, count);
    // The empty asm takes p and clobbers memory: the stores above cannot be proven dead.
    __asm__ __volatile__("" : : "r"(p) : "memory");
#else
    volatile unsigned char *v = (volatile unsigned char *)p;
    while (count--) *v++ = 0;
#endif
}
