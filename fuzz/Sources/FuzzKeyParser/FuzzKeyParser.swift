import FuzzSupport
import XSignature

/// Every key form xsig reads (PEM, DER, bare Base64, public-key API JSON, JWK, certificates; PKCS#8,
/// PKCS#1, encrypted PKCS#8 with passphrase "pw", private JWK) through both decoders.
///
/// Invariants: a failure is an XSigError with a message; whatever parses has an odd modulus of
/// 1024...16384 bits without a leading zero octet, an odd exponent 3 <= e < n of at most KeyPolicy.maximumExponentBits,
/// and re-encodes (SPKI DER, PKCS#1 DER, both PEMs; PKCS#8 and PKCS#1 for private keys) to a key
/// that decodes to the same members.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzz(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    let input = Array(UnsafeBufferPointer(start: data, count: size))
    checkPublic(input)
    checkPrivate(input)
    return 0
}

func checkPublicMembers(_ key: RSAPublicKey, _ context: String) {
    let n = key.modulus, e = key.publicExponent
    require(n.first.map { $0 != 0 } ?? false, "\(context): modulus has a leading zero or is empty")
    require(n.last! & 1 == 1, "\(context): even modulus")
    require(key.modulusBits >= KeyPolicy.weakMinimumBits && key.modulusBits <= KeyPolicy.maximumBits, "\(context): \(key.modulusBits) bits")
    require(key.modulusBits == (n.count - 1) * 8 + (8 - n[0].leadingZeroBitCount), "\(context): modulusBits disagrees with the octets")
    require(e.first.map { $0 != 0 } ?? false, "\(context): exponent has a leading zero or is empty")
    require(e.last! & 1 == 1, "\(context): even exponent")
    require(e.count > 1 || e[0] >= 3, "\(context): exponent under 3")
    require(e.count * 8 - e[0].leadingZeroBitCount <= KeyPolicy.maximumExponentBits, "\(context): exponent over the limit")
    require(e.count < n.count || (e.count == n.count && e.lexicographicallyPrecedes(n)), "\(context): e >= n")
}

func checkPublic(_ input: [UInt8]) {
    let decoder = PublicKeyDecoder(policy: .allowingWeakKeys)
    let result: PublicKeyDecoder.Result
    do { result = try decoder.decode(input) } catch {
        requireXSigError(error, "public decode")
        return
    }
    let key = result.key
    checkPublicMembers(key, "public \(result.form)")
    let encodings: [(String, [UInt8])] = [
        ("SPKI DER", key.derRepresentation), ("PKCS#1 DER", key.pkcs1DERRepresentation),
        ("SPKI PEM", Array(key.pemRepresentation.utf8)), ("PKCS#1 PEM", Array(key.pkcs1PEMRepresentation.utf8)),
    ]
    for (name, bytes) in encodings {
        do {
            let again = try decoder.decode(bytes).key
            require(again == key, "public \(result.form): \(name) re-decodes to a different key")
        } catch {
            require(false, "public \(result.form): \(name) re-encoding does not decode: \(error)")
        }
    }
}

func checkPrivate(_ input: [UInt8]) {
    let decoder = PrivateKeyDecoder(policy: .allowingWeakKeys, passphrase: Array("pw".utf8))
    let result: PrivateKeyDecoder.Result
    do { result = try decoder.decode(input) } catch {
        requireXSigError(error, "private decode")
        return
    }
    let key = result.key
    checkPublicMembers(key.publicKey, "private \(result.form)")
    let description = key.description
    require(description.hasPrefix("RSAPrivateKey("), "private description: \(description)")
    let pkcs1 = key.pkcs1DERRepresentation
    for (name, bytes) in [("PKCS#8 DER", key.pkcs8DERRepresentation), ("PKCS#1 DER", pkcs1),
                          ("PKCS#8 PEM", Array(key.pemRepresentation.utf8)), ("PKCS#1 PEM", Array(key.pkcs1PEMRepresentation.utf8))] {
        do {
            let again = try decoder.decode(bytes).key
            require(again.publicKey == key.publicKey, "private \(result.form): \(name) re-decodes to another public key")
            require(again.pkcs1DERRepresentation == pkcs1, "private \(result.form): \(name) re-decodes to other members")
        } catch {
            require(false, "private \(result.form): \(name) re-encoding does not decode: \(error)")
        }
    }
}

/// The entry point SwiftPM's debug link expects (see FuzzSupport.runFuzzer).
@_cdecl("FuzzKeyParser_main")
public func FuzzKeyParserMain(_ argc: CInt, _ argv: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>?) -> CInt {
    runFuzzer(argc, argv) { data, size in fuzz(data ?? UnsafePointer(bitPattern: 1)!, size) }
}
