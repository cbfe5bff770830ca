import XCTest
@testable import XSignature
@testable import XSigBatch

/// Regressions found while hardening (issue 7): `xsig verify --input` held a whole NDJSON line or
/// CSV row in memory however long it was (a 100 MB line took 100 MB and, in debug builds, minutes).
/// Now a line or row over 1 MiB is one malformed record whose octets are dropped as they arrive.
final class VerifyInputRegressionTests: XCTestCase {
    func read(_ bytes: [UInt8], chunk: Int) throws -> [VerifiableRecord] {
        let reader = VerifiableRecordReader(source: MemoryByteSource(bytes, readSize: chunk))
        var records: [VerifiableRecord] = []
        while let record = try reader.next() { records.append(record) }
        return records
    }

    let good = #"{"index":7,"session_token":"tok","timestamp":"1","nonce":"1","signature":"QQ=="}"#

    func testOverlongNDJSONLineIsOneMalformedRecordAndReadingGoesOn() throws {
        let long = #"{"signature":""# + String(repeating: "A", count: VerifiableRecordReader.maximumRecordBytes) + "\"}"
        for tail in ["\n", ""] {
            let input = Array((good + "\n" + long + "\n" + good + "\n" + long + tail).utf8)
            for chunk in [1 << 16, 1000, input.count] {
                let records = try read(input, chunk: chunk)
                XCTAssertEqual(records.map(\.isMalformed), [false, true, false, true], "chunk \(chunk), tail \(tail.count)")
                XCTAssertEqual(records.map(\.line), [1, 2, 3, 4])
                XCTAssertEqual(records.map(\.index), [7, 1, 7, 3])
            }
        }
        // A line of exactly the limit is still read.
        let exact = #"{"signature":""# + String(repeating: "A", count: VerifiableRecordReader.maximumRecordBytes - 16) + "\"}"
        XCTAssertEqual(exact.utf8.count, VerifiableRecordReader.maximumRecordBytes)
        XCTAssertEqual(try read(Array((exact + "\n").utf8), chunk: 4096).map(\.isMalformed), [false])
    }

    func testOverlongCSVRowIsOneMalformedRecordAndReadingGoesOn() throws {
        let long = "x,\"" + String(repeating: "A", count: VerifiableRecordReader.maximumRecordBytes) + "\""
        let input = Array(("session_token,signature\n" + "tok,QQ==\n" + long + "\n" + "tok,QQ==\n").utf8)
        for chunk in [1 << 16, 777] {
            let records = try read(input, chunk: chunk)
            XCTAssertEqual(records.map(\.isMalformed), [false, true, false], "chunk \(chunk)")
            XCTAssertEqual(records.map(\.line), [2, 3, 4])
            XCTAssertEqual(records.last?.signature, "QQ==")
        }
    }

    /// Found by fuzz/FuzzBatchReader (crash-4e955d72...): before the format was known, chunks of
    /// only blank octets (whitespace, line breaks, BOM octets) were dropped, but the chunk that
    /// settled NDJSON kept its own leading ones, so a BOM or a line of them became a malformed
    /// record or not depending on how the input was split.
    func testNDJSONRecordsDoNotDependOnChunking() throws {
        let inputs = [
            "\u{FEFF}" + good + "\n" + good + "\n",
            "\n\n  \n" + good + "\n",
            "\u{FEFF}\n" + good,
        ]
        for text in inputs {
            let bytes = Array(text.utf8)
            let whole = try read(bytes, chunk: bytes.count)
            XCTAssertTrue(whole.allSatisfy { !$0.isMalformed }, "\(text.debugDescription): \(whole)")
            for chunk in [1, 2, 3, 5] {
                XCTAssertEqual(try read(bytes, chunk: chunk), whole, "\(text.debugDescription), chunk \(chunk)")
            }
        }
        XCTAssertEqual(try read(Array(("\n\n  \n" + good + "\n").utf8), chunk: 4096).map(\.line), [4])
        // The fuzzer's input, reduced: octets 0xEF before the first line break. Since verify
        // reads through batch's line and CSV readers, that line is a CSV header that is not
        // UTF-8, refused with its line number, however the input is cut.
        let fuzzed = [UInt8](repeating: 0xEF, count: 11) + [0x0A] + Array((good + "\n").utf8)
        func outcome(_ chunk: Int) -> String {
            do { return "\(try read(fuzzed, chunk: chunk))" } catch { return "error: \(error)" }
        }
        XCTAssertEqual(outcome(fuzzed.count), outcome(1))
        XCTAssertTrue(outcome(1).contains("line 1"), outcome(1))
    }
}
