import COpenSSL
import CXSigKernels
import SwiftASN1

/// RFC 5958 section 3 (PKCS#8): `EncryptedPrivateKeyInfo ::= SEQUENCE { encryptionAlgorithm
/// AlgorithmIdentifier, encryptedData OCTET STRING }`. Read only to recognise the form.
struct EncryptedPrivateKeyInfo: DERImplicitlyTaggable {
    static var defaultIdentifier: ASN1Identifier { .sequence }

    var algorithm: AlgorithmIdentifier
    var encryptedData: ASN1OctetString

    init(derEncoded rootNode: ASN1Node, withIdentifier identifier: ASN1Identifier) throws {
        self = try DER.sequence(rootNode, identifier: identifier) { nodes in
            let algorithm = try AlgorithmIdentifier(derEncoded: &nodes)
            let data = try ASN1OctetString(derEncoded: &nodes)
            return EncryptedPrivateKeyInfo(algorithm: algorithm, encryptedData: data)
        }
    }

    init(algorithm: AlgorithmIdentifier, encryptedData: ASN1OctetString) {
        self.algorithm = algorithm
        self.encryptedData = encryptedData
    }

    func serialize(into coder: inout DER.Serializer, withIdentifier identifier: ASN1Identifier) throws {
        try coder.appendConstructedNode(identifier: identifier) { coder in
            try coder.serialize(algorithm)
            try coder.serialize(encryptedData)
        }
    }
}

/// Password-based encryption of PKCS#8 keys (PBES2, RFC 8018) through OpenSSL: xsig decrypts an
/// `ENCRYPTED PRIVATE KEY` given its passphrase and can write one (keygen, tests).
public enum PKCS8Encryption {
    /// The DER PrivateKeyInfo inside a DER EncryptedPrivateKeyInfo.
    static func decrypt(_ der: [UInt8], passphrase: [UInt8]) throws -> [UInt8] {
        // The cost check comes first: OpenSSL would run any iteration count the file names. The
        // parse is strict DER over every octet (no trailing bytes, no BER lengths), so OpenSSL,
        // which would read the first object of a longer input, gets exactly what was checked.
        let info: EncryptedPrivateKeyInfo
        do { info = try EncryptedPrivateKeyInfo(derEncoded: der) } catch {
            throw XSigError(.invalidKey, "the encrypted PKCS#8 key is not one DER EncryptedPrivateKeyInfo (trailing octets, BER lengths or a malformed structure)")
        }
        try KeyDerivationCost.check(info)
        var secret = try cString(passphrase)
        defer { for i in secret.indices { secret[i] = 0 } }
        guard let bio = der.withUnsafeBytes({ BIO_new_mem_buf($0.baseAddress, Int32($0.count)) }) else {
            throw OpenSSLKey.lastError("reading the encrypted PKCS#8 key")
        }
        defer { BIO_free(bio) }
        // With no callback, OpenSSL takes `u` as the NUL-terminated passphrase.
        let pkey = secret.withUnsafeMutableBytes { d2i_PKCS8PrivateKey_bio(bio, nil, nil, $0.baseAddress) }
        guard let pkey else {
            ERR_clear_error()
            throw XSigError(.invalidKey, "cannot decrypt the encrypted PKCS#8 key: wrong passphrase, or a cipher this OpenSSL does not offer")
        }
        defer { EVP_PKEY_free(pkey) }
        var out: UnsafeMutablePointer<UInt8>? = nil
        let length = xsig_pkey_to_der(pkey, 1, &out)
        guard length > 0, let out else { throw OpenSSLKey.lastError("writing the decrypted PKCS#8 key") }
        defer {
            out.update(repeating: 0, count: Int(length))
            xsig_openssl_free(out)
        }
        return Array(UnsafeBufferPointer(start: out, count: Int(length)))
    }

    /// PEM `ENCRYPTED PRIVATE KEY` of `key` under `passphrase`: PBES2 with OpenSSL's default
    /// key derivation (PBKDF2-HMAC-SHA256) and AES-256-CBC.
    public static func encryptedPEM(_ key: RSAPrivateKey, passphrase: [UInt8]) throws -> String {
        var secret = try cString(passphrase)
        var plain = key.pkcs8DERRepresentation
        defer {
            for i in secret.indices { secret[i] = 0 }
            for i in plain.indices { plain[i] = 0 }
        }
        guard let pkey = plain.withUnsafeBufferPointer({ xsig_pkey_from_der($0.baseAddress, $0.count, 1) }) else {
            throw OpenSSLKey.lastError("reading the PKCS#8 key to encrypt")
        }
        defer { EVP_PKEY_free(pkey) }
        guard let bio = BIO_new(BIO_s_mem()) else { throw OpenSSLKey.lastError("BIO_new") }
        defer { BIO_free(bio) }
        let ok = secret.withUnsafeMutableBufferPointer { pass in
            PEM_write_bio_PKCS8PrivateKey(bio, pkey, EVP_aes_256_cbc(), pass.baseAddress, Int32(pass.count - 1), nil, nil)
        }
        guard ok == 1 else { throw OpenSSLKey.lastError("encrypting the PKCS#8 key") }
        var pem = [UInt8](repeating: 0, count: Int(BIO_ctrl_pending(bio)))
        let read = pem.withUnsafeMutableBytes { BIO_read(bio, $0.baseAddress, Int32($0.count)) }
        guard read == pem.count else { throw OpenSSLKey.lastError("reading the encrypted PEM") }
        return String(decoding: pem, as: UTF8.self)
    }

    /// The passphrase NUL-terminated for OpenSSL; one with a NUL inside cannot be passed.
    private static func cString(_ passphrase: [UInt8]) throws -> [CChar] {
        guard !passphrase.contains(0) else { throw XSigError(.invalidArgument, "passphrase contains a NUL byte") }
        return passphrase.map { CChar(bitPattern: $0) } + [0]
    }
}
