import Foundation
import XCTest
@testable import XSignature
@testable import XSigBatch

/// The server side of the X-signature: the strict payload parser, the verifier's checks, and the
/// batch readers (NDJSON, RFC 4180 CSV) fed in arbitrary chunks.
final class VerificationTests: XCTestCase {
    static let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()

    static let keys: (RSAPublicKey, RSAPrivateKey) = {
        let pem = try! Data(contentsOf: root.appendingPathComponent("vectors/keys/demo-rsa-2048.pem"))
        let key = try! PrivateKeyDecoder().decode(Array(pem)).key
        return (key.publicKey, key)
    }()

    // MARK: - Payload parser

    func testParserAcceptsTheDocumentedPayloadOnly() {
        XCTAssertEqual(PayloadParser.parse("session_token=abc=&timestamp=1628496895102&nonce=17b29fa9c7e"),
                       .valid(try! SignaturePayload(sessionToken: "abc=", timestamp: 1628496895102)))
        XCTAssertEqual(PayloadParser.parse("session_token=a&timestamp=0&nonce=0"), .valid(try! SignaturePayload(sessionToken: "a", timestamp: 0)))
        let fields = PayloadParser.Fields(sessionToken: "abc", timestamp: "1628496895102", nonce: "17B29FA9C7E")
        let cases: [(String, VerificationFailure, PayloadParser.Fields?)] = [
            ("timestamp=1628496895102&session_token=abc&nonce=17b29fa9c7e", .fieldOrder, nil),
            ("session_token=abc&nonce=17b29fa9c7e&timestamp=1628496895102", .fieldOrder, nil),
            ("session_token=abc&session_token=abc&nonce=17b29fa9c7e", .fieldOrder, nil),
            ("Session_token=abc&timestamp=1628496895102&nonce=17b29fa9c7e", .fieldOrder, nil),
            ("session_token=abc&timestamp=1628496895102&nonce=17b29fa9c7e&extra=1", .extraFields, nil),
            ("session_token=abc&timestamp=1628496895102&nonce=17b29fa9c7e&", .extraFields, nil),
            ("session_token=abc&timestamp=1628496895102", .missingField, nil),
            ("", .missingField, nil),
            ("session_token=abc&timestamp&nonce=17b29fa9c7e", .malformedField, nil),
            ("session_token=&timestamp=1628496895102&nonce=17b29fa9c7e", .invalidSessionToken, PayloadParser.Fields(sessionToken: "", timestamp: "1628496895102", nonce: "17b29fa9c7e")),
            ("session_token=a b&timestamp=1628496895102&nonce=17b29fa9c7e", .invalidSessionToken, PayloadParser.Fields(sessionToken: "a b", timestamp: "1628496895102", nonce: "17b29fa9c7e")),
            ("session_token=abc&timestamp=+1628496895102&nonce=17b29fa9c7e", .invalidTimestamp, PayloadParser.Fields(sessionToken: "abc", timestamp: "+1628496895102", nonce: "17b29fa9c7e")),
            ("session_token=abc&timestamp=01628496895102&nonce=17b29fa9c7e", .invalidTimestamp, PayloadParser.Fields(sessionToken: "abc", timestamp: "01628496895102", nonce: "17b29fa9c7e")),
            ("session_token=abc&timestamp=1.5&nonce=1", .invalidTimestamp, PayloadParser.Fields(sessionToken: "abc", timestamp: "1.5", nonce: "1")),
            ("session_token=abc&timestamp=18446744073709551616&nonce=0", .invalidTimestamp, PayloadParser.Fields(sessionToken: "abc", timestamp: "18446744073709551616", nonce: "0")),
            ("session_token=abc&timestamp=1628496895102&nonce=17B29FA9C7E", .nonceMismatch, fields),
            ("session_token=abc&timestamp=1628496895102&nonce=17b29fa9c7f", .nonceMismatch, PayloadParser.Fields(sessionToken: "abc", timestamp: "1628496895102", nonce: "17b29fa9c7f")),
        ]
        for (text, failure, fields) in cases {
            XCTAssertEqual(PayloadParser.parse(text), .invalid(failure, fields: fields), text)
        }
        XCTAssertEqual(PayloadParser.parse([0x73, 0xff, 0xfe]), .invalid(.payloadNotUTF8, fields: nil))
    }

