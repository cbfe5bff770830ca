import XSigBigInt

/// RSAEP on GMP: the per-key Montgomery exponentiator of XSigBigInt. Padding is xsig's own.
struct GMPBackend: RSAEncryptionBackend {
    let exponentiator: MontgomeryExponentiator

    init(key: RSAPublicKey) throws {
        guard let exponentiator = MontgomeryExponentiator(modulus: key.modulusInteger, exponent: key.exponentInteger) else {
            throw XSigError(.invalidKey, "modulus must be odd and greater than 1")
        }
        self.exponentiator = exponentiator
    }

    func rawEncrypt(_ input: UnsafeRawBufferPointer, into output: UnsafeMutableRawBufferPointer) throws -> Bool {
        exponentiator.apply(input: input, output: output)
    }

    func nativeEncrypt(_ message: UnsafeRawBufferPointer, padding: RSAEncryptionPadding,
                       label: UnsafeRawBufferPointer, into output: UnsafeMutableRawBufferPointer) throws -> Bool {
        false
    }
}

/// What GMP library is linked at run time (for benchmark reports).
public enum GMPLibrary {
    public static var version: String { MontgomeryExponentiator.gmpVersion }
}
