import XCTest
import XSignature

final class PayloadTests: XCTestCase {
    /// The vendor's documented example: 1628496895102 -> nonce 17b29fa9c7e.
    func testPayloadAndNonceFromVendorExample() throws {
        let payload = try SignaturePayload(sessionToken: "abc", timestamp: 1_628_496_895_102)
        XCTAssertEqual(payload.nonce, "17b29fa9c7e")
        XCTAssertEqual(payload.string, "session_token=abc&timestamp=1628496895102&nonce=17b29fa9c7e")
        XCTAssertEqual(payload.byteCount, payload.string.utf8.count)
        var buffer = [UInt8](repeating: 0, count: payload.byteCount)
        let n = buffer.withUnsafeMutableBytes { payload.write(into: $0) }
        XCTAssertEqual(String(decoding: buffer[0..<n], as: UTF8.self), payload.string)
    }

    func testWriteMatchesStringForEdgeTimestamps() throws {
        for ts: UInt64 in [0, 9, 10, 1_628_496_895_102, .max] {
            let payload = try SignaturePayload(sessionToken: "t=1", timestamp: ts, nonce: ts == 0 ? "custom" : nil)
            var buffer = [UInt8](repeating: 0, count: payload.byteCount)
            let n = buffer.withUnsafeMutableBytes { payload.write(into: $0) }
            XCTAssertEqual(n, payload.byteCount)
            XCTAssertEqual(String(decoding: buffer, as: UTF8.self), payload.string)
        }
        XCTAssertEqual(SignaturePayload.nonce(for: .max), "ffffffffffffffff")
    }

    func testBadTokensAreRefusedWithoutEchoingThem() {
        let cases: [(String, String)] = [
            ("", "empty"), ("se&cret", "'&' at character 3"), ("sec ret", "whitespace at character 4"),
            ("sec\tret", "control character (U+9)"), ("secret\n", "control character (U+A)"),
            ("sec\u{7f}", "control character (U+7F)"), ("sec\u{00a0}x", "whitespace"),
            (String(repeating: "a", count: 5000), "5000 bytes, over the 4096-byte limit"),
        ]
        for (token, expected) in cases {
            XCTAssertThrowsError(try SignaturePayload(sessionToken: token, timestamp: 1)) { error in
                let text = "\(error)"
                XCTAssertTrue(text.contains(expected), "\(text) should contain \(expected)")
                if token.count > 3 { XCTAssertFalse(text.contains(token), "the token leaked into: \(text)") }
            }
        }
    }

    func testTimestampParsing() throws {
        XCTAssertEqual(try Timestamp.parse("1628496895102"), 1_628_496_895_102)
        XCTAssertEqual(try Timestamp.parse("0"), 0)
        for bad in ["", "-1", "1.5", " 1", "1e3", "0x10", "99999999999999999999"] {
            XCTAssertThrowsError(try Timestamp.parse(bad), "'\(bad)'")
        }
        XCTAssertEqual(try Timestamp.parseServerDate(Array(#"{"timestamp":"1628496895102"}"#.utf8)), 1_628_496_895_102)
        XCTAssertEqual(try Timestamp.parseServerDate(Array(#"{"timestamp":1628496895102}"#.utf8)), 1_628_496_895_102)
        XCTAssertThrowsError(try Timestamp.parseServerDate(Array(#"{"time":"1"}"#.utf8)))
        XCTAssertThrowsError(try Timestamp.parseServerDate(Array(#"{"timestamp":"-5"}"#.utf8)))
        XCTAssertThrowsError(try Timestamp.parseServerDate(Array("not json".utf8)))
        let now = Timestamp.now()
        XCTAssertGreaterThan(now, 1_700_000_000_000)
    }

    func testPaddingNamesParseAndRoundTrip() throws {
        XCTAssertEqual(try RSAEncryptionPadding(name: "oaep-sha256"), .oaepSHA256)
        XCTAssertEqual(try RSAEncryptionPadding(name: "OAEP-SHA256-MGF1SHA1"), .oaepSHA256MGF1SHA1)
        XCTAssertEqual(try RSAEncryptionPadding(name: "pkcs1"), .pkcs1v15)
        XCTAssertEqual(try RSAEncryptionPadding(name: "oaep-sha256-mgf1sha256"), .oaepSHA256)
        for padding in RSAEncryptionPadding.all {
            XCTAssertEqual(try RSAEncryptionPadding(name: padding.name), padding)
        }
        XCTAssertEqual(RSAEncryptionPadding.all.count, 26)
        for bad in ["oaep", "oaep-md5", "oaep-sha256-sha1", "oaep-sha256-mgf1", "rsa", "oaep-sha256-mgf1sha3", ""] {
            XCTAssertThrowsError(try RSAEncryptionPadding(name: bad)) { XCTAssertTrue("\($0)".contains("unknown padding")) }
        }
        // RFC 8017 limits: k - 2hLen - 2 and k - 11.
        XCTAssertEqual(RSAEncryptionPadding.oaepSHA256.maximumMessageLength(modulusOctets: 128), 62)
        XCTAssertEqual(RSAEncryptionPadding.oaepSHA256.maximumMessageLength(modulusOctets: 256), 190)
        XCTAssertEqual(RSAEncryptionPadding.pkcs1v15.maximumMessageLength(modulusOctets: 256), 245)
    }

    func testBase64MatchesFoundation() {
        var generator = SystemRandomNumberGenerator()
        for length in 0..<70 {
            let bytes = (0..<length).map { _ in UInt8.random(in: 0...255, using: &generator) }
            XCTAssertEqual(Base64.encode(bytes), Data(bytes).base64EncodedString())
            XCTAssertEqual(try Base64.decode(Base64.encode(bytes)), bytes)
        }
        XCTAssertThrowsError(try Base64.decode("abcde"))
        XCTAssertThrowsError(try Base64.decode("ab=c"))
        XCTAssertThrowsError(try Base64.decode("a+b_"))
        XCTAssertThrowsError(try Base64.decode("ab!d"))
    }
}
