import XCTest
@testable import XSigRSA

/// Source of truth: the RSA Laboratories PKCS#1 test vectors (pkcs1v15crypt-vectors.txt and
/// pkcs-1v2-1d2-vec/oaep-vect.txt), committed under vectors/rsa-labs/ with their provenance and
/// converted to stanzas by vectors/rsa-labs/convert.py. Replayed byte for byte by injecting PS or
/// the OAEP seed.
final class KnownAnswerTests: XCTestCase {
    struct Stanza {
        var fields: [String: [UInt8]] = [:]
        var key = ""
        var line = 0
    }

    static func stanzas(_ file: String) throws -> [Stanza] {
        var result: [Stanza] = []
        var current = Stanza()
        for (number, raw) in try Repository.read(file).split(separator: "\n", omittingEmptySubsequences: false).enumerated() {
            let line = raw.trimmingCharacters(in: .whitespaces)
            if line.hasPrefix("#") { continue }
            if line.isEmpty {
                if !current.fields.isEmpty { result.append(current) }
                current = Stanza()
                continue
            }
            let parts = line.split(separator: "=", maxSplits: 1).map { $0.trimmingCharacters(in: .whitespaces) }
            if current.fields.isEmpty && current.key.isEmpty { current.line = number + 1 }
            if parts[0] == "Key" { current.key = parts[1] } else { current.fields[parts[0]] = try Hex.decode(parts[1]) }
        }
        if !current.fields.isEmpty { result.append(current) }
        return result
    }

    func replay(file: String, padding: RSAEncryptionPadding, injected: String, expectedCount: Int) throws {
        let stanzas = try Self.stanzas(file)
        XCTAssertEqual(stanzas.count, expectedCount, "stanza count of \(file)")
        for (i, stanza) in stanzas.enumerated() {
            let context = "\(file) case \(i + 1) (\(stanza.key), line \(stanza.line))"
            let key = try RSAPublicKey(modulus: stanza.fields["N"]!, publicExponent: stanza.fields["E"]!, policy: .allowingWeakKeys)
            for (backend, encryptor) in try Engines.encryptors(key) {
                let ct = try encryptor.encrypt(stanza.fields["Msg"]!, padding: padding,
                                               randomness: .injected(stanza.fields[injected]!))
                XCTAssertEqual(Hex.encode(ct), Hex.encode(stanza.fields["CT"]!), "\(context) on \(backend)")
            }
        }
    }

    func testPKCS1v15VectorsReplayByteForByte() throws {
        try replay(file: "vectors/rsa-labs/pkcs1v15.kat", padding: .pkcs1v15, injected: "PS", expectedCount: 300)
    }

    func testOAEPVectorsReplayByteForByte() throws {
        try replay(file: "vectors/rsa-labs/oaep-sha1.kat", padding: .oaepSHA1, injected: "Seed", expectedCount: 60)
    }

    func testInjectedBytesAreValidated() throws {
        let stanza = try XCTUnwrap(Self.stanzas("vectors/rsa-labs/pkcs1v15.kat").first)
        let key = try RSAPublicKey(modulus: stanza.fields["N"]!, publicExponent: stanza.fields["E"]!, policy: .allowingWeakKeys)
        let rsa = try RSAEncryptor(key: key)
        var ps = stanza.fields["PS"]!
        XCTAssertThrowsError(try rsa.encrypt(stanza.fields["Msg"]!, padding: .pkcs1v15, randomness: .injected(Array(ps.dropLast())))) {
            XCTAssertTrue("\($0)".contains("PS must be \(ps.count) bytes"), "\($0)")
        }
        ps[3] = 0
        XCTAssertThrowsError(try rsa.encrypt(stanza.fields["Msg"]!, padding: .pkcs1v15, randomness: .injected(ps))) {
            XCTAssertTrue("\($0)".contains("octet 4 is 0x00"), "\($0)")
        }
        XCTAssertThrowsError(try rsa.encrypt([1, 2, 3], padding: .oaepSHA1, randomness: .injected([UInt8](repeating: 1, count: 19)))) {
            XCTAssertTrue("\($0)".contains("OAEP seed must be 20 bytes"), "\($0)")
        }
    }
}
