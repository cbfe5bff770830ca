import XCTest
@testable import XSignature
@testable import XSigBatch

/// The streaming readers: line splitting, format detection, RFC 4180 CSV (quoting edge cases,
/// line numbers across quoted line breaks), NDJSON. Every bad record is reported with its line.
final class BatchInputTests: XCTestCase {
    // MARK: Lines

    func testLineReaderSplitsCRLFDropsBOMAndKeepsLineNumbers() throws {
        let lines = LineReader(source: MemoryByteSource([0xEF, 0xBB, 0xBF] + Array("a\r\nbb\n\nc".utf8)), initialBuffer: 16)
        var got: [(String, Int)] = []
        while let line = try lines.next() { got.append((String(decoding: line.bytes, as: UTF8.self), line.number)) }
        XCTAssertEqual(got.map(\.0), ["a", "bb", "", "c"])
        XCTAssertEqual(got.map(\.1), [1, 2, 3, 4])
        XCTAssertEqual(lines.bytesConsumed, 3 + 8)
    }

    func testLineReaderAcrossTinyBuffersAndOverlongLines() throws {
        let long = String(repeating: "x", count: 100)
        let text = "a\n\(long)\nbcdefghij\n\(long)"
        let lines = LineReader(source: MemoryByteSource(text), maximumLineBytes: 40, initialBuffer: 16)
        var got: [String] = []
        while let line = try lines.next() { got.append(line.overlong ? "<overlong \(line.number)>" : String(decoding: line.bytes, as: UTF8.self)) }
        XCTAssertEqual(got, ["a", "<overlong 2>", "bcdefghij", "<overlong 4>"])
        XCTAssertEqual(lines.bytesConsumed, UInt64(text.utf8.count))
    }

    func testShortFirstReadsStillSplitLines() throws {
        /// Hands out one byte per read: the BOM check has to wait for three.
        struct Trickle: BatchByteSource {
            var bytes: [UInt8]
            mutating func read(into buffer: UnsafeMutableRawBufferPointer) throws -> Int {
                guard !bytes.isEmpty else { return 0 }
                buffer[0] = bytes.removeFirst()
                return 1
            }
        }
        for text in ["a\n", "a\nb", "\n", "ab\ncd\n"] {
            let lines = LineReader(source: Trickle(bytes: Array(text.utf8)))
            var got: [String] = []
            while let line = try lines.next() { got.append(String(decoding: line.bytes, as: UTF8.self)) }
            XCTAssertEqual(got, text.split(separator: "\n", omittingEmptySubsequences: false).map(String.init).dropLast(text.hasSuffix("\n") ? 1 : 0), text.debugDescription)
        }
        XCTAssertEqual(try BatchFixtures.read("a\n").compactMap(\.batchValue?.sessionToken), ["a"])
    }

    func testTrailingNewlineMakesNoRecordButAnEmptyLineIsAnEmptyToken() throws {
        XCTAssertEqual(try BatchFixtures.read("a\nb\n", format: .text).compactMap(\.batchValue?.sessionToken), ["a", "b"])
        let records = try BatchFixtures.read("a\n\nb", format: .text)
        XCTAssertEqual(records.compactMap(\.batchValue?.sessionToken), ["a", "", "b"])
        XCTAssertEqual(records.compactMap(\.batchValue?.line), [1, 2, 3])
        XCTAssertEqual(try BatchFixtures.read("", format: .text).count, 0)
    }

    // MARK: Format detection

