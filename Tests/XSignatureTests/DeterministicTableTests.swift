import Foundation
import XCTest
import XSignature

/// Source of truth: vectors/deterministic/xsig-deterministic.json, written by
/// vectors/reproduce.py (an independent Python implementation of the deterministic spec on the
/// `cryptography` package and pow()). Both backends must reproduce every signature byte for byte.
final class DeterministicTableTests: XCTestCase {
    struct Case: Decodable {
        let keyFile: String
        let padding: String
        let seed: String
        let index: UInt64
        let sessionToken: String
        let timestamp: UInt64
        let nonce: String
        let payload: String
        let signature: String
    }

    func testCommittedTableReproducesOnBothBackends() throws {
        let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        let tableURL = root.appendingPathComponent("vectors/deterministic/xsig-deterministic.json")
        let cases = try JSONDecoder().decode([Case].self, from: Data(contentsOf: tableURL))
        XCTAssertEqual(cases.count, 42)
        var checked = 0
        for (i, c) in cases.enumerated() {
            let keyURL = tableURL.deletingLastPathComponent().appendingPathComponent(c.keyFile)
            let key = try PublicKeyDecoder(policy: .allowingWeakKeys).decode(Array(try Data(contentsOf: keyURL))).key
            let payload = try SignaturePayload(sessionToken: c.sessionToken, timestamp: c.timestamp)
            XCTAssertEqual(payload.nonce, c.nonce, "case \(i)")
            XCTAssertEqual(payload.string, c.payload, "case \(i)")
            let kernels: [LanesKernel] = LanesKernel.ifmaSupported ? [.ifma, .portable] : [.portable]
            let encryptors = try [("gmp", RSAEncryptor(key: key, backend: .gmp)), ("openssl", RSAEncryptor(key: key, backend: .openssl))]
                + kernels.map { ("lanes-\($0.rawValue)", try RSAEncryptor(key: key, lanesKernel: $0)) }
            for (backend, encryptor) in encryptors {
                let signer = try XSignatureSigner(encryptor: encryptor, padding: try RSAEncryptionPadding(name: c.padding))
                let randomness = PaddingRandomness.deterministic(seed: try Hex.decode(c.seed), index: c.index)
                XCTAssertEqual(try signer.sign(payload, randomness: randomness), c.signature, "case \(i) \(c.padding) on \(backend)")
                var stream = DeterministicStream(seed: try Hex.decode(c.seed), index: c.index)
                XCTAssertEqual(try signer.sign(payload, random: &stream), c.signature, "case \(i) streaming path on \(backend)")
                checked += 1
            }
        }
        print("deterministic table: \(checked) signatures reproduced")
    }
}
