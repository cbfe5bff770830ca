import XCTest
import XSigBigInt

/// GMPInteger's octet-string conversions (RFC 8017 section 4) and arithmetic, checked against
/// values computed by hand and identities that must hold.
final class GMPIntegerTests: XCTestCase {
    func testOS2IPAndI2OSP() {
        let x = GMPInteger(bigEndian: [0x00, 0x00, 0x01, 0x02, 0x03])
        XCTAssertEqual(x, GMPInteger(0x010203))
        XCTAssertEqual(x.bitWidth, 17)
        XCTAssertEqual(x.byteCount, 3)
        XCTAssertEqual(x.bigEndianBytes, [1, 2, 3])
        XCTAssertEqual(x.bigEndianBytes(count: 6), [0, 0, 0, 1, 2, 3])
        XCTAssertNil(x.bigEndianBytes(count: 2), "integer too large for xLen = 2")
        XCTAssertEqual(GMPInteger(0).bigEndianBytes(count: 4), [0, 0, 0, 0])
        XCTAssertEqual(GMPInteger(0).bigEndianBytes, [])
        XCTAssertEqual(GMPInteger(bigEndian: [UInt8]()), GMPInteger(0))
        XCTAssertEqual(GMPInteger(hex: "ff")?.uintValue, 255)
        XCTAssertNil(GMPInteger(hex: "xyz"))
        XCTAssertEqual(GMPInteger(hex: "17b29fa9c7e")?.description, "1628496895102")
        XCTAssertEqual(GMPInteger(1_628_496_895_102).hexString, "17b29fa9c7e")
    }

    func testArithmeticIdentities() {
        let p = GMPInteger(hex: "fffffffffffffffffffffffffffffffffffffffffffffffffffffffefffffc2f")!  // secp256k1 field prime
        XCTAssertTrue(p.isProbablePrime())
        XCTAssertFalse((p + GMPInteger(2)).isProbablePrime())
        let a = GMPInteger(hex: "123456789abcdef0123456789abcdef")!
        // Fermat: a^(p-1) = 1 mod p, on both the variable-time and the side-channel-silent powm.
        XCTAssertEqual(a.power(p - GMPInteger(1), modulus: p), GMPInteger(1))
        XCTAssertEqual(a.powerSecure(p - GMPInteger(1), modulus: p), GMPInteger(1))
        let inverse = a.inverse(modulo: p)!
        XCTAssertEqual((a * inverse).modulo(p), GMPInteger(1))
        XCTAssertNil(GMPInteger(6).inverse(modulo: GMPInteger(9)))
        XCTAssertEqual(GMPInteger(12).gcd(GMPInteger(18)), GMPInteger(6))
        XCTAssertTrue(GMPInteger(7) < GMPInteger(8))
        XCTAssertTrue((GMPInteger(3) - GMPInteger(5)).isNegative)
    }
}

/// Regression: an integer used on both sides of one operation (x == x, x * x) once tripped
/// Swift's exclusive-access check because the mpz_t was borrowed inout twice.
final class GMPIntegerAliasingRegressionTests: XCTestCase {
    func testSameInstanceOnBothSides() {
        let x = GMPInteger(hex: "f00dfeedbeef")!
        XCTAssertTrue(x == x)
        XCTAssertFalse(x < x)
        XCTAssertEqual(x * x, GMPInteger(hex: "e11a3ec1a80227f358eda321")!)
        XCTAssertEqual(x - x, GMPInteger(0))
        XCTAssertEqual(x.gcd(x), x)
        XCTAssertEqual(x.modulo(x), GMPInteger(0))
    }
}
