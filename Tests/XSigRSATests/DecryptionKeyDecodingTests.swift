import Foundation
import XCTest
import XSigBigInt
@testable import XSigRSA

/// Private keys from every supported encoding, and a clear error for everything else.
final class DecryptionKeyDecodingTests: XCTestCase {
    let decoder = PrivateKeyDecoder(policy: .allowingWeakKeys)

    private func pair() throws -> (OpenSSLKey, RSAPrivateKey) {
        let pair = try TestKeys.pair(bits: 1024)
        return (pair, try RSAPrivateKey(pair, policy: .allowingWeakKeys))
    }

    /// Every decoded key must be the same key: same public half, and it decrypts.
    private func assertSameKey(_ decoded: RSAPrivateKey, _ expected: RSAPrivateKey, crt: Bool = true, _ context: String,
                               file: StaticString = #filePath, line: UInt = #line) throws {
        XCTAssertEqual(decoded.publicKey, expected.publicKey, context, file: file, line: line)
        XCTAssertEqual(decoded.hasCRTParameters, crt, context, file: file, line: line)
        let message = Array(context.utf8.prefix(40))
        let ciphertext = try RSAEncryptor(key: expected.publicKey).encrypt(message, padding: .oaepSHA256)
        XCTAssertEqual(try RSADecryptor(privateKey: decoded).decrypt(ciphertext, padding: .oaepSHA256), message, context, file: file, line: line)
    }

    func testEveryEncodingDecodes() throws {
        let (openssl, key) = try pair()
        let pkcs8DER = try openssl.der(privateKey: true)
        let pkcs1DER = key.pkcs1DERRepresentation
        let inputs: [(String, [UInt8], PrivateKeyForm)] = [
            ("OpenSSL PEM PKCS#8", Array(try openssl.pem(privateKey: true).utf8), .pemPKCS8),
            ("xsig PEM PKCS#8", Array(key.pemRepresentation.utf8), .pemPKCS8),
            ("PEM PKCS#1", Array(key.pkcs1PEMRepresentation.utf8), .pemPKCS1),
            ("DER PKCS#8", pkcs8DER, .derPKCS8),
            ("DER PKCS#1", pkcs1DER, .derPKCS1),
            ("Base64 PKCS#8", Array(Base64.encode(pkcs8DER).utf8), .base64PKCS8),
            ("Base64 PKCS#1 with line breaks", Array(Base64.encode(pkcs1DER).enumerated().map { $0.offset % 64 == 63 ? "\($0.element)\n" : "\($0.element)" }.joined().utf8), .base64PKCS1),
            ("PEM in a JSON string", Array(key.pemRepresentation.replacing("\n", with: "\\n").utf8), .pemPKCS8),
            ("JWK", Array(jwk(key).utf8), .jwk),
            ("JWK set", Array("{\"keys\":[\(jwk(key))]}".utf8), .jwk),
        ]
        for (name, bytes, form) in inputs {
            let decoded = try decoder.decode(bytes)
            XCTAssertEqual(decoded.form, form, name)
            try assertSameKey(decoded.key, key, name)
        }
        // xsig's PKCS#1 and PKCS#8 writers produce what OpenSSL reads, members intact.
        XCTAssertEqual(try OpenSSLKey.fromDER(pkcs1DER, isPrivate: true).member("d"), openssl.member("d"))
        XCTAssertEqual(try OpenSSLKey.fromDER(key.pkcs8DERRepresentation, isPrivate: true).member("rsa-coefficient1"), openssl.member("rsa-coefficient1"))
    }

    func testKeysWithoutCRTMembersInEveryForm() throws {
        let (_, key) = try pair()
        let bare = try DecryptionKeys.withoutCRT(key)
        // PKCS#1 writes absent CRT members as zeros; a JWK simply leaves them out.
        for (name, bytes) in [("PKCS#1 with zero CRT members", Array(bare.pkcs1PEMRepresentation.utf8)),
                              ("PKCS#8 with zero CRT members", bare.pkcs8DERRepresentation),
                              ("JWK with n, e, d", Array(jwk(bare).utf8))] {
            try assertSameKey(try decoder.decode(bytes).key, key, crt: false, name)
        }
    }

