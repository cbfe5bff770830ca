import XCTest
@testable import XSignature
@testable import XSigBatch

/// `VerifiableRecordReader` reads every `xsig batch --format`: the text is built with
/// `BatchOutputFormatter` itself, so a change of the writer shows up here.
final class VerifyInputFormatsTests: XCTestCase {
    private func read(_ text: String, format: VerifiableRecordReader.Format? = nil, chunk: Int = 4096) throws
        -> (format: VerifiableRecordReader.Format?, records: [VerifiableRecord]) {
        let reader = VerifiableRecordReader(source: MemoryByteSource(Array(text.utf8), readSize: chunk), format: format)
        var records: [VerifiableRecord] = []
        while let record = try reader.next() { records.append(record) }
        return (reader.format, records)
    }

    private func signed(_ i: Int, signature: String) throws -> SignedRecord {
        let fields = LogoutHeaderFields([.domain: "idp.example.com", .clientID: "c", .deviceFingerprint: "f",
                                         .osVersion: "o", .agent: "a", .language: "en"])
        let payload = try SignaturePayload(sessionToken: "tok-\(i)", timestamp: 1_700_000_000_000 + UInt64(i))
        return SignedRecord(index: UInt64(i), line: i + 1, payload: payload, signature: signature,
                            request: try fields.request(signature: signature))
    }

    func testEveryBatchFormatIsDetectedAndReadBack() throws {
        let records = try (10..<13).map { try signed($0, signature: "SIG\($0)+/=") }
        for format in BatchOutputFormat.allCases {
            for header in [true, false] where header || format == .csv {
                let formatter = BatchOutputFormatter(format: format, writesCSVHeader: header)
                var text = String(decoding: formatter.prologue(), as: UTF8.self)
                for record in records { text += formatter.text(of: record) }
                for chunk in [1, 5, 4096] {
                    let back = try read(text, chunk: chunk)
                    XCTAssertEqual(back.format?.rawValue, format.rawValue, "\(format) header \(header)")
                    XCTAssertEqual(back.records.map(\.signature), ["SIG10+/=", "SIG11+/=", "SIG12+/="], "\(format) header \(header) chunk \(chunk)")
                    XCTAssertEqual(back.records.map(\.isMalformed), [false, false, false])
                    switch format {
                    case .ndjson, .csv:
                        XCTAssertEqual(back.records.map(\.index), [10, 11, 12])
                        XCTAssertEqual(back.records.map(\.sessionToken), ["tok-10", "tok-11", "tok-12"])
                        XCTAssertEqual(back.records.map(\.timestamp), ["1700000000010", "1700000000011", "1700000000012"])
                        XCTAssertEqual(back.records.map(\.line), header && format == .csv ? [2, 3, 4] : [1, 2, 3])
                    case .vegeta, .headers:
                        // Blocks claim only the signature; lines are where each block starts.
                        XCTAssertEqual(back.records.map(\.index), [0, 1, 2])
                        XCTAssertEqual(back.records.map(\.sessionToken), [nil, nil, nil])
                        XCTAssertEqual(back.records.map(\.line), [1, 9, 17])
                    }
                }
            }
        }
    }

    func testRepeatedCSVHeaderRowsOfConcatenatedShardsAreSkipped() throws {
        let formatter = BatchOutputFormatter(format: .csv)
        let prologue = String(decoding: formatter.prologue(), as: UTF8.self)
        let text = prologue + formatter.text(of: try signed(0, signature: "A=")) + prologue + formatter.text(of: try signed(1, signature: "B="))
        XCTAssertEqual(try read(text).records.map(\.signature), ["A=", "B="])
    }

    func testBadBlocksAreMalformedAndReadingGoesOn() throws {
        let vegeta = "GET https://h/x\nX-agent a\nX-signature: S1\n\n\n"      // a header line without its colon
            + "GET https://h/x\n@body.json\nx-SIGNATURE:  S2 \n\n"           // a body line, the name in any case
            + "GET https://h/x\nX-signature: S3\nX-signature: S4\n\n"       // two signatures
            + "GET https://h/x\nX-agent: a\n"                                 // none, and no final blank line
        let back = try read(vegeta)
        XCTAssertEqual(back.format, .vegeta)
        XCTAssertEqual(back.records.map(\.isMalformed), [true, false, true, false])
        XCTAssertEqual(back.records.map(\.signature), [nil, "S2", nil, nil])
        XCTAssertEqual(back.records.map(\.line), [1, 6, 10, 14])
        let headers = try read("Host: h\r\nX-signature: S\r\n\r\nHost: h\r\nnot a header\r\n\r\n")
        XCTAssertEqual(headers.format, .headers)
        XCTAssertEqual(headers.records.map(\.isMalformed), [false, true])
        // A request line where header blocks are expected, said explicitly, is malformed.
        XCTAssertEqual(try read("GET https://h/x\nX-signature: S\n\n", format: .headers).records.map(\.isMalformed), [true])
        XCTAssertEqual(try read("Host: h\nX-signature: S\n\n", format: .vegeta).records.map(\.isMalformed), [true])
    }

    func testHeaderlessCSVNeedsTheBatchColumns() throws {
        let formatter = BatchOutputFormatter(format: .csv, writesCSVHeader: false)
        let row = formatter.text(of: try signed(5, signature: "S="))
        XCTAssertEqual(try read(row + "6,short\r\n").records.map(\.isMalformed), [false, true])
        XCTAssertThrowsError(try read("5,a,b\n")) { error in
            XCTAssertTrue("\(error)".hasPrefix("line 1: not a batch output"), "\(error)")
        }
    }
}
