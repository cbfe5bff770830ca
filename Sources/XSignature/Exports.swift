// The XSignature library is the public face of xsig: it re-exports the RSA layer's keys,
// paddings and encryptor so that callers need a single import.
@_exported import XSigRSA
