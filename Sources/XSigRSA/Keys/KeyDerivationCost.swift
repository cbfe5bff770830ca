import SwiftASN1

/// The work an encrypted PKCS#8 key asks for before its passphrase can even be tried. The
/// iteration count is an unbounded INTEGER chosen by whoever wrote the file, and OpenSSL runs
/// whatever it says: a key file with 2^62 iterations would keep xsig busy for centuries. The
/// count is read from the DER and capped before OpenSSL sees the key.
///
/// The cap, 10^7, is far above what real keys use: OpenSSL 3 writes 2048 iterations
/// (`openssl pkcs8 -topk8`, `openssl genpkey -aes256`), OWASP's 2023 guidance for
/// PBKDF2-HMAC-SHA256 is 600,000, and the heaviest common setting (PBKDF2-HMAC-SHA1 at 1.3
/// million) is under it too; at the cap one decryption costs seconds of CPU, not hours.
///
/// Read (ASN.1 from RFC 8018 appendix A.2 and A.4, RFC 7292 appendix C):
/// - PBES2 `{ keyDerivationFunc AlgorithmIdentifier, encryptionScheme AlgorithmIdentifier }` with
///   PBKDF2 `PBKDF2-params ::= SEQUENCE { salt, iterationCount INTEGER, keyLength INTEGER
///   OPTIONAL, prf AlgorithmIdentifier DEFAULT }`;
/// - PBES1 `PBEParameter ::= SEQUENCE { salt OCTET STRING, iterationCount INTEGER }` and the
///   PKCS#12 schemes' `pkcs-12PbeParams ::= SEQUENCE { salt OCTET STRING, iterations INTEGER }`;
/// - PBES2 with scrypt (RFC 7914 section 7.1) `scrypt-params ::= SEQUENCE { salt OCTET STRING,
///   costParameter INTEGER, blockSize INTEGER, parallelizationParameter INTEGER, keyLength
///   INTEGER OPTIONAL }`. OpenSSL's 32 MiB limit bounds scrypt's memory (128·N·r octets), not
///   its time, which grows with N·r·p: that product is capped at 2^23 (`openssl pkcs8 -scrypt`
///   writes N = 16384, r = 8, p = 1, that is 2^17; about 3 s of CPU at the cap).
/// A PBES2 key-derivation function other than these two is refused; other top-level schemes are
/// left to OpenSSL, which refuses what it does not know.
enum KeyDerivationCost {
    static let maximumIterations = 10_000_000
    static let maximumScryptWork = 1 << 23

    static let pbes2 = try! ASN1ObjectIdentifier(dotRepresentation: "1.2.840.113549.1.5.13")
    static let pbkdf2 = try! ASN1ObjectIdentifier(dotRepresentation: "1.2.840.113549.1.5.12")
    static let scrypt = try! ASN1ObjectIdentifier(dotRepresentation: "1.3.6.1.4.1.11591.4.11")
    /// Arcs under which PBES1 (pkcs-5 1, 3, 4, 6, 10, 11) and the PKCS#12 PBE schemes sit.
    static let pkcs5 = [1, 2, 840, 113549, 1, 5]
    static let pkcs12PBE = [1, 2, 840, 113549, 1, 12, 1]

    /// The work a key derivation asks for.
    enum Work: Equatable {
        /// PBKDF2, PBES1 and PKCS#12: the iteration count.
        case iterations(Int)
        /// scrypt: N·r·p (Int.max when it overflows).
        case scrypt(Int)
    }

    /// Throws when the key's iteration count is over ``maximumIterations``, its scrypt work over
    /// ``maximumScryptWork``, or either cannot be read.
    static func check(_ info: EncryptedPrivateKeyInfo) throws {
        switch try work(info.algorithm) {
        case .iterations(let iterations) where iterations > maximumIterations:
            throw XSigError(.invalidKey,
                "the encrypted PKCS#8 key asks for \(iterations) key-derivation iterations, over xsig's cap of \(maximumIterations) (real keys use 2048 to about 10^6); re-encrypt it, e.g. openssl pkcs8 -topk8 -in FILE -out new.pem")
        case .scrypt(let work) where work > maximumScryptWork:
            throw XSigError(.invalidKey,
                "the encrypted PKCS#8 key's scrypt parameters ask for N·r·p = \(work == Int.max ? "over 2^62" : String(work)), over xsig's cap of \(maximumScryptWork) (openssl pkcs8 -scrypt writes 131072); re-encrypt it, e.g. openssl pkcs8 -topk8 -in FILE -out new.pem")
        default:
            return
        }
    }