    func testFormatDetectionFromExtensionThenFirstLine() throws {
        XCTAssertEqual(BatchInputFormat.fromExtension(of: "/x/tokens.CSV"), .csv)
        XCTAssertEqual(BatchInputFormat.fromExtension(of: "a.jsonl"), .ndjson)
        XCTAssertEqual(BatchInputFormat.fromExtension(of: "a.txt"), .text)
        XCTAssertNil(BatchInputFormat.fromExtension(of: "dir.v2/tokens"))
        func detected(_ text: String, path: String? = nil) throws -> BatchInputFormat? {
            let reader = BatchInputReader(source: MemoryByteSource(text), path: path)
            _ = try reader.nextRecord()
            return reader.format
        }
        XCTAssertEqual(try detected("{\"session_token\":\"a\"}\n"), .ndjson)
        XCTAssertEqual(try detected("user,\" session_token\",x\nu,a,1\n"), .csv)
        XCTAssertEqual(try detected("abc\n"), .text)
        XCTAssertEqual(try detected("session_token,timestamp\na,1\n", path: "t.txt"), .text, "the extension wins")
        // Blank lines before the first token are records of a text input, read back after the peek.
        let records = try BatchFixtures.read("\n\nabc\n")
        XCTAssertEqual(records.compactMap(\.batchValue?.line), [1, 2, 3])
        XCTAssertEqual(records.compactMap(\.batchValue?.sessionToken), ["", "", "abc"])
    }

    // MARK: CSV

    func testCSVQuotingEdgeCases() throws {
        // Built from lines: a CSV field ending in "" next to its closing quote would end a Swift """ literal.
        let csv = [
            #"session_token,timestamp,nonce,device_fingerprint,extra"# + "\r",
            #"plain,1,n1,fp,ignored"# + "\r",
            #""quoted,comma",,,"",x"# + "\r",
            #""with ""quotes""",2,,"fp ""2""",x"# + "\r",
            #""multi"#,
            #"line"#,
            #"token",3,,,x"# + "\r",
            #"after,4,,,"trailing ""x""""# + "\r",
            "",
            "last,5,,,x",
        ].joined(separator: "\n")
        let records = try BatchFixtures.read(csv)
        let ok = records.compactMap(\.batchValue)
        XCTAssertEqual(records.count, 6)
        XCTAssertEqual(ok.map(\.sessionToken), ["plain", "quoted,comma", "with \"quotes\"", "multi\nline\ntoken", "after", "last"])
        XCTAssertEqual(ok.map(\.line), [2, 3, 4, 5, 8, 10], "a quoted field over two line breaks moves the next record to line 8")
        XCTAssertEqual(ok.map(\.timestamp), [1, nil, 2, 3, 4, 5])
        XCTAssertEqual(ok[0].nonce, "n1")
        XCTAssertNil(ok[1].nonce, "an empty optional value is not set")
        XCTAssertEqual(ok[0].headers.deviceFingerprint, "fp")
        XCTAssertNil(ok[1].headers.deviceFingerprint)
        XCTAssertEqual(ok[2].headers.deviceFingerprint, "fp \"2\"")
    }

    func testMalformedCSVRecordsNameTheirLineAndReadingResumes() throws {
        let csv = [
            "session_token,timestamp",
            "good1,1",
            #"bad"quote,2"#,
            #""closed"junk,3"#,
            "good2,4",
            "three,5,fields",
            #""open,6"#,
        ].joined(separator: "\n")
        let records = try BatchFixtures.read(csv)
        XCTAssertEqual(records.count, 6)
        XCTAssertEqual(records.compactMap(\.batchValue?.sessionToken), ["good1", "good2"])
        let errors = records.compactMap(\.batchFailure)
        XCTAssertEqual(errors.map(\.line), [3, 4, 6, 7])
        XCTAssertTrue(errors[0].message.contains("a quote inside unquoted field 1"), errors[0].message)
        XCTAssertTrue(errors[1].message.contains("text after the closing quote of field 1"), errors[1].message)
        XCTAssertTrue(errors[2].message.contains("3 fields; the header row has 2"), errors[2].message)
        XCTAssertTrue(errors[3].message.contains("not closed before the end of the input"), errors[3].message)
        XCTAssertTrue(errors.allSatisfy { !$0.message.contains("good") && !$0.message.contains("junk") })
    }

    func testMalformedQuoteOnAContinuationLineNamesBothLines() throws {
        let records = try BatchFixtures.read("session_token\n\"a\nb\"x\nc\n")
        XCTAssertEqual(records.count, 2)
        XCTAssertEqual(records[0].batchFailure?.line, 2)
        XCTAssertTrue(records[0].batchFailure!.message.contains("on line 3 of a record that starts on line 2"), records[0].batchFailure!.message)
        XCTAssertEqual(records[1].batchValue?.line, 4)
    }

