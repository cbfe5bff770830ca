// The C kernels under XSigBigInt and XSigRSA, one header per job.
#include "xsig_digest.h"
#include "xsig_gmp_private.h"
#include "xsig_lanes.h"
#include "xsig_openssl_keys.h"
#include "xsig_os_random.h"
#include "xsig_rsaep.h"
#include "xsig_wipe.h"
