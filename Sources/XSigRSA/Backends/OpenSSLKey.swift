import COpenSSL
import CXSigKernels

/// Owns an OpenSSL `EVP_PKEY` (public or private RSA key) and frees it in `deinit`.
public final class OpenSSLKey: @unchecked Sendable {
    let pointer: OpaquePointer

    init(taking pointer: OpaquePointer) { self.pointer = pointer }

    deinit { EVP_PKEY_free(pointer) }

    /// The public key (n, e) as OpenSSL builds it from its members.
    convenience init(publicKey: RSAPublicKey) throws {
        let made = publicKey.modulus.withUnsafeBufferPointer { n in
            publicKey.publicExponent.withUnsafeBufferPointer { e in
                xsig_pkey_from_members(n.baseAddress, n.count, e.baseAddress, e.count,
                                       nil, 0, nil, 0, nil, 0, nil, 0, nil, 0, nil, 0)
            }
        }
        guard let made else { throw OpenSSLKey.lastError("building the RSA public key") }
        self.init(taking: made)
    }

    /// A fresh key pair from OpenSSL's key generator (EVP_PKEY_generate).
    public static func generateRSA(bits: Int, publicExponent: [UInt8]) throws -> OpenSSLKey {
        let made = publicExponent.withUnsafeBufferPointer { e in
            xsig_pkey_generate_rsa(UInt32(bits), e.baseAddress, e.count)
        }
        guard let made else { throw lastError("generating a \(bits)-bit RSA key") }
        return OpenSSLKey(taking: made)
    }

    /// Reads a DER private key (PKCS#8 or PKCS#1) or, with `isPrivate` false, a DER SPKI.
    public static func fromDER(_ der: [UInt8], isPrivate: Bool) throws -> OpenSSLKey {
        let made = der.withUnsafeBufferPointer { xsig_pkey_from_der($0.baseAddress, $0.count, isPrivate ? 1 : 0) }
        guard let made else { throw lastError("reading a DER key") }
        return OpenSSLKey(taking: made)
    }

    /// Reads a PEM private key (PKCS#8 or PKCS#1) or public key (SubjectPublicKeyInfo).
    public static func fromPEM(_ text: String, isPrivate: Bool) throws -> OpenSSLKey {
        guard let block = try PEMBlock.first(in: text) else { throw XSigError(.invalidKey, "no PEM block found") }
        return try fromDER(block.der, isPrivate: isPrivate)
    }

    /// Builds a private key from its members; without the CRT members OpenSSL uses d alone.
    public static func fromMembers(n: [UInt8], e: [UInt8], d: [UInt8], p: [UInt8] = [], q: [UInt8] = [],
                                   dp: [UInt8] = [], dq: [UInt8] = [], qInv: [UInt8] = []) throws -> OpenSSLKey {
        let members = [n, e, d, p, q, dp, dq, qInv]
        let pointers = members.map { member -> UnsafeMutablePointer<UInt8>? in
            guard !member.isEmpty else { return nil }
            let p = UnsafeMutablePointer<UInt8>.allocate(capacity: member.count)
            p.initialize(from: member, count: member.count)
            return p
        }
        defer {
            for (pointer, member) in zip(pointers, members) {
                pointer?.update(repeating: 0, count: member.count)
                pointer?.deallocate()
            }
        }
        let c = members.map(\.count)
        guard let made = xsig_pkey_from_members(pointers[0], c[0], pointers[1], c[1], pointers[2], c[2], pointers[3], c[3],
                                                pointers[4], c[4], pointers[5], c[5], pointers[6], c[6], pointers[7], c[7]) else {
            throw lastError("building the RSA private key")
        }
        return OpenSSLKey(taking: made)
    }

    /// A named BIGNUM member ("n", "e", "d", "rsa-factor1", "rsa-factor2", "rsa-exponent1",
    /// "rsa-exponent2", "rsa-coefficient1") as minimal big-endian octets; empty when absent.
    public func member(_ name: String) -> [UInt8] {
        var buffer = [UInt8](repeating: 0, count: 2 * 2048 + 8)
        let length = Int(xsig_pkey_get_bn(pointer, name, &buffer, buffer.count))
        let result = length > 0 ? Array(buffer[0..<length]) : []
        for i in buffer.indices { buffer[i] = 0 }
        return result
    }

