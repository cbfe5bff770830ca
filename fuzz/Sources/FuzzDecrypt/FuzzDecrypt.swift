import FuzzSupport
import XSignature

/// Decryption with padding checks (PKCS#1 v1.5 and OAEP), GMP backend against OpenSSL's, with
/// the 1024-bit demo key (vectors/keys/demo-rsa-1024.pem, public test material).
///
/// Input: byte 0 picks the padding and whether an OAEP label is used, byte 1 the mode:
///   0  the rest is the ciphertext, any length (random ciphertexts: length, range, padding checks);
///   1  the rest is the encoded message EM, encrypted raw (RSAEP), so the padding decoders see
///      fuzz-controlled blocks; byte 2 bit 0 forces the PKCS#1 header 00 02;
///   2  the rest is a message, encrypted properly; then (position, xor) pairs from the input
///      alter its EM before it is encrypted raw again (nearly valid blocks).
///
/// Invariants: both backends reject (with XSigError .decryptionError and nothing else) or both
/// return the same message; the GMP backend's `explain` is nil exactly when it decrypts; a
/// decrypted message re-encrypts (fresh padding) and decrypts back to itself; an unaltered
/// encryption (mode 2, no effective change) decrypts to its message.
let privateKey: RSAPrivateKey = {
    do {
        return try PrivateKeyDecoder(policy: .allowingWeakKeys).decode(readFile("vectors/keys/demo-rsa-1024.pem")).key
    } catch {
        fatalError("fuzz: cannot load the demo key: \(error)")
    }
}()
let gmp = try! RSADecryptor(privateKey: privateKey, backend: .gmp)
let openssl = try! RSADecryptor(privateKey: privateKey, backend: .openssl)
let encryptor = try! RSAEncryptor(key: privateKey.publicKey, backend: .gmp)
let paddings: [RSAEncryptionPadding] = [.pkcs1v15, .oaepSHA1, .oaepSHA256, .oaepSHA256MGF1SHA1]

func decrypt(_ decryptor: RSADecryptor, _ c: [UInt8], _ padding: RSAEncryptionPadding, _ label: [UInt8]) -> [UInt8]? {
    do {
        return try decryptor.decrypt(c, padding: padding, label: label)
    } catch let error as XSigError {
        require(error.code == .decryptionError && error.message == "decryption error",
                "\(decryptor.backend) \(padding.name): not the generic error: \(error.code) \(error.message)")
        return nil
    } catch {
        require(false, "\(decryptor.backend) \(padding.name): threw \(type(of: error))")
        return nil
    }
}

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzz(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    var cursor = ByteCursor(Array(UnsafeBufferPointer(start: data, count: size)))
    let choice = cursor.next()
    let padding = paddings[Int(choice & 3)]
    let label: [UInt8] = padding.isOAEP && choice & 4 != 0 ? Array("label".utf8) : []
    let mode = cursor.next() % 3
    let k = privateKey.modulusOctets
    var ciphertext: [UInt8]
    var expected: [UInt8]? = nil

    switch mode {
    case 0:
        ciphertext = cursor.rest
    case 1:
        let flags = cursor.next()
        var em = Array((cursor.rest + [UInt8](repeating: 0, count: k)).prefix(k))
        em[0] = 0
        if flags & 1 != 0 { em[1] = 2 }
        ciphertext = try! encryptor.rawEncrypt(em)
    default:
        let count = Int(cursor.next())
        var rest = cursor.rest
        let maximum = padding.maximumMessageLength(modulusOctets: k)
        let message = Array(rest.prefix(min(count, maximum)))
        rest = Array(rest.dropFirst(message.count))
        let valid = try! encryptor.encrypt(message, padding: padding, label: label)
        var em = try! gmp.rawDecrypt(valid)
        var changed = false
        var i = 0
        while i + 1 < rest.count {
            let position = Int(rest[i]) % k, xor = rest[i + 1]
            if xor != 0 { changed = true }
            em[position] ^= xor
            i += 2
        }
        if changed {
            ciphertext = (try? encryptor.rawEncrypt(em)) ?? valid
            if ciphertext == valid { expected = message }
        } else {
            ciphertext = valid
            expected = message
        }
    }

    let a = decrypt(gmp, ciphertext, padding, label)
    let b = decrypt(openssl, ciphertext, padding, label)
    require(a == b, "\(padding.name) mode \(mode): gmp \(a.map { "\($0.count) octets" } ?? "rejects"), openssl \(b.map { "\($0.count) octets" } ?? "rejects")")
    if let expected {
        require(a == expected, "\(padding.name): an unaltered encryption does not decrypt to its message")
    }
    let explained: DecryptionCheck?
    do { explained = try gmp.explain(ciphertext, padding: padding, label: label) } catch {
        require(false, "explain threw \(error)")
        return 0
    }
    require((explained == nil) == (a != nil), "\(padding.name): explain says \(String(describing: explained)) but decrypt \(a == nil ? "rejects" : "accepts")")
    if let message = a {
        let again = try! encryptor.encrypt(message, padding: padding, label: label)
        require(decrypt(gmp, again, padding, label) == message, "\(padding.name): the decrypted message does not round-trip")
    }
    return 0
}

/// The entry point SwiftPM's debug link expects (see FuzzSupport.runFuzzer).
@_cdecl("FuzzDecrypt_main")
public func FuzzDecryptMain(_ argc: CInt, _ argv: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>?) -> CInt {
    runFuzzer(argc, argv) { data, size in fuzz(data ?? UnsafePointer(bitPattern: 1)!, size) }
}
