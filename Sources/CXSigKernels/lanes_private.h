/* Internal to the private (CRT half) exponentiation. */
#ifndef XSIG_LANES_PRIVATE_H
#define XSIG_LANES_PRIVATE_H

#include "lanes_internal.h"

#define LANES_WINDOW_BITS 5
#define LANES_WINDOW_ENTRIES (1u << LANES_WINDOW_BITS)

typedef void (*lanes_select_fn)(uint64_t *r, const uint64_t *table, size_t entries, uint64_t idx, size_t N);
void lanes_select_portable(uint64_t *r, const uint64_t *table, size_t entries, uint64_t idx, size_t N);
#if defined(__x86_64__)
void lanes_select_ifma(uint64_t *r, const uint64_t *table, size_t entries, uint64_t idx, size_t N);
#endif

#endif
