import FoundationEssentials
import SwiftASN1

/// The encodings of an RSA public key xsig reads, as reported back to the user.
public enum PublicKeyForm: String, Sendable, CaseIterable {
    case pemSubjectPublicKeyInfo = "PEM SubjectPublicKeyInfo (BEGIN PUBLIC KEY)"
    case pemPKCS1 = "PEM PKCS#1 RSAPublicKey (BEGIN RSA PUBLIC KEY)"
    case derSubjectPublicKeyInfo = "DER SubjectPublicKeyInfo"
    case derPKCS1 = "DER PKCS#1 RSAPublicKey"
    case base64SubjectPublicKeyInfo = "bare Base64 SubjectPublicKeyInfo (Java getEncoded())"
    case base64PKCS1 = "bare Base64 PKCS#1 RSAPublicKey"
    case publicKeyAPIJSON = "public-key API JSON body (public_key)"
    case jwk = "RSA JWK"
    case pemCertificate = "PEM X.509 certificate (its subject key)"
    case derCertificate = "DER X.509 certificate (its subject key)"
}

/// Auto-detects and decodes an RSA public key from any of the ``PublicKeyForm`` encodings.
///
/// Detection order: JSON (`{`), PEM armor (`-----BEGIN`), DER (a SEQUENCE tag), else bare
/// Base64 of DER. Each failure says what was found: another algorithm (EC, Ed25519...), a private
/// key (a client never needs one), a truncated or corrupt encoding.
public struct PublicKeyDecoder: Sendable {
    public var policy: KeyPolicy

    public init(policy: KeyPolicy = .standard) { self.policy = policy }

    public struct Result: Sendable {
        public let key: RSAPublicKey
        public let form: PublicKeyForm
    }

    public func decode(_ input: [UInt8]) throws -> Result {
        let trimmed = input.drop(while: { $0 == 0x20 || $0 == 0x09 || $0 == 0x0a || $0 == 0x0d || $0 == 0xef || $0 == 0xbb || $0 == 0xbf })
        guard let first = trimmed.first else { throw XSigError(.invalidKey, "key input is empty") }
        if first == 0x30 {
            return try decodeDER(Array(trimmed), spki: .derSubjectPublicKeyInfo, pkcs1: .derPKCS1, certificate: .derCertificate)
        }
        guard let text = String(validating: trimmed, as: UTF8.self) else {
            throw XSigError(.invalidKey, "key input is neither DER (starts with 0x\(Hex.encode([first]))) nor text")
        }
        if first == UInt8(ascii: "{") { return try decodeJSON(text) }
        if let block = try PEMBlock.first(in: text) { return try decodePEM(block) }
        let compact = text.filter { !$0.isWhitespace }
        let der: [UInt8]
        do {
            der = try Base64.decode(compact)
        } catch {
            throw XSigError(.invalidKey, "key input is not PEM, DER, JSON, JWK or Base64 of a DER key")
        }
        guard der.first == 0x30 else {
            throw XSigError(.invalidKey, "key input decodes as Base64 but not to a DER structure")
        }
        return try decodeDER(der, spki: .base64SubjectPublicKeyInfo, pkcs1: .base64PKCS1, certificate: .derCertificate)
    }

    // MARK: - PEM

    private func decodePEM(_ block: PEMBlock) throws -> Result {
        switch block.label {
        case "PUBLIC KEY":
            return Result(key: try keyFromSPKI(block.der, what: "PEM PUBLIC KEY"), form: .pemSubjectPublicKeyInfo)
        case "RSA PUBLIC KEY":
            return Result(key: try keyFromPKCS1(block.der, what: "PEM RSA PUBLIC KEY"), form: .pemPKCS1)
        case "CERTIFICATE", "X509 CERTIFICATE", "TRUSTED CERTIFICATE":
            return Result(key: try keyFromCertificate(block.der), form: .pemCertificate)
        case "PRIVATE KEY", "RSA PRIVATE KEY":
            throw Self.privateKeyError(form: "PEM \(block.label)")
        case "ENCRYPTED PRIVATE KEY":
            throw Self.privateKeyError(form: "PEM ENCRYPTED PRIVATE KEY (PKCS#8)")
        case "EC PRIVATE KEY", "DSA PRIVATE KEY", "OPENSSH PRIVATE KEY":
            throw XSigError(.unsupportedKey, "found a PEM \(block.label), not an RSA public key")
        case "EC PARAMETERS":
            throw XSigError(.unsupportedKey, "found PEM EC PARAMETERS (an EC key file), not an RSA public key")
        default:
            throw XSigError(.unsupportedKey, "PEM label '\(block.label)' is not a public key; expected PUBLIC KEY, RSA PUBLIC KEY or CERTIFICATE")
        }
    }

    // MARK: - DER

    private func decodeDER(_ der: [UInt8], spki: PublicKeyForm, pkcs1: PublicKeyForm, certificate: PublicKeyForm) throws -> Result {
        let root: ASN1Node
        do {
            root = try DER.parse(der)
        } catch {
            throw XSigError(.invalidKey, "DER key is malformed or truncated (\(der.count) octets)")
        }
        if let info = try? SubjectPublicKeyInfo(derEncoded: root) {
            return Result(key: try keyFromSPKI(info), form: spki)
        }
        if let key = try? RSAPKCS1PublicKey(derEncoded: root) {
            return Result(key: try makeKey(key), form: pkcs1)
        }
        if let cert = try? CertificateSubjectKey(derEncoded: root) {
            return Result(key: try keyFromSPKI(cert.subjectPublicKeyInfo), form: certificate)
        }
        if (try? PrivateKeyInfo(derEncoded: root)) != nil {
            throw Self.privateKeyError(form: "PKCS#8 PrivateKeyInfo")
        }
        if (try? RSAPKCS1PrivateKey(derEncoded: root)) != nil {
            throw Self.privateKeyError(form: "PKCS#1 RSAPrivateKey")
        }
        throw XSigError(.invalidKey, "DER structure is not a SubjectPublicKeyInfo, RSAPublicKey or certificate")
    }

