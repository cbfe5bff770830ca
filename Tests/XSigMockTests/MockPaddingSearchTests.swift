import Foundation
import XCTest
@testable import XSigMock
import XSignature

/// With several paddings accepted, a padding that decrypts a ciphertext to garbage by chance does
/// not decide the answer: an OAEP signature that also passes the PKCS#1 v1.5 checks (about one in
/// 400 at 2048 bits) is accepted under `pkcs1,oaep-sha256`, on every engine and in groups.
final class MockPaddingSearchTests: XCTestCase {
    let now: UInt64 = 1_628_496_895_102

    func key() throws -> RSAPrivateKey { try MockUnitTests.demoKey() }

    /// An OAEP-SHA-256 signature whose plaintext block also passes the PKCS#1 v1.5 checks.
    func ambiguousSignature(_ key: RSAPrivateKey) throws -> (ciphertext: [UInt8], token: String) {
        let signer = try XSignatureSigner(key: key.publicKey, padding: .oaepSHA256)
        let pkcs1 = try XSignatureVerifier(privateKey: key, padding: .pkcs1v15, backend: .openssl)
        for i in 0..<40_000 {
            let token = "ambiguous-\(i)"
            let ciphertext = try Base64.decode(try signer.sign(SignaturePayload(sessionToken: token, timestamp: now)))
            if pkcs1.verify(ciphertext: ciphertext).failure != .decryptionError { return (ciphertext, token) }
        }
        throw XCTSkip("no OAEP ciphertext passed the PKCS#1 v1.5 checks in 40,000 tries (expected about one in 400)")
    }

    func testAChancePKCS1DecodingDoesNotHideTheOAEPSignature() throws {
        let key = try key()
        let (ciphertext, token) = try ambiguousSignature(key)
        let expectations = XSignatureVerifier.Expectations(now: now, maximumSkewSeconds: 300)
        let pkcs1Only = try XSignatureVerifier(privateKey: key, padding: .pkcs1v15, backend: .gmp).verify(ciphertext: ciphertext, expecting: expectations)
        XCTAssertNotNil(pkcs1Only.failure, "PKCS#1 v1.5 alone decrypts it to garbage")
        XCTAssertNotEqual(pkcs1Only.failure, .decryptionError)

        let paddings: [RSAEncryptionPadding] = [.pkcs1v15, .oaepSHA256]
        let engines: [(String, MockDecryption)] = [
            ("gmp", try MockDecryption(privateKey: key, paddings: paddings, backend: .gmp)),
            ("openssl", try MockDecryption(privateKey: key, paddings: paddings, backend: .openssl)),
            ("lanes portable, groups", try MockDecryption(privateKey: key, paddings: paddings, lanesKernel: .portable, lanesFromGroupSize: 1)),
        ]
        var random = SecureRandom()
        let noise = [0] + random.bytes(count: key.publicKey.modulusOctets - 1)
        for (name, decryption) in engines {
            let results = decryption.verify([ciphertext, noise, ciphertext], expecting: expectations)
            XCTAssertTrue(results[0].isValid, "\(name): \(String(describing: results[0].failure))")
            XCTAssertEqual(results[0].sessionToken, token, name)
            XCTAssertEqual(results[1].failure, .decryptionError, "\(name): random octets")
            XCTAssertTrue(results[2].isValid, name)
        }

        // Accepted only under PKCS#1 v1.5, the answer is the garbage payload's failure, not a
        // decryption error: the first failure past decryption is kept when nothing verifies.
        let only = try MockDecryption(privateKey: key, paddings: [.pkcs1v15], backend: .gmp)
        XCTAssertEqual(only.verify([ciphertext], expecting: expectations)[0].failure, pkcs1Only.failure)
        let both = try MockDecryption(privateKey: key, paddings: [.pkcs1v15, .oaepSHA256MGF1SHA1], backend: .gmp)
        XCTAssertEqual(both.verify([ciphertext], expecting: expectations)[0].failure, pkcs1Only.failure,
                       "no accepted padding verifies it: the PKCS#1 payload's failure, not the later decryption error")
    }
}