    // MARK: - Verifier

    func testVerifierChecksFreshnessAndToken() throws {
        let (publicKey, privateKey) = Self.keys
        let signer = try XSignatureSigner(key: publicKey, padding: .oaepSHA256)
        let ts: UInt64 = 1_700_000_000_000
        let signature = try signer.sign(try SignaturePayload(sessionToken: "tok", timestamp: ts))
        for backend in [RSADecryptor.Backend.gmp, .openssl] {
            let verifier = try XSignatureVerifier(privateKey: privateKey, padding: .oaepSHA256, backend: backend)
            let ok = verifier.verify(signature: signature, expecting: .init(now: ts + 299_000, maximumSkewSeconds: 300, sessionToken: "tok"))
            XCTAssertTrue(ok.isValid)
            XCTAssertEqual(ok.json, "{\"valid\":true,\"reason\":null,\"session_token\":\"tok\",\"timestamp\":\"1700000000000\",\"nonce\":\"18bcfe56800\"}")
            XCTAssertEqual(verifier.verify(signature: signature, expecting: .init(now: ts + 301_000, maximumSkewSeconds: 300)).failure, .staleTimestamp)
            XCTAssertEqual(verifier.verify(signature: signature, expecting: .init(now: ts - 301_000, maximumSkewSeconds: 300)).failure, .futureTimestamp)
            XCTAssertTrue(verifier.verify(signature: signature, expecting: .init(now: ts + 301_000)).isValid, "no skew given: no freshness check")
            XCTAssertEqual(verifier.verify(signature: signature, expecting: .init(sessionToken: "toK")).failure, .sessionTokenMismatch)
            XCTAssertEqual(verifier.verify(signature: signature, expecting: .init(sessionToken: "tok2")).failure, .sessionTokenMismatch)
            XCTAssertEqual(verifier.verify(signature: "not base64!").failure, .malformedSignature)
            XCTAssertEqual(verifier.verify(signature: String(signature.dropLast(4))).failure, .decryptionError)
            var tampered = try Base64.decode(signature)
            tampered[100] ^= 0x01
            XCTAssertEqual(verifier.verify(ciphertext: tampered).failure, .decryptionError)
            let json = verifier.verify(ciphertext: tampered).json
            XCTAssertEqual(json, "{\"valid\":false,\"reason\":\"decryption_error\",\"session_token\":null,\"timestamp\":null,\"nonce\":null}")
            // The wrong padding for this signature is a decryption error, not a misparse.
            XCTAssertEqual(try XSignatureVerifier(privateKey: privateKey, padding: .oaepSHA256MGF1SHA1, backend: backend).verify(signature: signature).failure,
                           .decryptionError)
        }
    }

    // MARK: - CSV

    /// CSVRowReader, fed through reads of every size: CRLF inside quotes is kept as written.
    func testCSVRowReaderAcrossEveryReadSize() throws {
        let text = "a,b,c\r\n\"x, \"\"quoted\"\"\",\"line\r\nbreak\",plain\n\n\"\",,last\r\n\"unterminated"
        let expected: [[String]?] = [["a", "b", "c"], ["x, \"quoted\"", "line\r\nbreak", "plain"], ["", "", "last"], nil]
        let bytes = Array(text.utf8)
        for size in 1...bytes.count {
            let lines = LineReader(source: MemoryByteSource(bytes, readSize: size))
            var rows: [[String]?] = []
            while let row = try CSVRowReader.next(lines, overlong: .skip) { rows.append(try? row.get().fields) }
            XCTAssertEqual(rows, expected, "reads of \(size)")
        }
        let lines = LineReader(source: MemoryByteSource("a\"b,c\n\"d\"e,f\n"))
        var failures = 0
        while let row = try CSVRowReader.next(lines, overlong: .skip) { if case .failure = row { failures += 1 } }
        XCTAssertEqual(failures, 2)
    }

