#include "xsig_os_random.h"

#include <errno.h>
#include <unistd.h>
#if defined(__linux__) || defined(__APPLE__)
#include <sys/random.h> // getrandom on Linux; getentropy's declaration on Darwin
#endif

int xsig_os_random(void *p, size_t count) {
    unsigned char *out = p;
    while (count > 0) {
#if defined(__linux__)
        ssize_t n = getrandom(out, count, 0);
#else
        size_t step = count < 256 ? count : 256; // getentropy's limit per call
        ssize_t n = getentropy(out, step) == 0 ? (ssize_t)step : -1;
#endif
        if (n < 0) {
            if (errno == EINTR) continue;
            return -1;
        }
        out += n;
        count -= (size_t)n;
    }
    return 0;
}
