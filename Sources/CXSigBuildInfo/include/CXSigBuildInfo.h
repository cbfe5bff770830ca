// What `xsig --version` reports about the build and the libraries this process loaded.
#ifndef XSIG_BUILD_INFO_H
#define XSIG_BUILD_INFO_H

/// The git commit compiled in with -DXSIG_GIT_COMMIT="..." (scripts/release.sh passes it), or ""
/// when the build was given none: a plain `swift build` cannot know it, and says so.
const char *xsig_build_commit(void);

/// GMP's `gmp_version` of the libgmp loaded at run time (not the headers built against).
const char *xsig_loaded_gmp_version(void);

/// OpenSSL_version(OPENSSL_VERSION) of the libcrypto loaded at run time.
const char *xsig_loaded_openssl_version(void);

#endif
