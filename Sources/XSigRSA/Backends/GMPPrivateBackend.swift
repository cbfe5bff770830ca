import XSigBigInt

/// RSADP on GMP: base blinding, the CRT exponentiation of ``SecretExponentiator`` on GMP's
/// side-channel-silent `mpn_sec` functions, and a check of the result before unblinding.
/// Padding is xsig's own (``PKCS1v15Decoding``, ``OAEPDecoding``).
final class GMPPrivateBackend: RSADecryptionBackend, @unchecked Sendable {
    let modulus: GMPInteger
    let publicExponent: GMPInteger
    let modulusOctets: Int
    let exponentiator: SecretExponentiator
    /// x^e mod n with the per-key Montgomery engine of the encryptor, for the fault check.
    let publicOperation: MontgomeryExponentiator
    let blinding: BlindingPool

    init(key: RSAPrivateKey) throws {
        modulus = key.publicKey.modulusInteger
        publicExponent = key.publicKey.exponentInteger
        modulusOctets = key.modulusOctets
        let made: SecretExponentiator?
        if let crt = key.crt {
            made = SecretExponentiator(modulus: modulus, p: crt.p, q: crt.q, dp: crt.dp, dq: crt.dq, qInv: crt.qInv)
        } else {
            made = SecretExponentiator(modulus: modulus, privateExponent: key.d)
        }
        guard let made else { throw XSigError(.invalidKey, "private key members are out of range for the GMP engine") }
        exponentiator = made
        guard let publicOperation = MontgomeryExponentiator(modulus: modulus, exponent: publicExponent) else {
            throw XSigError(.invalidKey, "modulus must be odd and greater than 1")
        }
        self.publicOperation = publicOperation
        blinding = BlindingPool(modulus: modulus, publicExponent: publicExponent)
    }

    func rawDecrypt<R: RandomSource>(_ input: UnsafeRawBufferPointer, random: inout R,
                                     into output: UnsafeMutableRawBufferPointer) throws {
        let c = GMPInteger(bigEndian: input)
        let pair = blinding.take(random: &random)
        let blinded = c.secureProduct(pair.factor, modulo: modulus)
        let blindedMessage = exponentiator.apply(blinded)
        // A fault in one CRT half (glitch, bit flip, corrupt member) would give m^e = c mod one
        // prime only, and gcd(m^e - c, n) would hand out the factor (Boneh-DeMillo-Lipton). So
        // the result is checked before release, on the blinded values, where a timing leak of
        // this public-exponent check says nothing about c or m.
        guard publicOperationMaps(blindedMessage, to: blinded) else {
            throw XSigError(.invalidKey, "RSA private operation failed its consistency check (m^e != c); refusing the result (hardware fault or corrupt key)")
        }
        // Unblind straight into the k output octets: EM never becomes an mpz, whose size would
        // tell how many leading zero octets it has.
        guard blindedMessage.secureProduct(pair.inverse, modulo: modulus, bigEndianInto: output) else {
            throw XSigError(.invalidKey, "RSA private operation produced a value wider than the modulus")
        }
        blinding.giveBack(pair)
    }

    /// Whether x^e mod n == y, for residues x and y.
    private func publicOperationMaps(_ x: GMPInteger, to y: GMPInteger) -> Bool {
        let k = modulusOctets
        return withUnsafeTemporaryAllocation(byteCount: 3 * k, alignment: 8) { scratch in
            defer { scratch.initializeMemory(as: UInt8.self, repeating: 0) }
            let input = UnsafeMutableRawBufferPointer(rebasing: scratch[0..<k])
            let output = UnsafeMutableRawBufferPointer(rebasing: scratch[k..<(2 * k)])
            let expected = UnsafeMutableRawBufferPointer(rebasing: scratch[(2 * k)...])
            guard x.write(bigEndianInto: input), y.write(bigEndianInto: expected),
                  publicOperation.apply(input: UnsafeRawBufferPointer(input), output: output) else { return false }
            return output.elementsEqual(expected)
        }
    }

    func nativeDecrypt(_ ciphertext: UnsafeRawBufferPointer, padding: RSAEncryptionPadding,
                       label: UnsafeRawBufferPointer) throws -> [UInt8]? {
        nil
    }
}
