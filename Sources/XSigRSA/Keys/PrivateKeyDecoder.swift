import FoundationEssentials
import SwiftASN1

/// The encodings of an RSA private key xsig reads, as reported back to the user.
public enum PrivateKeyForm: String, Sendable, CaseIterable {
    case pemPKCS8 = "PEM PKCS#8 PrivateKeyInfo (BEGIN PRIVATE KEY)"
    case pemPKCS1 = "PEM PKCS#1 RSAPrivateKey (BEGIN RSA PRIVATE KEY)"
    case pemEncryptedPKCS8 = "PEM encrypted PKCS#8 (BEGIN ENCRYPTED PRIVATE KEY)"
    case derPKCS8 = "DER PKCS#8 PrivateKeyInfo"
    case derPKCS1 = "DER PKCS#1 RSAPrivateKey"
    case derEncryptedPKCS8 = "DER encrypted PKCS#8 EncryptedPrivateKeyInfo"
    case base64PKCS8 = "bare Base64 PKCS#8 PrivateKeyInfo (Java getEncoded())"
    case base64PKCS1 = "bare Base64 PKCS#1 RSAPrivateKey"
    case jwk = "RSA JWK with private members"
}

/// Auto-detects and decodes an RSA private key from any of the ``PrivateKeyForm`` encodings.
///
/// Detection order as for public keys: JSON (`{`), PEM armor, DER (a SEQUENCE tag), else bare
/// Base64 of DER. Failures name what was found (a public key, an encrypted key without a
/// passphrase, another algorithm, a multi-prime key) and never echo key material.
public struct PrivateKeyDecoder: Sendable {
    public var policy: KeyPolicy
    /// The passphrase of an encrypted PKCS#8 key (`ENCRYPTED PRIVATE KEY`), if any.
    public var passphrase: [UInt8]?

    public init(policy: KeyPolicy = .standard, passphrase: [UInt8]? = nil) {
        self.policy = policy
        self.passphrase = passphrase
    }

    public struct Result: Sendable {
        public let key: RSAPrivateKey
        public let form: PrivateKeyForm
    }

    public func decode(_ input: [UInt8]) throws -> Result {
        let trimmed = input.drop(while: { $0 == 0x20 || $0 == 0x09 || $0 == 0x0a || $0 == 0x0d || $0 == 0xef || $0 == 0xbb || $0 == 0xbf })
        guard let first = trimmed.first else { throw XSigError(.invalidKey, "key input is empty") }
        if first == 0x30 {
            return try decodeDER(Array(trimmed), pkcs8: .derPKCS8, pkcs1: .derPKCS1, encrypted: .derEncryptedPKCS8)
        }
        guard let text = String(validating: trimmed, as: UTF8.self) else {
            throw XSigError(.invalidKey, "key input is neither DER (starts with 0x\(Hex.encode([first]))) nor text")
        }
        if first == UInt8(ascii: "{") { return try decodeJSON(text) }
        if let block = try PEMBlock.first(in: text) { return try decodePEM(block) }
        let der: [UInt8]
        do {
            der = try Base64.decode(text.filter { !$0.isWhitespace })
        } catch {
            throw XSigError(.invalidKey, "key input is not PEM, DER, a JWK or Base64 of a DER key")
        }
        guard der.first == 0x30 else { throw XSigError(.invalidKey, "key input decodes as Base64 but not to a DER structure") }
        return try decodeDER(der, pkcs8: .base64PKCS8, pkcs1: .base64PKCS1, encrypted: .derEncryptedPKCS8)
    }

    // MARK: - PEM

