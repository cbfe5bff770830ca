import Foundation
import XCTest
@testable import XSigRSA

/// Source of truth: OpenSSL. Every key form is produced by OpenSSL (library or `openssl` CLI),
/// decoded by xsig, and the n and e xsig reads are compared with OpenSSL's own members.
final class PublicKeyDecoderTests: XCTestCase {
    var directory: URL!

    override func setUpWithError() throws {
        directory = FileManager.default.temporaryDirectory.appendingPathComponent("xsig-keys-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
    }

    override func tearDownWithError() throws {
        try? FileManager.default.removeItem(at: directory)
    }

    @discardableResult
    func openssl(_ arguments: [String]) throws -> Data {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = ["openssl"] + arguments
        process.currentDirectoryURL = directory
        let out = Pipe()
        process.standardOutput = out
        process.standardError = FileHandle.nullDevice
        try process.run()
        let data = out.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        XCTAssertEqual(process.terminationStatus, 0, "openssl \(arguments.joined(separator: " "))")
        return data
    }

    func file(_ name: String) throws -> [UInt8] { Array(try Data(contentsOf: directory.appendingPathComponent(name))) }

    func testEveryFormReadsTheSameModulusAndExponentAsOpenSSL() throws {
        let pair = try TestKeys.pair(bits: 2048)
        let n = pair.member("n"), e = pair.member("e")
        let pem = try pair.pem(privateKey: false)
        try pair.pem(privateKey: true).write(to: directory.appendingPathComponent("priv.pem"), atomically: true, encoding: .utf8)
        try openssl(["pkey", "-in", "priv.pem", "-pubout", "-outform", "DER", "-out", "spki.der"])
        try openssl(["rsa", "-in", "priv.pem", "-RSAPublicKey_out", "-out", "pkcs1.pem"])
        try openssl(["rsa", "-in", "priv.pem", "-RSAPublicKey_out", "-outform", "DER", "-out", "pkcs1.der"])
        try openssl(["req", "-x509", "-new", "-key", "priv.pem", "-subj", "/CN=xsig test", "-days", "2", "-out", "cert.pem"])
        try openssl(["x509", "-in", "cert.pem", "-outform", "DER", "-out", "cert.der"])
        let spkiDER = try file("spki.der")
        let pkcs1DER = try file("pkcs1.der")
        let pemOneLine = pem.split(separator: "\n").joined()
        let escaped = pem.replacingOccurrences(of: "\n", with: "\\n")
        let jsonBody = "{\"public_key\":\"\(escaped)\"}"
        let jsonBodyNoNewlines = "{\"public_key\":\"-----BEGIN PUBLIC KEY-----\(pem.split(separator: "\n").dropFirst().dropLast().joined())-----END PUBLIC KEY-----\"}"
        let jsonBodyBare = "{\"public_key\":\"\(Base64.encode(spkiDER))\"}"
        let jwk = "{\"kty\":\"RSA\",\"n\":\"\(Base64.encode(n, urlSafe: true))\",\"e\":\"\(Base64.encode(e, urlSafe: true))\",\"alg\":\"RSA-OAEP-256\"}"
        let base64Wrapped = stride(from: 0, to: Base64.encode(spkiDER).count, by: 64).map { i -> String in
            let s = Base64.encode(spkiDER)
            return String(s.dropFirst(i).prefix(64))
        }.joined(separator: "\n")

        let cases: [(String, [UInt8], PublicKeyForm)] = [
            ("PEM SPKI", Array(pem.utf8), .pemSubjectPublicKeyInfo),
            ("PEM SPKI on one line", Array(pemOneLine.utf8), .pemSubjectPublicKeyInfo),
            ("PEM SPKI with CRLF", Array(pem.replacingOccurrences(of: "\n", with: "\r\n").utf8), .pemSubjectPublicKeyInfo),
            ("PEM PKCS#1", try file("pkcs1.pem"), .pemPKCS1),
            ("DER SPKI", spkiDER, .derSubjectPublicKeyInfo),
            ("DER PKCS#1", pkcs1DER, .derPKCS1),
            ("Base64 SPKI", Array(Base64.encode(spkiDER).utf8), .base64SubjectPublicKeyInfo),
            ("Base64 SPKI wrapped", Array(base64Wrapped.utf8), .base64SubjectPublicKeyInfo),
            ("Base64 PKCS#1", Array(Base64.encode(pkcs1DER).utf8), .base64PKCS1),
            ("API JSON escaped newlines", Array(jsonBody.utf8), .publicKeyAPIJSON),
            ("API JSON no newlines", Array(jsonBodyNoNewlines.utf8), .publicKeyAPIJSON),
            ("API JSON bare Base64", Array(jsonBodyBare.utf8), .publicKeyAPIJSON),
            ("JWK", Array(jwk.utf8), .jwk),
            ("JWK set", Array("{\"keys\":[\(jwk)]}".utf8), .jwk),
            ("PEM certificate", try file("cert.pem"), .pemCertificate),
            ("DER certificate", try file("cert.der"), .derCertificate),
        ]
        for (name, bytes, form) in cases {
            let result = try PublicKeyDecoder().decode(bytes)
            XCTAssertEqual(result.form, form, name)
            XCTAssertEqual(result.key.modulus, n, name)
            XCTAssertEqual(result.key.publicExponent, e, name)
        }
        // xsig's own encodings read back in OpenSSL to the same key.
        let key = try PublicKeyDecoder().decode(Array(pem.utf8)).key
        XCTAssertEqual(key.pemRepresentation, pem)
        XCTAssertEqual(key.derRepresentation, spkiDER)
        XCTAssertEqual(key.pkcs1DERRepresentation, pkcs1DER)
        XCTAssertEqual(try OpenSSLKey.fromDER(key.derRepresentation, isPrivate: false).member("n"), n)
    }

    func testRefusals() throws {
        try openssl(["genpkey", "-algorithm", "EC", "-pkeyopt", "ec_paramgen_curve:P-256", "-out", "ec.pem"])
        try openssl(["pkey", "-in", "ec.pem", "-pubout", "-out", "ec.pub.pem"])
        try openssl(["genpkey", "-algorithm", "ED25519", "-out", "ed.pem"])
        try openssl(["pkey", "-in", "ed.pem", "-pubout", "-out", "ed.pub.pem"])
        let pair = try TestKeys.pair(bits: 2048)
        try pair.pem(privateKey: true).write(to: directory.appendingPathComponent("priv.pem"), atomically: true, encoding: .utf8)
        try openssl(["rsa", "-in", "priv.pem", "-traditional", "-out", "priv-pkcs1.pem"])
        try openssl(["pkcs8", "-topk8", "-in", "priv.pem", "-passout", "pass:x", "-out", "enc.pem"])
        let pem = try pair.pem(privateKey: false)
        let lines = pem.split(separator: "\n")

        let cases: [(String, [UInt8], XSigError.Code, String)] = [
            ("EC public key", try file("ec.pub.pem"), .unsupportedKey, "EC (id-ecPublicKey) public key, not RSA"),
            ("Ed25519 public key", try file("ed.pub.pem"), .unsupportedKey, "Ed25519 public key, not RSA"),
            ("EC private key", try file("ec.pem"), .privateKeyGiven, "private key"),
            ("PKCS#8 private key", try file("priv.pem"), .privateKeyGiven, "PEM PRIVATE KEY"),
            ("PKCS#1 private key", try file("priv-pkcs1.pem"), .privateKeyGiven, "PEM RSA PRIVATE KEY"),
            ("encrypted PKCS#8", try file("enc.pem"), .privateKeyGiven, "ENCRYPTED PRIVATE KEY"),
            ("DER PKCS#8 private key", try pair.der(privateKey: true), .privateKeyGiven, "PKCS#8"),
            ("JWK with d", Array("{\"kty\":\"RSA\",\"n\":\"AQAB\",\"e\":\"AQAB\",\"d\":\"AQAB\"}".utf8), .privateKeyGiven, "private member d"),
            ("EC JWK", Array("{\"kty\":\"EC\",\"crv\":\"P-256\",\"x\":\"AA\",\"y\":\"AA\"}".utf8), .unsupportedKey, "kty EC (P-256)"),
            ("truncated PEM", Array(lines.dropLast().joined(separator: "\n").utf8), .invalidKey, "no matching '-----END PUBLIC KEY-----'"),
            ("PEM body cut short", Array((lines.prefix(3) + [lines.last!]).joined(separator: "\n").utf8), .invalidKey, "not a valid SubjectPublicKeyInfo"),
            ("PEM body corrupt", Array(pem.replacingOccurrences(of: "A", with: "!").utf8), .invalidKey, "not valid Base64"),
            ("DER truncated", Array(try pair.der(privateKey: false).dropLast(10)), .invalidKey, "malformed or truncated"),
            ("garbage text", Array("hello, world!".utf8), .invalidKey, "not PEM, DER, JSON, JWK"),
            ("empty", [], .invalidKey, "empty"),
            ("JSON without key", Array("{\"x\":1}".utf8), .invalidKey, "neither a public_key field"),
            ("bad JSON", Array("{\"public_key\":".utf8), .invalidKey, "not a valid JSON object"),
            ("wrong PEM label", Array("-----BEGIN FOO-----\nAAAA\n-----END FOO-----\n".utf8), .unsupportedKey, "'FOO' is not a public key"),
        ]
        for (name, bytes, code, fragment) in cases {
            XCTAssertThrowsError(try PublicKeyDecoder().decode(bytes), name) { error in
                let error = error as! XSigError
                XCTAssertEqual(error.code, code, "\(name): \(error)")
                XCTAssertTrue(error.message.contains(fragment), "\(name): '\(error.message)' lacks '\(fragment)'")
            }
        }
    }

    func testKeyValidation() throws {
        let n2048 = try TestKeys.pair(bits: 2048).member("n")
        let n1024 = try TestKeys.pair(bits: 1024).member("n")
        func refuse(_ n: [UInt8], _ e: [UInt8], _ fragment: String, policy: KeyPolicy = .standard, line: UInt = #line) {
            XCTAssertThrowsError(try RSAPublicKey(modulus: n, publicExponent: e, policy: policy), line: line) {
                XCTAssertTrue("\($0)".contains(fragment), "'\($0)' lacks '\(fragment)'", line: line)
            }
        }
        refuse(n1024, [1, 0, 1], "under 2048 bits; pass --allow-weak-key")
        XCTAssertEqual(try RSAPublicKey(modulus: n1024, publicExponent: [1, 0, 1], policy: .allowingWeakKeys).modulusBits, 1024)
        refuse(Array(n2048.dropLast()) + [n2048.last! & 0xfe], [1, 0, 1], "modulus is even")
        refuse(n2048, [1], "must be odd and at least 3")
        refuse(n2048, [2], "must be odd and at least 3")
        refuse(n2048, [1, 0, 0], "must be odd and at least 3")
        refuse([UInt8](repeating: 0xff, count: 64), [3], "under the 1024-bit floor", policy: .allowingWeakKeys)
        refuse([0x01] + [UInt8](repeating: 0xff, count: 2048), [3], "over the 16384-bit limit")
        refuse(n2048, n2048, "not smaller than the modulus")
        // The same refusals arrive through DER.
        let evenDER = RSAPKCS1PublicKey(modulus: (Array(n2048.dropLast()) + [0x10])[...], publicExponent: [1, 0, 1][...])
        let weakExponentDER = RSAPKCS1PublicKey(modulus: n2048[...], publicExponent: [1][...])
        for (key, fragment) in [(evenDER, "modulus is even"), (weakExponentDER, "at least 3")] {
            var serializer = SwiftASN1Serializer()
            let der = try serializer.serialize(key)
            XCTAssertThrowsError(try PublicKeyDecoder().decode(der)) { XCTAssertTrue("\($0)".contains(fragment), "\($0)") }
        }
    }
}

import SwiftASN1

struct SwiftASN1Serializer {
    mutating func serialize(_ key: RSAPKCS1PublicKey) throws -> [UInt8] {
        var serializer = DER.Serializer()
        try serializer.serialize(key)
        return serializer.serializedBytes
    }
}