    func testEncryptedPKCS8NeedsItsPassphrase() throws {
        let (_, key) = try pair()
        let passphrase = Array("correct horse battery staple".utf8)
        let pem = try PKCS8Encryption.encryptedPEM(key, passphrase: passphrase)
        XCTAssertTrue(pem.hasPrefix("-----BEGIN ENCRYPTED PRIVATE KEY-----"))
        XCTAssertThrowsError(try decoder.decode(Array(pem.utf8))) { error in
            let error = error as! XSigError
            XCTAssertEqual(error.code, .unsupportedKey)
            XCTAssertTrue(error.message.contains("encrypted PKCS#8"), error.message)
            XCTAssertTrue(error.message.contains("BEGIN ENCRYPTED PRIVATE KEY"), error.message)
            XCTAssertTrue(error.message.contains("--passphrase-file"), error.message)
        }
        let decoded = try PrivateKeyDecoder(policy: .allowingWeakKeys, passphrase: passphrase).decode(Array(pem.utf8))
        XCTAssertEqual(decoded.form, .pemEncryptedPKCS8)
        try assertSameKey(decoded.key, key, "encrypted PEM")
        XCTAssertThrowsError(try PrivateKeyDecoder(policy: .allowingWeakKeys, passphrase: Array("wrong".utf8)).decode(Array(pem.utf8))) { error in
            XCTAssertTrue((error as! XSigError).message.contains("wrong passphrase"), "\(error)")
        }
        // The same structure as DER.
        let der = try XCTUnwrap(try PEMBlock.first(in: pem)).der
        let fromDER = try PrivateKeyDecoder(policy: .allowingWeakKeys, passphrase: passphrase).decode(der)
        XCTAssertEqual(fromDER.form, .derEncryptedPKCS8)
        XCTAssertThrowsError(try decoder.decode(der)) { XCTAssertTrue("\($0)".contains("DER encrypted PKCS#8"), "\($0)") }
    }

    func testRefusalsNameWhatWasFound() throws {
        let (openssl, key) = try pair()
        let cases: [(String, [UInt8], XSigError.Code, String)] = [
            ("public PEM", Array(try openssl.pem(privateKey: false).utf8), .invalidKey, "this is a public key (PEM PUBLIC KEY)"),
            ("public PKCS#1 PEM", Array(key.publicKey.pkcs1PEMRepresentation.utf8), .invalidKey, "this is a public key (PEM RSA PUBLIC KEY)"),
            ("public DER", key.publicKey.derRepresentation, .invalidKey, "this is a public key (DER SubjectPublicKeyInfo)"),
            ("public JWK", Array("{\"kty\":\"RSA\",\"n\":\"\(Base64.encode(key.publicKey.modulus, urlSafe: true))\",\"e\":\"AQAB\"}".utf8), .invalidKey, "this is a public key (RSA JWK without d)"),
            ("EC PKCS#8", Array(DecryptionFixtures.ecPKCS8PEM.utf8), .unsupportedKey, "EC (id-ecPublicKey) private key, not RSA"),
            ("EC SEC1", Array(DecryptionFixtures.ecSEC1PEM.utf8), .unsupportedKey, "EC PRIVATE KEY"),
            ("Ed25519", Array(DecryptionFixtures.ed25519PEM.utf8), .unsupportedKey, "Ed25519 private key, not RSA"),
            ("EC JWK", Array("{\"kty\":\"EC\",\"crv\":\"P-256\",\"d\":\"AA\"}".utf8), .unsupportedKey, "kty EC (P-256)"),
            ("multi-prime JWK", Array(jwk(key).replacing("}", with: ",\"oth\":[{}]}").utf8), .unsupportedKey, "multi-prime"),
            ("legacy encrypted PEM", Array("-----BEGIN RSA PRIVATE KEY-----\nProc-Type: 4,ENCRYPTED\nDEK-Info: AES-128-CBC,00\n\nAAAA\n-----END RSA PRIVATE KEY-----\n".utf8), .invalidKey, "encrypted (legacy Proc-Type/DEK-Info)"),
            ("truncated PEM", Array(key.pemRepresentation.prefix(300).utf8), .invalidKey, "no matching"),
            ("empty", [], .invalidKey, "empty"),
            ("garbage", Array("not a key at all!".utf8), .invalidKey, "not PEM, DER, a JWK"),
            ("1024 bits without the opt-in", Array(key.pemRepresentation.utf8), .weakKey, "--allow-weak-key"),
        ]
        for (name, bytes, code, fragment) in cases {
            let decoder = name.hasPrefix("1024") ? PrivateKeyDecoder() : self.decoder
            XCTAssertThrowsError(try decoder.decode(bytes), name) { error in
                guard let error = error as? XSigError else { return XCTFail("\(name): \(error)") }
                XCTAssertEqual(error.code, code, "\(name): \(error.message)")
                XCTAssertTrue(error.message.contains(fragment), "\(name): '\(error.message)' lacks '\(fragment)'")
            }
        }
    }