    private func decodePEM(_ block: PEMBlock) throws -> Result {
        switch block.label {
        case "PRIVATE KEY":
            return Result(key: try keyFromPKCS8(block.der, what: "PEM PRIVATE KEY"), form: .pemPKCS8)
        case "RSA PRIVATE KEY":
            return Result(key: try keyFromPKCS1(block.der, what: "PEM RSA PRIVATE KEY"), form: .pemPKCS1)
        case "ENCRYPTED PRIVATE KEY":
            return Result(key: try keyFromEncrypted(block.der, form: .pemEncryptedPKCS8), form: .pemEncryptedPKCS8)
        case "PUBLIC KEY", "RSA PUBLIC KEY", "CERTIFICATE", "X509 CERTIFICATE", "TRUSTED CERTIFICATE":
            throw Self.publicKeyError(form: "PEM \(block.label)")
        case "EC PRIVATE KEY":
            throw XSigError(.unsupportedKey, "found a PEM EC PRIVATE KEY (an EC key), not an RSA private key")
        case "DSA PRIVATE KEY":
            throw XSigError(.unsupportedKey, "found a PEM DSA PRIVATE KEY (a DSA key), not an RSA private key")
        case "OPENSSH PRIVATE KEY":
            throw XSigError(.unsupportedKey, "found an OpenSSH private key; convert it to PKCS#8 first, e.g. ssh-keygen -p -m PKCS8 -f FILE (on a copy)")
        case "EC PARAMETERS":
            throw XSigError(.unsupportedKey, "found PEM EC PARAMETERS (an EC key file), not an RSA private key")
        default:
            throw XSigError(.unsupportedKey, "PEM label '\(block.label)' is not a private key; expected PRIVATE KEY, RSA PRIVATE KEY or ENCRYPTED PRIVATE KEY")
        }
    }

    // MARK: - DER

    private func decodeDER(_ der: [UInt8], pkcs8: PrivateKeyForm, pkcs1: PrivateKeyForm, encrypted: PrivateKeyForm) throws -> Result {
        let root: ASN1Node
        do {
            root = try DER.parse(der)
        } catch {
            throw XSigError(.invalidKey, "DER key is malformed or truncated (\(der.count) octets)")
        }
        if let info = try? PrivateKeyInfo(derEncoded: root) {
            return Result(key: try keyFromPKCS8(info), form: pkcs8)
        }
        if let key = try? RSAPKCS1PrivateKey(derEncoded: root) {
            return Result(key: try makeKey(key), form: pkcs1)
        }
        if (try? EncryptedPrivateKeyInfo(derEncoded: root)) != nil {
            return Result(key: try keyFromEncrypted(der, form: encrypted), form: encrypted)
        }
        if (try? SubjectPublicKeyInfo(derEncoded: root)) != nil { throw Self.publicKeyError(form: "DER SubjectPublicKeyInfo") }
        if (try? RSAPKCS1PublicKey(derEncoded: root)) != nil { throw Self.publicKeyError(form: "DER PKCS#1 RSAPublicKey") }
        if (try? CertificateSubjectKey(derEncoded: root)) != nil { throw Self.publicKeyError(form: "DER X.509 certificate") }
        throw XSigError(.invalidKey, "DER structure is not a PKCS#8 PrivateKeyInfo, PKCS#1 RSAPrivateKey or EncryptedPrivateKeyInfo")
    }

    private func keyFromPKCS8(_ der: [UInt8], what: String) throws -> RSAPrivateKey {
        let info: PrivateKeyInfo
        do {
            info = try PrivateKeyInfo(derEncoded: der)
        } catch {
            throw XSigError(.invalidKey, "\(what) body is not a valid PKCS#8 PrivateKeyInfo (corrupt or truncated, \(der.count) octets)")
        }
        return try keyFromPKCS8(info)
    }

    private func keyFromPKCS8(_ info: PrivateKeyInfo) throws -> RSAPrivateKey {
        let oid = info.algorithm.algorithm
        guard oid == .rsaEncryption else {
            if oid == .rsassaPSS {
                throw XSigError(.unsupportedKey, "found an RSASSA-PSS private key, which is restricted to signatures; decryption needs an rsaEncryption key")
            }
            throw XSigError(.unsupportedKey, "found a \(oid.keyAlgorithmName) private key, not RSA")
        }
        guard let key = try? RSAPKCS1PrivateKey(derEncoded: Array(info.privateKey.bytes)) else {
            throw XSigError(.invalidKey, "PKCS#8 PrivateKeyInfo does not hold a valid RSAPrivateKey")
        }
        return try makeKey(key)
    }

    private func keyFromPKCS1(_ der: [UInt8], what: String) throws -> RSAPrivateKey {
        guard let key = try? RSAPKCS1PrivateKey(derEncoded: der) else {
            throw XSigError(.invalidKey, "\(what) body is not a valid RSAPrivateKey (corrupt or truncated, \(der.count) octets)")
        }
        return try makeKey(key)
    }

