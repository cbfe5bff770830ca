// A memory wipe the optimiser may not remove, on every C library (glibc's explicit_bzero is
// not portable).
#ifndef XSIG_WIPE_H
#define XSIG_WIPE_H

#include <stddef.h>

/// Sets `count` octets at `p` to zero, after which the compiler must assume they are read.
void xsig_wipe(void *p, size_t count);

#endif
