import Foundation
import XCTest
@testable import XSignature
@testable import XSigBatch

/// The batch's output is right, not just well-formed: 100,000 records signed by the streaming
/// engine, every signature decrypted by OpenSSL with the private key, every payload matching
/// the token, timestamp and nonce printed beside it.
///
/// A fresh 1024-bit key keeps OpenSSL's private operations to a few seconds (the size changes
/// nothing in the batch's code paths); OAEP-SHA-256 at 1024 bits leaves 62 payload bytes, so
/// tokens are 6 characters.
final class BatchDecryptTests: XCTestCase {
    func testHundredThousandRecordsAllDecryptToTheirPayloads() throws {
        let count = 100_000
        let privateKey = try OpenSSLKey.generateRSA(bits: 1024, publicExponent: [1, 0, 1])
        let publicKey = try privateKey.publicKey(policy: .allowingWeakKeys)
        // Tokens from a 64-character alphabet, varied per record, with a per-record timestamp.
        let alphabet = Array("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_")
        var input = ""
        input.reserveCapacity(count * 7)
        for i in 0..<count {
            var n = i &* 2_654_435_761 % (1 << 30)
            var token = ""
            for _ in 0..<6 {
                token.append(alphabet[n & 63])
                n >>= 6
            }
            input += token + "\n"
        }
        let configuration = BatchConfiguration(timestamps: .fixed(base: 1_700_000_000_000, stepMilliseconds: 3))
        let batch = try BatchSigner(key: publicKey, padding: .oaepSHA256, configuration: configuration)
        var output: [UInt8] = []
        output.reserveCapacity(count * 300)
        let summary = try batch.run(source: BatchInputReader(source: MemoryByteSource(input), format: .text),
                                    formatter: BatchOutputFormatter(format: .ndjson), write: { output.append(contentsOf: $0) })
        XCTAssertEqual(summary.recordsIn, UInt64(count))
        XCTAssertEqual(summary.recordsOut, UInt64(count))

        let tokens = input.split(separator: "\n")
        let lines = output.split(separator: UInt8(ascii: "\n"))
        XCTAssertEqual(lines.count, count)
        // Decrypt on every core; each slot is written by exactly one iteration.
        let failures = UnsafeMutableBufferPointer<Int32>.allocate(capacity: count)
        failures.initialize(repeating: 0)
        defer { failures.deallocate() }
        let slices = ProcessInfo.processInfo.activeProcessorCount * 4
        let failuresBase = UncheckedPointer(failures.baseAddress!)
        let sharedLines = UncheckedArray(lines.map { Array($0) })
        let sharedTokens = UncheckedArray(tokens.map(String.init))
        DispatchQueue.concurrentPerform(iterations: slices) { slice in
            for i in stride(from: slice, to: count, by: slices) {
                failuresBase.pointer[i] = Self.check(line: sharedLines.values[i], index: i, token: sharedTokens.values[i], key: privateKey)
            }
        }
        let bad = (0..<count).filter { failures[$0] != 0 }
        XCTAssertEqual(bad.count, 0, "records failing the check: \(bad.prefix(10)) (codes \(bad.prefix(10).map { failures[$0] }))")
    }

    /// 0 when the line's signature decrypts to exactly its own fields and the fields are the
    /// record's; otherwise a code saying what differs.
    private static func check(line: [UInt8], index: Int, token: String, key: OpenSSLKey) -> Int32 {
        guard let object = try? JSONSerialization.jsonObject(with: Data(line)) as? [String: Any] else { return 1 }
        guard object["index"] as? Int == index else { return 2 }
        guard let sessionToken = object["session_token"] as? String, sessionToken == token else { return 3 }
        let timestamp = 1_700_000_000_000 + 3 * UInt64(index)
        guard object["timestamp"] as? String == String(timestamp) else { return 4 }
        guard object["nonce"] as? String == String(timestamp, radix: 16) else { return 5 }
        // Foundation's decoder: independent of xsig's encoder, and optimised in a debug build.
        guard let signature = object["signature"] as? String, let ciphertext = Data(base64Encoded: signature) else { return 6 }
        guard let plain = try? key.decrypt(Array(ciphertext), padding: .oaepSHA256) else { return 7 }
        let expected = "session_token=\(token)&timestamp=\(timestamp)&nonce=\(String(timestamp, radix: 16))"
        return String(decoding: plain, as: UTF8.self) == expected ? 0 : 8
    }
}

/// Read-only data shared with concurrentPerform's iterations.
private struct UncheckedArray<T>: @unchecked Sendable {
    let values: [T]
    init(_ values: [T]) { self.values = values }
}

private struct UncheckedPointer: @unchecked Sendable {
    let pointer: UnsafeMutablePointer<Int32>
    init(_ pointer: UnsafeMutablePointer<Int32>) { self.pointer = pointer }
}