    private func keyFromEncrypted(_ der: [UInt8], form: PrivateKeyForm) throws -> RSAPrivateKey {
        guard let passphrase else {
            throw XSigError(.unsupportedKey,
                "this is an encrypted PKCS#8 key (\(form.rawValue)); give its passphrase with --passphrase-file FILE (or - for stdin) or XSIG_KEY_PASSPHRASE, or decrypt it first: openssl pkey -in FILE -out plain.pem")
        }
        var plain = try PKCS8Encryption.decrypt(der, passphrase: passphrase)
        defer { for i in plain.indices { plain[i] = 0 } }
        return try keyFromPKCS8(plain, what: "decrypted \(form.rawValue)")
    }

    private func makeKey(_ key: RSAPKCS1PrivateKey) throws -> RSAPrivateKey {
        guard key.version == 0 else {
            throw XSigError(.unsupportedKey, "multi-prime RSA keys (PKCS#1 version \(key.version), otherPrimeInfos) are not supported")
        }
        return try RSAPrivateKey(modulus: Array(key.modulus), publicExponent: Array(key.publicExponent),
                                 privateExponent: Array(key.privateExponent), prime1: Array(key.prime1),
                                 prime2: Array(key.prime2), exponent1: Array(key.exponent1),
                                 exponent2: Array(key.exponent2), coefficient: Array(key.coefficient), policy: policy)
    }

    static func publicKeyError(form: String) -> XSigError {
        XSigError(.invalidKey,
            "this is a public key (\(form)); decryption needs the private key: PEM PRIVATE KEY or RSA PRIVATE KEY, their DER, or a JWK with d")
    }

    // MARK: - JWK

    private struct JWK: Decodable {
        var kty: String?
        var crv: String?
        var n, e, d, p, q, dp, dq, qi: String?
        var oth: [Other]?
        var keys: [JWK]?
        struct Other: Decodable {}
    }

    private func decodeJSON(_ text: String) throws -> Result {
        let jwk: JWK
        do {
            jwk = try JSONDecoder().decode(JWK.self, from: Data(text.utf8))
        } catch {
            throw XSigError(.invalidKey, "key input starts with '{' but is not a valid JSON object")
        }
        if let set = jwk.keys {
            guard set.count == 1 else { throw XSigError(.invalidKey, "JWK set holds \(set.count) keys; extract the one to use") }
            return try decodeJWK(set[0])
        }
        guard jwk.kty != nil else {
            throw XSigError(.invalidKey, "JSON object has no kty member; expected an RSA JWK with private members (d, p, q, dp, dq, qi)")
        }
        return try decodeJWK(jwk)
    }

    /// RFC 7518 section 6.3: n, e, d required; p, q, dp, dq, qi together or not at all.
    private func decodeJWK(_ jwk: JWK) throws -> Result {
        guard let kty = jwk.kty else { throw XSigError(.invalidKey, "JWK has no kty member") }
        guard kty == "RSA" else {
            throw XSigError(.unsupportedKey, "found a JWK with kty \(kty)\(jwk.crv.map { " (\($0))" } ?? ""), not RSA")
        }
        guard jwk.oth == nil else { throw XSigError(.unsupportedKey, "multi-prime RSA JWK (member oth) is not supported") }
        guard let n = jwk.n, let e = jwk.e else { throw XSigError(.invalidKey, "RSA JWK lacks member n or e") }
        guard let d = jwk.d else { throw Self.publicKeyError(form: "RSA JWK without d") }
        func member(_ value: String?, _ name: String) throws -> [UInt8] {
            guard let value else { return [] }
            do { return try Base64.decode(value) } catch {
                throw XSigError(.invalidKey, "RSA JWK member \(name) is not base64url")
            }
        }
        let key = try RSAPrivateKey(modulus: try member(n, "n"), publicExponent: try member(e, "e"),
                                    privateExponent: try member(d, "d"), prime1: try member(jwk.p, "p"),
                                    prime2: try member(jwk.q, "q"), exponent1: try member(jwk.dp, "dp"),
                                    exponent2: try member(jwk.dq, "dq"), coefficient: try member(jwk.qi, "qi"),
                                    policy: policy)
        return Result(key: key, form: .jwk)
    }
}
