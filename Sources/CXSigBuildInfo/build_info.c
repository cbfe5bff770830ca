#include "CXSigBuildInfo.h"

#include <gmp.h>
#include <openssl/crypto.h>

#ifndef XSIG_GIT_COMMIT
#define XSIG_GIT_COMMIT ""
#endif

const char *xsig_build_commit(void) { return XSIG_GIT_COMMIT; }

// Both are read from the shared libraries, so they name what the dynamic loader found.
const char *xsig_loaded_gmp_version(void) { return gmp_version; }

const char *xsig_loaded_openssl_version(void) { return OpenSSL_version(OPENSSL_VERSION); }
