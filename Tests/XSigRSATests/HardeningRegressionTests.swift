import XCTest
@testable import XSigRSA

/// Regressions found while hardening (issue 7). Each test names the defect it pins down.
final class HardeningRegressionTests: XCTestCase {
    static let secret = "s3cr3t-TOKEN-9f8e7d"

    /// A BEGIN line without its closing dashes made the "label" run over the line break, and the
    /// "no matching END line" message echoed it whole: whatever followed (here a token) and up to
    /// the 1 MiB of the file.
    func testPEMLabelIsNotEchoedWhenItIsNotALabel() {
        let inputs = [
            "-----BEGIN PUBLIC\nKEY \(Self.secret)\n-----END x-----\n",
            "-----BEGIN " + String(repeating: "A", count: 100_000) + "-----\nAAAA\n-----END X-----\n",
            "-----BEGIN PUBLIC KEY\u{1}\(Self.secret)-----\nAAAA\n",
        ]
        for input in inputs {
            for decode in [{ try PublicKeyDecoder().decode(Array(input.utf8)) as Any },
                           { try PrivateKeyDecoder().decode(Array(input.utf8)) as Any }] {
                XCTAssertThrowsError(try decode()) { error in
                    let message = (error as? XSigError)?.message ?? "\(error)"
                    XCTAssertEqual((error as? XSigError)?.code, .invalidKey)
                    XCTAssertFalse(message.contains(Self.secret), message)
                    XCTAssertLessThan(message.count, 200, message)
                    XCTAssertTrue(message.contains("no valid label"), message)
                }
            }
        }
        // Real labels are still named in their messages.
        XCTAssertThrowsError(try PublicKeyDecoder().decode(Array("-----BEGIN FOO-----\nAAAA\n-----END FOO-----\n".utf8))) {
            XCTAssertTrue("\($0)".contains("'FOO'"))
        }
    }

    /// Exponents of up to 4096 bits were accepted: each encryption then costs thousands of modular
    /// squarings. The bound is now 1024 bits.
    func testPublicExponentBound() throws {
        var n = [UInt8](repeating: 0xC5, count: 256)
        n[255] |= 1
        func exponent(bits: Int) -> [UInt8] {
            var e = [UInt8](repeating: 0, count: (bits + 7) / 8)
            e[0] = UInt8(1 << ((bits - 1) % 8))
            e[e.count - 1] |= 1
            return e
        }
        XCTAssertEqual(KeyPolicy.maximumExponentBits, 1024)
        XCTAssertNoThrow(try RSAPublicKey(modulus: n, publicExponent: exponent(bits: 1024)))
        for bits in [1025, 2040] {
            XCTAssertThrowsError(try RSAPublicKey(modulus: n, publicExponent: exponent(bits: bits))) {
                XCTAssertEqual("\($0)", "public exponent of \(bits) bits is over the 1024-bit limit")
            }
        }
        // 2^64 - 59, used by the cross-check tests, stays well inside.
        XCTAssertNoThrow(try RSAPublicKey(modulus: n, publicExponent: [0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xc5]))
    }

    /// An unknown padding name was echoed whole, however long (a 10 kB argument, a token pasted
    /// into the wrong flag, control characters).
    func testUnknownPaddingNameIsEchoedOnlyWhenShortAndPrintable() {
        XCTAssertThrowsError(try RSAEncryptionPadding(name: "oaep-md5")) { XCTAssertTrue("\($0)".hasPrefix("unknown padding 'oaep-md5';")) }
        XCTAssertThrowsError(try RSAEncryptionPadding(name: String(repeating: "x", count: 10_000))) {
            XCTAssertTrue("\($0)".hasPrefix("unknown padding (10000 bytes);"), "\($0)")
        }
        XCTAssertThrowsError(try RSAEncryptionPadding(name: "oaep\n\u{1b}[31m")) {
            XCTAssertTrue("\($0)".hasPrefix("unknown padding (10 bytes);"), "\($0)")
        }
    }
}