    public var bits: Int { Int(EVP_PKEY_get_bits(pointer)) }

    public func publicKey(policy: KeyPolicy = .allowingWeakKeys) throws -> RSAPublicKey {
        try RSAPublicKey(modulus: member("n"), publicExponent: member("e"), policy: policy)
    }

    /// PEM: PKCS#8 `PRIVATE KEY` when private, else SubjectPublicKeyInfo `PUBLIC KEY`.
    public func pem(privateKey: Bool) throws -> String {
        guard let cString = xsig_pkey_to_pem(pointer, privateKey ? 1 : 0) else {
            throw OpenSSLKey.lastError("writing PEM")
        }
        defer { xsig_openssl_free(cString) }
        return String(cString: cString)
    }

    /// DER: PKCS#8 PrivateKeyInfo when private, else SubjectPublicKeyInfo.
    public func der(privateKey: Bool) throws -> [UInt8] {
        var out: UnsafeMutablePointer<UInt8>? = nil
        let length = xsig_pkey_to_der(pointer, privateKey ? 1 : 0, &out)
        guard length > 0, let out else { throw OpenSSLKey.lastError("writing DER") }
        defer { xsig_openssl_free(out) }
        return Array(UnsafeBufferPointer(start: out, count: Int(length)))
    }

    /// RSA decryption with OpenSSL's own padding checks (RSA_NO_PADDING gives the raw RSADP).
    /// Any failure is the generic `decryption error`.
    public func decrypt(_ ciphertext: [UInt8], padding: RSAEncryptionPadding?, label: [UInt8] = []) throws -> [UInt8] {
        guard let ctx = EVP_PKEY_CTX_new_from_pkey(nil, pointer, nil) else { throw OpenSSLKey.lastError("EVP_PKEY_CTX_new") }
        defer { EVP_PKEY_CTX_free(ctx) }
        guard EVP_PKEY_decrypt_init(ctx) == 1, OpenSSLKey.configure(ctx, padding: padding, label: label) else {
            throw OpenSSLKey.lastError("configuring decryption")
        }
        var length = 0
        guard EVP_PKEY_decrypt(ctx, nil, &length, ciphertext, ciphertext.count) == 1 else {
            ERR_clear_error()
            throw XSigError(.decryptionError, "decryption error")
        }
        var out = [UInt8](repeating: 0, count: length)
        guard EVP_PKEY_decrypt(ctx, &out, &length, ciphertext, ciphertext.count) == 1 else {
            ERR_clear_error()
            throw XSigError(.decryptionError, "decryption error")
        }
        return Array(out[0..<length])
    }

    static func configure(_ ctx: OpaquePointer, padding: RSAEncryptionPadding?, label: [UInt8]) -> Bool {
        guard let padding else {
            return xsig_ctx_set_padding(ctx, Int32(XSIG_PAD_NONE), nil, nil, nil, 0) == 1
        }
        switch padding.scheme {
        case .pkcs1v15:
            return xsig_ctx_set_padding(ctx, Int32(XSIG_PAD_PKCS1), nil, nil, nil, 0) == 1
        case let .oaep(hash, mgf1):
            return label.withUnsafeBufferPointer { l in
                xsig_ctx_set_padding(ctx, Int32(XSIG_PAD_OAEP), hash.openSSLName, mgf1.openSSLName, l.baseAddress, l.count) == 1
            }
        }
    }

    static func lastError(_ doing: String) -> XSigError {
        var buffer = [CChar](repeating: 0, count: 256)
        xsig_openssl_last_error(&buffer, buffer.count)
        return XSigError(.openSSL, "OpenSSL failed \(doing): \(String(decoding: buffer.prefix(while: { $0 != 0 }).map { UInt8(bitPattern: $0) }, as: UTF8.self))")
    }
}
