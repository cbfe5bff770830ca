// The operating system's CSPRNG, for the octets a process needs before OpenSSL's DRBG is worth
// its set-up (Sources/XSigRSA/Random/RandomSource.swift).
#ifndef XSIG_OS_RANDOM_H
#define XSIG_OS_RANDOM_H

#include <stddef.h>

/// Fills `count` octets at `p` from the kernel: getrandom(2) on Linux (blocking only until the
/// kernel's pool is first seeded, retried on EINTR and short reads), getentropy(3) elsewhere.
/// Returns 0, or -1 with errno set when the kernel cannot supply them.
int xsig_os_random(void *p, size_t count);

#endif