    // MARK: - Batch records

    func testRecordReaderReadsNDJSONAndCSVInChunks() throws {
        let ndjson = """
        {"index":7,"session_token":"t7","timestamp":"1700000000007","nonce":"18bcfe56807","signature":"AAA=","headers":{"X-signature":"AAA="}}

        not json
        {"session_token":"t9","timestamp":1700000000009,"signature":"BBB="}
        """
        let csv = "\u{FEFF}index,session_token,timestamp,nonce,signature,headers\r\n"
            + "3,t3,1700000000003,18bcfe56803,CCC=,\"{\"\"X-agent\"\":\"\"a, b\"\"}\"\r\n"
            + "4,t4,1700000000004,18bcfe56804,DDD=,\"multi\r\nline\"\r\n"
            + "x,t5,1,1,EEE=,\r\n"
            + "6,t6\r\n"
        for chunk in [1, 3, 7, 4096] {
            let fromJSON = try read(ndjson, chunk: chunk)
            XCTAssertEqual(fromJSON.format, .ndjson)
            XCTAssertEqual(fromJSON.records.map(\.index), [7, 1, 2], "chunk \(chunk)")
            XCTAssertEqual(fromJSON.records.map(\.isMalformed), [false, true, false])
            XCTAssertEqual(fromJSON.records[0].sessionToken, "t7")
            XCTAssertEqual(fromJSON.records[2].timestamp, "1700000000009")
            XCTAssertEqual(fromJSON.records.map(\.line), [1, 3, 4])

            let fromCSV = try read(csv, chunk: chunk)
            XCTAssertEqual(fromCSV.format, .csv)
            XCTAssertEqual(fromCSV.records.map(\.index), [3, 4, 2, 3], "chunk \(chunk)")
            XCTAssertEqual(fromCSV.records.map(\.isMalformed), [false, false, true, true])
            XCTAssertEqual(fromCSV.records[1].signature, "DDD=")
            XCTAssertEqual(fromCSV.records[0].nonce, "18bcfe56803")
        }
        XCTAssertThrowsError(try read("index,token\n1,a\n", chunk: 5)) { XCTAssertTrue("\($0)".contains("line 1: not a batch output: a CSV header row needs a signature column"), "\($0)") }
    }

    func testRecordsAreCheckedAgainstTheirOwnClaimsInParallel() throws {
        let (publicKey, privateKey) = Self.keys
        let signer = try XSignatureSigner(key: publicKey)
        let verifier = try XSignatureVerifier(privateKey: privateKey)
        var records: [VerifiableRecord] = []
        for i in 0..<12 as Range<UInt64> {
            let payload = try SignaturePayload(sessionToken: "tok-\(i)", timestamp: 1_700_000_000_000 + i)
            records.append(VerifiableRecord(index: i, sessionToken: payload.sessionToken, timestamp: String(payload.timestamp),
                                            nonce: payload.nonce, signature: try signer.sign(payload)))
        }
        records[2].sessionToken = "tok-x"
        records[3].timestamp = "1700000000000"
        records[4].nonce = "0"
        records[5].signature = nil
        records[6].isMalformed = true
        records[7].signature = records[8].signature
        let expected: [VerificationFailure?] = [nil, nil, .sessionTokenMismatch, .timestampMismatch, .nonceMismatch, .missingSignature,
                                                .malformedRecord, .sessionTokenMismatch, nil, nil, nil, nil]
        for jobs in [1, 2, 4] {
            let results = ParallelRecordVerifier(verifier: verifier, jobs: jobs).verify(records)
            XCTAssertEqual(results.map(\.failure), expected, "jobs \(jobs)")
        }
    }

    private func read(_ text: String, chunk: Int) throws -> (format: VerifiableRecordReader.Format?, records: [VerifiableRecord]) {
        let reader = VerifiableRecordReader(source: MemoryByteSource(Array(text.utf8), readSize: chunk))
        var records: [VerifiableRecord] = []
        while let record = try reader.next() { records.append(record) }
        return (reader.format, records)
    }
}