    private func keyFromSPKI(_ der: [UInt8], what: String) throws -> RSAPublicKey {
        let info: SubjectPublicKeyInfo
        do {
            info = try SubjectPublicKeyInfo(derEncoded: der)
        } catch {
            throw XSigError(.invalidKey, "\(what) body is not a valid SubjectPublicKeyInfo (corrupt or truncated, \(der.count) octets)")
        }
        return try keyFromSPKI(info)
    }

    private func keyFromSPKI(_ info: SubjectPublicKeyInfo) throws -> RSAPublicKey {
        let oid = info.algorithm.algorithm
        guard oid == .rsaEncryption || oid == .rsassaPSS || oid == .rsaesOAEP else {
            throw XSigError(.unsupportedKey, "found a \(oid.keyAlgorithmName) public key, not RSA")
        }
        guard info.subjectPublicKey.paddingBits == 0,
              let pkcs1 = try? RSAPKCS1PublicKey(derEncoded: Array(info.subjectPublicKey.bytes)) else {
            throw XSigError(.invalidKey, "SubjectPublicKeyInfo does not hold a valid RSAPublicKey")
        }
        return try makeKey(pkcs1)
    }

    private func keyFromPKCS1(_ der: [UInt8], what: String) throws -> RSAPublicKey {
        guard let key = try? RSAPKCS1PublicKey(derEncoded: der) else {
            throw XSigError(.invalidKey, "\(what) body is not a valid RSAPublicKey (corrupt or truncated, \(der.count) octets)")
        }
        return try makeKey(key)
    }

    private func keyFromCertificate(_ der: [UInt8]) throws -> RSAPublicKey {
        guard let cert = try? CertificateSubjectKey(derEncoded: der) else {
            throw XSigError(.invalidKey, "PEM CERTIFICATE body is not a valid X.509 certificate")
        }
        return try keyFromSPKI(cert.subjectPublicKeyInfo)
    }

    private func makeKey(_ key: RSAPKCS1PublicKey) throws -> RSAPublicKey {
        // swift-asn1 has already refused negative INTEGERs and stripped the sign octet.
        return try RSAPublicKey(modulus: key.modulus, publicExponent: key.publicExponent, policy: policy)
    }

    static func privateKeyError(form: String) -> XSigError {
        XSigError(.privateKeyGiven,
            "this is a private key (\(form)); a client signs with the public key only. Give its public half, e.g. `openssl pkey -in FILE -pubout`")
    }

    // MARK: - JSON and JWK

    private struct JSONFields: Decodable {
        var public_key: String?
        var kty: String?
        var n: String?
        var e: String?
        var d: String?
        var crv: String?
        var keys: [JSONFields]?
    }

    private func decodeJSON(_ text: String) throws -> Result {
        let fields: JSONFields
        do {
            fields = try JSONDecoder().decode(JSONFields.self, from: Data(text.utf8))
        } catch {
            throw XSigError(.invalidKey, "key input starts with '{' but is not a valid JSON object")
        }
        if let body = fields.public_key {
            guard !body.isEmpty else { throw XSigError(.invalidKey, "JSON field public_key is empty") }
            let inner = try decode(Array(body.utf8))
            switch inner.form {
            case .pemSubjectPublicKeyInfo, .pemPKCS1, .base64SubjectPublicKeyInfo, .base64PKCS1:
                return Result(key: inner.key, form: .publicKeyAPIJSON)
            default:
                throw XSigError(.invalidKey, "JSON field public_key holds a \(inner.form.rawValue), expected a PEM or Base64 public key")
            }
        }
        if let set = fields.keys {
            guard set.count == 1 else {
                throw XSigError(.invalidKey, "JWK set holds \(set.count) keys; extract the one to use")
            }
            return try decodeJWK(set[0])
        }
        if fields.kty != nil { return try decodeJWK(fields) }
        throw XSigError(.invalidKey, "JSON object has neither a public_key field (public-key API body) nor kty (JWK)")
    }

    private func decodeJWK(_ jwk: JSONFields) throws -> Result {
        guard let kty = jwk.kty else { throw XSigError(.invalidKey, "JWK has no kty member") }
        guard kty == "RSA" else {
            throw XSigError(.unsupportedKey, "found a JWK with kty \(kty)\(jwk.crv.map { " (\($0))" } ?? ""), not RSA")
        }
        if jwk.d != nil { throw Self.privateKeyError(form: "RSA JWK with private member d") }
        guard let n = jwk.n, let e = jwk.e else { throw XSigError(.invalidKey, "RSA JWK lacks member n or e") }
        let modulus: [UInt8], exponent: [UInt8]
        do {
            modulus = try Base64.decode(n)
            exponent = try Base64.decode(e)
        } catch {
            throw XSigError(.invalidKey, "RSA JWK member n or e is not base64url")
        }
        return Result(key: try RSAPublicKey(modulus: modulus, publicExponent: exponent, policy: policy), form: .jwk)
    }
}