    func testCSVHeaderProblemsStopTheInput() throws {
        XCTAssertThrowsError(try BatchFixtures.read("token,timestamp\na,1\n", format: .csv)) { error in
            XCTAssertTrue("\(error)".contains("no session_token column"), "\(error)")
        }
        XCTAssertThrowsError(try BatchFixtures.read("session_token,session_token\na,b\n", format: .csv)) { error in
            XCTAssertTrue("\(error)".contains("twice"), "\(error)")
        }
        XCTAssertThrowsError(try BatchFixtures.read("", format: .csv))
    }

    func testCSVBadTimestampAndBadHeaderValueAreRecordErrors() throws {
        let records = try BatchFixtures.read("session_token,timestamp,agent\na,12x,\nb,,\"bad\nagent\"\nc,1,ok\n")
        XCTAssertEqual(records.compactMap(\.batchFailure).map(\.line), [2, 3])
        XCTAssertTrue(records[0].batchFailure!.message.contains("timestamp must be a non-negative integer"))
        XCTAssertTrue(records[1].batchFailure!.message.contains("agent contains a control character"))
        XCTAssertEqual(records[2].batchValue?.headers.agent, "ok")
        XCTAssertEqual(records[2].batchValue?.line, 5)
    }

    // MARK: NDJSON

    func testNDJSONFieldsEscapesAndNulls() throws {
        let text = """
        {"session_token":"a\\u00e9\\ud83d\\ude00\\"\\\\/","timestamp":"17","nonce":null,"agent":"x/1","other":{"deep":[1,2.5e3,true,null,"s"]}}

          {"timestamp": 18 , "session_token" : "b", "lang": "en-us"}
        {"session_token":"c"}
        """
        let records = try BatchFixtures.read(text)
        let ok = records.compactMap(\.batchValue)
        XCTAssertEqual(ok.count, 3)
        XCTAssertEqual(ok[0].sessionToken, "aé😀\"\\/")
        XCTAssertEqual(ok.map(\.timestamp), [17, 18, nil])
        XCTAssertNil(ok[0].nonce)
        XCTAssertEqual(ok[0].headers.agent, "x/1")
        XCTAssertEqual(ok[1].headers.language, "en-us")
        XCTAssertEqual(ok.map(\.line), [1, 3, 4], "blank lines are skipped but still counted")
    }

    func testInvalidNDJSONLinesAreRecordErrorsWithLineAndColumn() throws {
        let lines = [
            #"{"session_token":"ok1"}"#,
            #"{"session_token":"secret-tok""#,
            #"["session_token"]"#,
            #"{"session_token":"a","session_token":"b"}"#,
            #"{"session_token":12}"#,
            #"{"timestamp":"soon","session_token":"a"}"#,
            #"{"timestamp":-5,"session_token":"a"}"#,
            #"{"session_token":"a"} trailing"#,
            #"{"nonce":"n"}"#,
            #"{"session_token":"a\x"}"#,
            #"{"session_token":"ok2"}"#,
        ]
        let records = try BatchFixtures.read(lines.joined(separator: "\n"), format: .ndjson)
        XCTAssertEqual(records.count, lines.count)
        XCTAssertEqual(records.compactMap(\.batchValue?.sessionToken), ["ok1", "ok2"])
        let errors = records.compactMap(\.batchFailure)
        XCTAssertEqual(errors.map(\.line), Array(2...10))
        let expected = ["invalid JSON at column 30: the object is not closed", "not a JSON object", "field session_token appears twice",
                        "field session_token must be a string", "timestamp must be a non-negative integer",
                        "timestamp must be a non-negative integer", "invalid JSON at column 23: text after the JSON object",
                        "record has no session_token field", "invalid JSON at column 21: an unknown escape"]
        for (error, text) in zip(errors, expected) { XCTAssertTrue(error.message.contains(text), "\(error) should say \(text)") }
        XCTAssertFalse(errors.contains { $0.message.contains("secret-tok") }, "messages never echo the token")
    }
}
