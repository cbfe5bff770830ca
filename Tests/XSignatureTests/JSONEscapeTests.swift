import XCTest
@testable import XSignature

/// Source of truth: RFC 8259 section 7, written out scalar by scalar below. The escaper under test
/// skips eight octets at a time when none needs escaping; every ASCII value at every position of
/// a two-word string, and multi-byte UTF-8 beside them, must come out as the reference says.
final class JSONEscapeTests: XCTestCase {
    static func reference(_ s: String) -> String {
        var out = "\""
        for scalar in s.unicodeScalars {
            switch scalar {
            case "\"": out += "\\\""
            case "\\": out += "\\\\"
            case "\n": out += "\\n"
            case "\r": out += "\\r"
            case "\t": out += "\\t"
            case _ where scalar.value < 0x20:
                let hex = String(scalar.value, radix: 16)
                out += "\\u" + String(repeating: "0", count: 4 - hex.count) + hex
            default: out.unicodeScalars.append(scalar)
            }
        }
        return out + "\""
    }

    func testEveryASCIIValueAtEveryPosition() {
        var checked = 0
        for value in 0..<128 {
            for position in 0..<17 {
                var scalars = Array(repeating: Unicode.Scalar(UInt8(ascii: "a")), count: 17)
                scalars[position] = Unicode.Scalar(UInt8(value))
                var s = ""
                s.unicodeScalars.append(contentsOf: scalars)
                XCTAssertEqual(JSONObjectWriter.quoted(s), Self.reference(s), "value \(value) at \(position)")
                checked += 1
            }
        }
        XCTAssertEqual(checked, 128 * 17)
    }

    func testUTF8AndBase64PassVerbatim() {
        for s in ["é\"ü\\ñ€漢字😀tail", "QUJDREVGR0hJSktMTU5PUFFSU1RVVldYWVo+/w==", "", "\u{7f}\u{80}\u{9f}"] {
            XCTAssertEqual(JSONObjectWriter.quoted(s), Self.reference(s), s)
        }
        XCTAssertFalse(JSONObjectWriter.needsEscape(0xff80_7f61_2021_5b5d))
        XCTAssertTrue(JSONObjectWriter.needsEscape(0x6161_6161_6161_611f))
        XCTAssertTrue(JSONObjectWriter.needsEscape(0x2261_6161_6161_6161))
        XCTAssertTrue(JSONObjectWriter.needsEscape(0x6161_6161_5c61_6161))
    }
}