    /// Inconsistent members are refused at load, and no message or description leaks a member.
    func testInconsistentMembersAreRefusedWithoutLeakingThem() throws {
        let (openssl, key) = try pair()
        let m = key.memberOctets()
        var dp = m.dp
        dp[dp.count - 1] ^= 0x02
        var d = m.d
        d[d.count - 1] ^= 0x02
        let secrets = [m.d, m.p, m.q, m.dp, m.dq, m.qInv, dp, d].map { Hex.encode($0) }
        let attempts: [(String, () throws -> RSAPrivateKey)] = [
            ("dp off by a bit", { try RSAPrivateKey(modulus: m.n, publicExponent: m.e, privateExponent: m.d, prime1: m.p, prime2: m.q,
                                                    exponent1: dp, exponent2: m.dq, coefficient: m.qInv, policy: .allowingWeakKeys) }),
            ("p and q swapped without qInv", { try RSAPrivateKey(modulus: m.n, publicExponent: m.e, privateExponent: m.d, prime1: m.q, prime2: m.p,
                                                                 exponent1: m.dq, exponent2: m.dp, coefficient: m.qInv, policy: .allowingWeakKeys) }),
            ("d off by a bit, no CRT", { try RSAPrivateKey(modulus: m.n, publicExponent: m.e, privateExponent: d, policy: .allowingWeakKeys) }),
            ("CRT partly given", { try RSAPrivateKey(modulus: m.n, publicExponent: m.e, privateExponent: m.d, prime1: m.p, prime2: m.q, policy: .allowingWeakKeys) }),
            ("p from another key", { try RSAPrivateKey(modulus: m.n, publicExponent: m.e, privateExponent: m.d, prime1: m.p + [1], prime2: m.q,
                                                       exponent1: m.dp, exponent2: m.dq, coefficient: m.qInv, policy: .allowingWeakKeys) }),
        ]
        for (name, attempt) in attempts {
            XCTAssertThrowsError(try attempt(), name) { error in
                let error = error as! XSigError
                XCTAssertEqual(error.code, .invalidKey, name)
                for secret in secrets { XCTAssertFalse(error.message.lowercased().contains(secret.suffix(16)), "\(name) leaks: \(error.message)") }
            }
        }
        XCTAssertThrowsError(try RSAPrivateKey(modulus: m.n, publicExponent: m.e, privateExponent: m.d, prime1: m.p, prime2: m.q,
                                               policy: .allowingWeakKeys)) { XCTAssertTrue("\($0)".contains("missing dp, dq, qInv"), "\($0)") }
        // description and dump() show public facts only.
        var dumped = ""
        dump(key, to: &dumped)
        for text in [String(describing: key), String(reflecting: key), dumped] {
            XCTAssertTrue(text.contains("1024") || text.contains("publicKey"), text)
            for secret in secrets.prefix(6) { XCTAssertFalse(text.contains(secret.prefix(12)), "leak in \(text)") }
            XCTAssertFalse(text.contains(GMPIntegerDescription.decimal(m.d).prefix(20)), "leak in \(text)")
        }
        XCTAssertEqual(try RSAPrivateKey(openssl, policy: .allowingWeakKeys).publicKey, key.publicKey)
    }

    /// An RSA JWK (RFC 7518 6.3) of the key, members base64url without padding.
    private func jwk(_ key: RSAPrivateKey) -> String {
        let m = key.memberOctets()
        var members = [("n", m.n), ("e", m.e), ("d", m.d)]
        if key.hasCRTParameters { members += [("p", m.p), ("q", m.q), ("dp", m.dp), ("dq", m.dq), ("qi", m.qInv)] }
        let fields = ["\"kty\":\"RSA\""] + members.map { "\"\($0.0)\":\"\(Base64.encode($0.1, urlSafe: true))\"" }
        return "{" + fields.joined(separator: ",") + "}"
    }
}

enum GMPIntegerDescription {
    static func decimal(_ bytes: [UInt8]) -> String { GMPInteger(bigEndian: bytes).description }
}