    /// The work of a PBES2 (PBKDF2 or scrypt), PBES1 or PKCS#12 scheme, the PBES2 parameters
    /// parsed once; nil for other top-level schemes (OpenSSL refuses what it does not know).
    static func work(_ algorithm: AlgorithmIdentifier) throws -> Work? {
        let arcs = Array(algorithm.algorithm.oidComponents)
        do {
            if algorithm.algorithm == pbes2 {
                guard let parameters = algorithm.parameters else { throw malformed }
                let (kdf, _) = try DER.sequence(try DER.parse(parameters.derBytes), identifier: .sequence) { nodes in
                    (try AlgorithmIdentifier(derEncoded: &nodes), try AlgorithmIdentifier(derEncoded: &nodes))
                }
                guard kdf.algorithm == pbkdf2 || kdf.algorithm == scrypt else {
                    throw XSigError(.invalidKey, "the encrypted PKCS#8 key uses a key-derivation function xsig does not know (\(kdf.algorithm)); PBKDF2 and scrypt are read")
                }
                guard let kdfParameters = kdf.parameters else { throw malformed }
                return kdf.algorithm == scrypt ? .scrypt(try scryptProduct(kdfParameters)) : .iterations(try saltThenCount(kdfParameters))
            }
            let underPKCS5 = arcs.count == pkcs5.count + 1 && arcs.starts(with: pkcs5.map(UInt.init))
            let underPKCS12 = arcs.count == pkcs12PBE.count + 1 && arcs.starts(with: pkcs12PBE.map(UInt.init))
            guard underPKCS5 || underPKCS12, let parameters = algorithm.parameters else { return nil }
            return .iterations(try saltThenCount(parameters))
        } catch let error as XSigError {
            throw error
        } catch {
            throw malformed
        }
    }

    /// `scrypt-params ::= SEQUENCE { salt, N, r, p, keyLength OPTIONAL }`: N·r·p, Int.max when it overflows.
    private static func scryptProduct(_ parameters: ASN1Any) throws -> Int {
        try DER.sequence(try DER.parse(parameters.derBytes), identifier: .sequence) { nodes in
            guard nodes.next() != nil else { throw malformed }   // salt
            var product = 1
            for _ in 0..<3 {
                guard let node = nodes.next(), let value = clampedInteger(try ArraySlice<UInt8>(derEncoded: node)), value > 0 else {
                    throw malformed
                }
                let (result, overflow) = product.multipliedReportingOverflow(by: value)
                product = overflow ? Int.max : result
            }
            while nodes.next() != nil {}
            return product
        }
    }

    /// `SEQUENCE { salt, count INTEGER, ... }`: the count, as an Int (a count over Int.max is over the cap anyway).
    private static func saltThenCount(_ parameters: ASN1Any) throws -> Int {
        try DER.sequence(try DER.parse(parameters.derBytes), identifier: .sequence) { nodes in
            guard nodes.next() != nil, let countNode = nodes.next() else { throw malformed }
            while nodes.next() != nil {}
            guard let count = clampedInteger(try ArraySlice<UInt8>(derEncoded: countNode)) else { throw malformed }
            return count
        }
    }

    /// An unsigned DER INTEGER's octets (SwiftASN1 has dropped the sign octet and refused negative
    /// values) as an Int, Int.max when larger.
    private static func clampedInteger(_ octets: ArraySlice<UInt8>) -> Int? {
        let significant = octets.drop(while: { $0 == 0 })
        guard significant.count <= 7 else { return Int.max }
        return significant.reduce(0) { $0 << 8 | Int($1) }
    }

    private static let malformed = XSigError(.invalidKey, "the encrypted PKCS#8 key's algorithm parameters are malformed")
}

private extension ASN1Any {
    /// The DER of this element, for parsing it again as a concrete type.
    var derBytes: [UInt8] {
        var serializer = DER.Serializer()
        try! serializer.serialize(self)
        return serializer.serializedBytes
    }
}
