import Foundation
import XCTest
@testable import XSignature
@testable import XSigBatch

/// The engine's properties: one output or one error per input record, in input order;
/// byte-identical deterministic output for any thread count; shard outputs concatenating into the
/// whole; bad records under both error policies; the request formats; bounded read-ahead.
final class BatchSignerTests: XCTestCase {
    // MARK: Order, counts, determinism

    func testEveryRecordComesOutOnceInInputOrderForAnyThreadCount() throws {
        let input = BatchFixtures.tokens(1500)
        for threads in [1, 2, 3, 7] {
            let outcome = try BatchFixtures.run(input) { $0.threads = threads; $0.chunkSize = 37; $0.seed = nil }
            let objects = try BatchFixtures.objects(outcome.output)
            XCTAssertEqual(objects.map { $0["index"] as? Int }, Array(0..<1500).map { $0 }, "threads \(threads)")
            XCTAssertEqual(objects.map { $0["session_token"] as? String }, (0..<1500).map { "tok\($0)" })
            XCTAssertEqual(outcome.summary.recordsIn, 1500)
            XCTAssertEqual(outcome.summary.recordsOut, 1500)
            XCTAssertEqual(outcome.summary.errors, 0)
            XCTAssertTrue(outcome.summary.completed)
        }
    }

    func testSeededOutputIsByteIdenticalForAnyThreadCountAndChunkSize() throws {
        let input = BatchFixtures.tokens(700)
        let reference = try BatchFixtures.run(input) { $0.threads = 1; $0.chunkSize = 256 }.output
        for (threads, chunk) in [(2, 256), (3, 1), (4, 50), (8, 999)] {
            let output = try BatchFixtures.run(input) { $0.threads = threads; $0.chunkSize = chunk }.output
            XCTAssertEqual(output, reference, "threads \(threads) chunk \(chunk)")
        }
        // Record i uses stream index i: the same as signing it alone with DeterministicStream(seed, i).
        let objects = try BatchFixtures.objects(reference)
        let signer = try XSignatureSigner(key: BatchFixtures.key2048)
        for i in [0, 1, 699] {
            let payload = try SignaturePayload(sessionToken: "tok\(i)", timestamp: 1_700_000_000_000)
            var stream = DeterministicStream(seed: [1, 2, 3], index: UInt64(i))
            XCTAssertEqual(objects[i]["signature"] as? String, try signer.sign(payload, random: &stream))
        }
        // Without a seed the padding is random.
        XCTAssertNotEqual(try BatchFixtures.run(input) { $0.seed = nil }.output, try BatchFixtures.run(input) { $0.seed = nil }.output)
    }

    func testShardOutputsConcatenateToTheUnshardedOutput() throws {
        for (format, inputFormat) in [(BatchOutputFormat.ndjson, BatchInputFormat.text), (.csv, .text), (.vegeta, .text), (.headers, .csv)] {
            let count = 103
            let input = inputFormat == .csv
                ? "session_token,nonce\n" + (0..<count).map { "t\($0),n\($0)\n" }.joined()
                : BatchFixtures.tokens(count)
            let whole = try BatchFixtures.run(input, inputFormat: inputFormat, output: format) {
                $0.headers = BatchFixtures.requestFields
                $0.chunkSize = 16
            }.output
            for n in [1, 2, 4, 7, 200] {
                var joined = ""
                var total: UInt64 = 0
                for i in 0..<n {
                    let shard = try BatchShard(index: i, count: n)
                    let range = shard.range(totalRecords: UInt64(count))
                    let part = try BatchFixtures.run(input, inputFormat: inputFormat, output: format, writesCSVHeader: i == 0) {
                        $0.headers = BatchFixtures.requestFields
                        $0.recordRange = range
                        $0.threads = 1 + i % 3
                    }
                    total += part.summary.recordsIn
                    joined += part.output
                }
                XCTAssertEqual(total, UInt64(count))
                XCTAssertEqual(joined, whole, "\(format) in \(n) shards")
            }
        }
    }

    func testShardRangesPartitionTheRecords() throws {
        for total: UInt64 in [0, 1, 5, 1000, 1001] {
            for n in 1...9 {
                let ranges = try (0..<n).map { try BatchShard(index: $0, count: n).range(totalRecords: total) }
                XCTAssertEqual(ranges.first?.lowerBound, 0)
                XCTAssertEqual(ranges.last?.upperBound, total)
                for (a, b) in zip(ranges, ranges.dropFirst()) { XCTAssertEqual(a.upperBound, b.lowerBound) }
                XCTAssertLessThanOrEqual(ranges.map(\.count).max()! - ranges.map(\.count).min()!, 1)
            }
        }
        XCTAssertThrowsError(try BatchShard(parsing: "4/4"))
        XCTAssertThrowsError(try BatchShard(parsing: "1/0"))
        XCTAssertThrowsError(try BatchShard(parsing: "a/2"))
        XCTAssertEqual(try BatchShard(parsing: "3/8"), try BatchShard(index: 3, count: 8))
    }

    // MARK: Timestamps

    func testTimestampsRecordOwnWinsElseBasePlusIndexTimesStep() throws {
        let input = "session_token,timestamp,nonce\na,,\nb,1628496895102,\nc,,custom\n"
        let objects = try BatchFixtures.objects(try BatchFixtures.run(input) {
            $0.timestamps = .fixed(base: 1000, stepMilliseconds: 250)
        }.output)
        XCTAssertEqual(objects.map { $0["timestamp"] as? String }, ["1000", "1628496895102", "1500"])
        XCTAssertEqual(objects.map { $0["nonce"] as? String }, ["3e8", "17b29fa9c7e", "custom"])
        // Under a shard, the index is the global one.
        let shard = try BatchFixtures.objects(try BatchFixtures.run(BatchFixtures.tokens(10)) {
            $0.timestamps = .fixed(base: 1000, stepMilliseconds: 10)
            $0.recordRange = 6..<10
        }.output)
        XCTAssertEqual(shard.map { $0["timestamp"] as? String }, ["1060", "1070", "1080", "1090"])
        XCTAssertEqual(shard.map { $0["index"] as? Int }, [6, 7, 8, 9])
        // Overflow is a record error, not a wrap-around.
        let overflow = try BatchFixtures.run("a\nb\n") {
            $0.timestamps = .fixed(base: .max, stepMilliseconds: 1)
            $0.onError = .skip
        }
        XCTAssertEqual(overflow.summary.recordsOut, 1)
        XCTAssertTrue(overflow.errors[0].message.contains("overflows"))
    }

    // MARK: Bad records under both policies

    /// One of each bad-record kind of the issue, with its line, in text/CSV/NDJSON inputs.
    static let badInputs: [(name: String, input: String, format: BatchInputFormat, badLine: Int, message: String)] = [
        ("empty token", "good0\n\ngood2\n", .text, 2, "session token is empty"),
        ("token with &", "good0\nse&cret\ngood2\n", .text, 2, "contains '&' at character 3"),
        ("bad timestamp", "session_token,timestamp\ngood0,1\ngood1,12:00\ngood2,3\n", .csv, 3, "timestamp must be a non-negative integer"),
        ("malformed CSV quoting", "session_token,timestamp\ngood0,1\n\"unclosed\"x,2\ngood2,3\n", .csv, 3, "malformed CSV"),
        ("invalid JSON line", "{\"session_token\":\"good0\"}\n{\"session_token\":\"secret\n{\"session_token\":\"good2\"}\n", .ndjson, 2, "invalid JSON at column"),
    ]

    func testEachBadRecordKindStopsAFailRunWithItsLine() throws {
        for bad in Self.badInputs {
            let outcome = try BatchFixtures.run(bad.input, inputFormat: bad.format) { $0.onError = .fail }
            let stopped = try XCTUnwrap(outcome.summary.stoppedBy, bad.name)
            XCTAssertEqual(stopped.line, bad.badLine, bad.name)
            XCTAssertTrue(stopped.message.contains(bad.message), "\(bad.name): \(stopped.message)")
            XCTAssertFalse(stopped.message.contains("secret"), bad.name)
            XCTAssertEqual(outcome.errors, [stopped], bad.name)
            XCTAssertEqual(outcome.summary.recordsIn, outcome.summary.recordsOut + outcome.summary.errors, bad.name)
            XCTAssertEqual(outcome.summary.recordsIn, 2, "\(bad.name): nothing after the bad record is read")
            XCTAssertFalse(outcome.output.contains("good2"), bad.name)
        }
    }

    func testEachBadRecordKindIsSkippedAndListedUnderSkip() throws {
        for bad in Self.badInputs {
            let outcome = try BatchFixtures.run(bad.input, inputFormat: bad.format) { $0.onError = .skip }
            XCTAssertNil(outcome.summary.stoppedBy, bad.name)
            XCTAssertEqual(outcome.errors.map(\.line), [bad.badLine], bad.name)
            XCTAssertEqual(outcome.errors.map(\.index), [1], bad.name)
            XCTAssertTrue(outcome.errors[0].message.contains(bad.message), "\(bad.name): \(outcome.errors[0].message)")
            XCTAssertEqual(outcome.summary.recordsIn, 3, bad.name)
            XCTAssertEqual(outcome.summary.recordsOut, 2, bad.name)
            XCTAssertEqual(outcome.summary.errors, 1, bad.name)
            let objects = try BatchFixtures.objects(outcome.output)
            XCTAssertEqual(objects.map { $0["index"] as? Int }, [0, 2], "\(bad.name): the good records keep their global index")
            XCTAssertEqual(objects.map { $0["session_token"] as? String }, ["good0", "good2"], bad.name)
        }
    }

    func testRecordsInEqualsRecordsOutPlusErrorsOnAMixedInput() throws {
        var lines: [String] = []
        var bad = Set<Int>()
        for i in 0..<600 {
            switch i % 7 {
            case 3: lines.append(""); bad.insert(i)
            case 5: lines.append("x&\(i)"); bad.insert(i)
            default: lines.append("t\(i)")
            }
        }
        for threads in [1, 3] {
            var outcomes: [Result<SignedRecord, BatchRecordError>] = []
            var configuration = BatchConfiguration(timestamps: .fixed(base: 1), threads: threads, onError: .skip, chunkSize: 10)
            configuration.seed = [9]
            let batch = try BatchSigner(key: BatchFixtures.key1024, padding: .pkcs1v15, configuration: configuration)
            let summary = try batch.run(source: BatchInputReader(source: MemoryByteSource(lines.joined(separator: "\n")), format: .text),
                                        onRecord: { outcomes.append($0) })
            XCTAssertEqual(summary.recordsIn, 600)
            XCTAssertEqual(summary.recordsIn, summary.recordsOut + summary.errors)
            XCTAssertEqual(summary.errors, UInt64(bad.count))
            XCTAssertEqual(outcomes.count, 600)
            for (i, outcome) in outcomes.enumerated() {
                switch outcome {
                case let .success(record):
                    XCTAssertFalse(bad.contains(i))
                    XCTAssertEqual(record.index, UInt64(i))
                    XCTAssertEqual(record.line, i + 1)
                case let .failure(error):
                    XCTAssertTrue(bad.contains(i))
                    XCTAssertEqual(error.index, UInt64(i))
                    XCTAssertEqual(error.line, i + 1)
                }
            }
        }
    }

    func testAFatalInputErrorComesAfterTheRecordsBeforeIt() throws {
        // A CSV record over the size cap cannot be resynchronised: the input stops there.
        let huge = "\"" + String(repeating: "x", count: CSVRowReader.maximumRecordBytes / 2) + "\n" + String(repeating: "y", count: CSVRowReader.maximumRecordBytes / 2 + 10)
        let input = "session_token\n" + (0..<300).map { "t\($0)\n" }.joined() + huge + "\nlater\n"
        var bytes: [UInt8] = []
        let batch = try BatchSigner(key: BatchFixtures.key1024, padding: .pkcs1v15, configuration: BatchConfiguration(timestamps: .fixed(base: 1), threads: 2))
        XCTAssertThrowsError(try batch.run(source: BatchInputReader(source: MemoryByteSource(input)), formatter: BatchOutputFormatter(format: .ndjson),
                                           write: { bytes.append(contentsOf: $0) })) { error in
            XCTAssertTrue("\(error)".contains("line 302: CSV record is over"), "\(error)")
        }
        XCTAssertEqual(String(decoding: bytes, as: UTF8.self).split(separator: "\n").count, 300)
    }

    // MARK: Request fields and formats

    func testPerRecordOverridesAndMissingMandatoryFields() throws {
        let csv = "session_token,agent,device_ip\na,,\nb,other/2,10.0.0.1\n"
        let objects = try BatchFixtures.objects(try BatchFixtures.run(csv) { $0.headers = BatchFixtures.requestFields }.output)
        let headers = objects.map { $0["headers"] as? [String: String] }
        XCTAssertEqual(headers[0]?["X-agent"], "loadtest/1.0")
        XCTAssertNil(headers[0]?["X-device-ip"])
        XCTAssertEqual(headers[1]?["X-agent"], "other/2")
        XCTAssertEqual(headers[1]?["X-device-ip"], "10.0.0.1")
        XCTAssertEqual(headers[1]?["X-signature"], objects[1]["signature"] as? String)

        // No request field anywhere: NDJSON has no headers object.
        XCTAssertNil(try BatchFixtures.objects(try BatchFixtures.run("a\n").output)[0]["headers"])
        // A request format without the fields fails before any work, naming the field.
        XCTAssertThrowsError(try BatchFixtures.run("a\n", output: .vegeta)) { error in
            XCTAssertEqual("\(error)", "missing mandatory domain: give --domain (or --base-url) or an input column named domain")
        }
        var partial = BatchFixtures.requestFields
        partial.agent = nil
        XCTAssertThrowsError(try BatchFixtures.run("a\n") { $0.headers = partial }) { error in
            XCTAssertTrue("\(error)".contains("missing mandatory header X-agent: give --agent"), "\(error)")
        }
        // A CSV column can supply it; a record whose cell is empty is then a record error.
        let outcome = try BatchFixtures.run("session_token,agent\na,x/1\nb,\n", output: .headers) {
            $0.headers = partial
            $0.onError = .skip
        }
        XCTAssertEqual(outcome.summary.recordsOut, 1)
        XCTAssertEqual(outcome.errors.map(\.line), [3])
        XCTAssertTrue(outcome.errors[0].message.contains("X-agent"))
        // NDJSON cannot be checked in advance: per record.
        let ndjson = try BatchFixtures.run("{\"session_token\":\"a\",\"agent\":\"x\"}\n{\"session_token\":\"b\"}\n", output: .vegeta) {
            $0.headers = partial
            $0.onError = .skip
        }
        XCTAssertEqual(ndjson.errors.map(\.line), [2])
    }

    func testOutputFormatsExactText() throws {
        let fields = LogoutHeaderFields([.domain: "idp.example.com", .clientID: "c1", .deviceFingerprint: "fp",
                                         .osVersion: "Android 14", .agent: "a/1", .language: "en-us"])
        let request = try fields.request(signature: "SIG=")
        let record = SignedRecord(index: 7, line: 8, payload: try SignaturePayload(sessionToken: "t\"k,1", timestamp: 1000),
                                  signature: "SIG=", request: request)
        XCTAssertEqual(BatchOutputFormatter(format: .ndjson).text(of: record),
                       #"{"index":7,"session_token":"t\"k,1","timestamp":"1000","nonce":"3e8","signature":"SIG=","method":"GET","url":"https://idp.example.com/api/v2/sdk/logout","headers":{"X-operating-sys-version":"Android 14","X-device-fingerprint":"fp","X-agent":"a/1","X-client-id":"c1","X-signature":"SIG=","X-L":"en-us"}}"# + "\n")
        XCTAssertEqual(String(decoding: BatchOutputFormatter(format: .csv).prologue(), as: UTF8.self),
                       "index,session_token,timestamp,nonce,signature,domain,client_id,device_fingerprint,os_version,agent,device_ip,lang,tenant_id\r\n")
        XCTAssertEqual(BatchOutputFormatter(format: .csv).text(of: record),
                       "7,\"t\"\"k,1\",1000,3e8,SIG=,idp.example.com,c1,fp,Android 14,a/1,,en-us,\r\n")
        XCTAssertEqual(BatchOutputFormatter(format: .vegeta).text(of: record), """
            GET https://idp.example.com/api/v2/sdk/logout
            X-operating-sys-version: Android 14
            X-device-fingerprint: fp
            X-agent: a/1
            X-client-id: c1
            X-signature: SIG=
            X-L: en-us


            """)
        XCTAssertEqual(BatchOutputFormatter(format: .headers).text(of: record),
                       "Host: idp.example.com\r\nX-operating-sys-version: Android 14\r\nX-device-fingerprint: fp\r\nX-agent: a/1\r\nX-client-id: c1\r\nX-signature: SIG=\r\nX-L: en-us\r\n\r\n")
        XCTAssertEqual(BatchOutputFormatter(format: .csv, writesCSVHeader: false).prologue(), [])
    }

    func testAnyRouteInEveryFormat() throws {
        let route = try RequestRoute(method: "POST", scheme: .http, path: "/api/v2/sdk/profile/update?x=1")
        let fields = LogoutHeaderFields([.domain: "127.0.0.1:8080", .clientID: "c1", .deviceFingerprint: "fp",
                                         .osVersion: "o", .agent: "a/1"])
        let request = try fields.request(signature: "SIG=", route: route)
        XCTAssertEqual(request.url, "http://127.0.0.1:8080/api/v2/sdk/profile/update?x=1")
        XCTAssertTrue(request.httpRequest.hasPrefix("POST /api/v2/sdk/profile/update?x=1 HTTP/1.1\r\nHost: 127.0.0.1:8080\r\n"))
        let record = SignedRecord(index: 0, line: 1, payload: try SignaturePayload(sessionToken: "t", timestamp: 1000),
                                  signature: "SIG=", request: request)
        let object = try BatchFixtures.objects(BatchOutputFormatter(format: .ndjson).text(of: record))[0]
        XCTAssertEqual(object["method"] as? String, "POST")
        XCTAssertEqual(object["url"] as? String, "http://127.0.0.1:8080/api/v2/sdk/profile/update?x=1")
        XCTAssertTrue(BatchOutputFormatter(format: .vegeta).text(of: record).hasPrefix("POST http://127.0.0.1:8080/api/v2/sdk/profile/update?x=1\n"))
        XCTAssertTrue(BatchOutputFormatter(format: .headers).text(of: record).hasPrefix("Host: 127.0.0.1:8080\r\n"))

        // The route reaches every record of a run; a record's domain overrides the host only.
        let out = try BatchFixtures.run("session_token,domain\na,\nb,other.example:9000\n", output: .vegeta) {
            $0.headers = BatchFixtures.requestFields
            $0.headers.domain = "127.0.0.1:8080"
            $0.route = route
        }
        let lines = out.output.split(separator: "\n").filter { $0.hasPrefix("POST ") }
        XCTAssertEqual(lines, ["POST http://127.0.0.1:8080/api/v2/sdk/profile/update?x=1",
                               "POST http://other.example:9000/api/v2/sdk/profile/update?x=1"])
    }

    func testRouteValidation() throws {
        XCTAssertEqual(try RequestRoute.parseBaseURL("HTTP://[::1]:8081/").scheme, .http)
        XCTAssertEqual(try RequestRoute.parseBaseURL("https://idp.example.com").authority, "idp.example.com")
        XCTAssertEqual(try RequestRoute.parseBaseURL("http://[::1]:8081").authority, "[::1]:8081")
        let badURLs: [(String, String)] = [
            ("idp.example.com", "no scheme"), ("ftp://h", "scheme 'ftp' is not supported"),
            ("http://h/api", "the path (and query) go in --path"), ("http://u@h", "user information"),
            ("http://h:0", "port '0'"), ("http://h:70000", "port '70000'"), ("http://h:", "port ''"),
            ("http://::1", "IPv6 address goes in brackets"), ("http://h o", "host 'h o'"), ("http://", "no host"),
        ]
        for (url, expected) in badURLs {
            XCTAssertThrowsError(try RequestRoute.parseBaseURL(url), url) { error in
                XCTAssertTrue("\(error)".contains(expected), "\(url): \(error)")
            }
        }
        XCTAssertThrowsError(try RequestRoute(method: "post")) { XCTAssertTrue("\($0)".contains("did you mean POST?"), "\($0)") }
        XCTAssertThrowsError(try RequestRoute(method: "GE T")) { XCTAssertTrue("\($0)".contains("not an HTTP token"), "\($0)") }
        XCTAssertNoThrow(try RequestRoute(method: "M-SEARCH", path: "/a/b;c=d/%7Ex?q=1&r=/s"))
        for (path, expected) in [("api", "must start with '/'"), ("/a b", "byte 0x20"), ("/a#f", "a fragment is never sent"),
                                 ("/a%2", "'%' not followed"), ("/ü", "byte 0xc3"), ("/a\"", "'\"'")] {
            XCTAssertThrowsError(try RequestRoute(path: path), path) { XCTAssertTrue("\($0)".contains(expected), "\(path): \($0)") }
        }
    }

    func testNDJSONBytesMatchJSONObjectWriter() throws {
        let awkward = ["plain", "quote\"back\\slash", "ctl\u{01}\u{1f}\u{7f}", "tab\tnl\ncr\r", "ünï😀", "", "/"]
        for value in awkward {
            let fields = LogoutHeaderFields([.domain: "d", .clientID: value, .deviceFingerprint: "f", .osVersion: "o", .agent: value])
            let request = try fields.request(signature: "S")
            let record = SignedRecord(index: 1, line: 1, payload: try SignaturePayload(sessionToken: "tok", timestamp: 5, nonce: "n"),
                                      signature: value, request: request)
            var json = JSONObjectWriter()
            json.add("index", UInt64(1))
            json.add("session_token", "tok")
            json.add("timestamp", "5")
            json.add("nonce", "n")
            json.add("signature", value)
            json.add("method", "GET")
            json.add("url", "https://d/api/v2/sdk/logout")
            json.add("headers", headers: request.headers)
            XCTAssertEqual(BatchOutputFormatter(format: .ndjson).text(of: record), json.finish() + "\n", value.debugDescription)
        }
    }

    func testDecimalDigitsMatchString() {
        for value: UInt64 in [0, 7, 10, 99, 1_700_000_000_000, UInt64.max - 1, .max] {
            var out: [UInt8] = [0x41]
            BatchOutputFormatter.appendDecimal(value, to: &out)
            XCTAssertEqual(String(decoding: out, as: UTF8.self), "A" + String(value))
        }
    }

    func testCSVOutputReadsBackThroughTheCSVReader() throws {
        let input = "session_token,device_fingerprint\n\"a,b\",\"fp \"\"q\"\"\"\nc\"d,x\n"
        let out = try BatchFixtures.run(input, output: .csv) { $0.headers = BatchFixtures.requestFields; $0.onError = .skip }
        XCTAssertEqual(out.errors.map(\.line), [3])
        let back = try BatchFixtures.read(out.output, format: .csv)
        XCTAssertEqual(back.compactMap(\.batchValue?.sessionToken), ["a,b"])
        XCTAssertEqual(back.compactMap(\.batchValue?.headers.deviceFingerprint), ["fp \"q\""])
    }

    // MARK: Library entry points

    func testSignOneRecordAndClockTimestamps() throws {
        let batch = try BatchSigner(key: BatchFixtures.key2048, configuration: BatchConfiguration(timestamps: .clock, headers: BatchFixtures.requestFields))
        let before = Timestamp.now()
        let signed = try batch.sign(BatchRecord(sessionToken: "abc"), index: 0)
        XCTAssertGreaterThanOrEqual(signed.timestamp, before)
        XCTAssertLessThan(signed.timestamp, before + 60_000)
        let plain = try BatchFixtures.private2048.decrypt(try Base64.decode(signed.signature), padding: .oaepSHA256)
        XCTAssertEqual(String(decoding: plain, as: UTF8.self), signed.payload.string)
        XCTAssertEqual(signed.request?.headers.first { $0.name == "X-signature" }?.value, signed.signature)
        XCTAssertThrowsError(try batch.sign(BatchRecord(sessionToken: "a b", line: 4), index: 3)) { error in
            XCTAssertEqual(error as? BatchRecordError, BatchRecordError(index: 3, line: 4, message: "session token contains whitespace at character 2"))
        }
    }

    func testAsyncSequenceSignsInOrderAndHonoursTheErrorPolicy() async throws {
        let records = AsyncStream<BatchRecord> { continuation in
            for token in ["a", "b", "", "d"] { continuation.yield(BatchRecord(sessionToken: token)) }
            continuation.finish()
        }
        var configuration = BatchConfiguration(timestamps: .fixed(base: 10, stepMilliseconds: 1), seed: [7], onError: .skip)
        let skipping = try BatchSigner(key: BatchFixtures.key2048, configuration: configuration)
        var got: [(UInt64, String, UInt64)] = []
        for try await signed in skipping.signatures(for: records) { got.append((signed.index, signed.sessionToken, signed.timestamp)) }
        XCTAssertEqual(got.map(\.0), [0, 1, 3])
        XCTAssertEqual(got.map(\.1), ["a", "b", "d"])
        XCTAssertEqual(got.map(\.2), [10, 11, 13])

        configuration.onError = .fail
        let failing = try BatchSigner(key: BatchFixtures.key2048, configuration: configuration)
        let again = AsyncStream<BatchRecord> { continuation in
            for token in ["a", "", "c"] { continuation.yield(BatchRecord(sessionToken: token)) }
            continuation.finish()
        }
        var count = 0
        do {
            for try await _ in failing.signatures(for: again) { count += 1 }
            XCTFail("expected the empty token to throw")
        } catch let error as BatchRecordError {
            XCTAssertEqual(error.index, 1)
            XCTAssertEqual(count, 1)
        }
    }

    // MARK: Bounded memory

    /// The reader never runs more than the pipeline's window ahead of the consumer, whatever
    /// the input size: what keeps peak memory flat (the CLI measures RSS; this checks the cause).
    func testReadAheadIsBoundedByTheWindow() throws {
        final class CountingSource: BatchRecordSource {
            private let lock = NSLock()
            private var count = 0
            let total: Int
            init(total: Int) { self.total = total }
            var produced: Int { lock.withLock { count } }
            func nextRecord() throws -> Result<BatchRecord, BatchRecordError>? {
                let n: Int? = lock.withLock {
                    guard count < total else { return nil }
                    count += 1
                    return count
                }
                guard let n else { return nil }
                return .success(BatchRecord(sessionToken: "t\(n)"))
            }
        }
        let threads = 2, chunk = 8
        let source = CountingSource(total: 3000)
        let batch = try BatchSigner(key: BatchFixtures.key1024, padding: .pkcs1v15,
                                    configuration: BatchConfiguration(timestamps: .fixed(base: 1), threads: threads, chunkSize: chunk))
        var consumed = 0
        var maximumAhead = 0
        try batch.run(source: source, onRecord: { _ in
            consumed += 1
            maximumAhead = max(maximumAhead, source.produced - consumed)
            if consumed % 500 == 0 { usleep(20_000) }   // a slow writer: the reader must wait
        })
        XCTAssertEqual(consumed, 3000)
        // window = 2 x threads + 2 chunks, plus the chunk the reader is filling.
        XCTAssertLessThanOrEqual(maximumAhead, (2 * threads + 2 + 1) * chunk)
    }

    // MARK: Atomic output

    func testAtomicOutputFileAppearsOnlyOnCommit() throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("xsig-atomic-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: dir) }
        let target = dir.appendingPathComponent("out.ndjson").path
        try Data("old\n".utf8).write(to: URL(fileURLWithPath: target))

        let file = try AtomicOutputFile(path: target)
        try file.write(Array("new\n".utf8))
        XCTAssertEqual(try String(contentsOfFile: target, encoding: .utf8), "old\n", "the target is untouched until commit")
        let temporary = try XCTUnwrap(file.temporaryPath, "a regular file is written beside the target")
        XCTAssertTrue(file.isAtomic)
        XCTAssertTrue(FileManager.default.fileExists(atPath: temporary))
        XCTAssertEqual(URL(fileURLWithPath: temporary).deletingLastPathComponent().path, dir.path, "temporary file beside the target")
        try file.commit()
        XCTAssertEqual(try String(contentsOfFile: target, encoding: .utf8), "new\n")
        XCTAssertEqual(try FileManager.default.contentsOfDirectory(atPath: dir.path), ["out.ndjson"])

        let discarded = try AtomicOutputFile(path: target)
        try discarded.write(Array("partial".utf8))
        discarded.discard()
        XCTAssertEqual(try String(contentsOfFile: target, encoding: .utf8), "new\n")

        do {
            let dropped = try AtomicOutputFile(path: dir.appendingPathComponent("other").path)
            try dropped.write(Array("x".utf8))
        }
        let pending = try AtomicOutputFile(path: dir.appendingPathComponent("third").path)
        AtomicOutputFile.removePendingFilesForSignal()
        XCTAssertFalse(FileManager.default.fileExists(atPath: try XCTUnwrap(pending.temporaryPath)), "the signal-time cleanup removes pending files")
        pending.discard()
        XCTAssertEqual(try FileManager.default.contentsOfDirectory(atPath: dir.path), ["out.ndjson"], "nothing left behind")
        XCTAssertThrowsError(try AtomicOutputFile(path: dir.path))
    }

    func testProgressLine() {
        var p = BatchProgress()
        p.recordsIn = 452_113
        p.seconds = 20
        p.totalBytes = 1000
        p.bytesRead = 452
        XCTAssertEqual(ProgressLine.render(p, width: 10), "[####......]  45.2%  452,113 records  22,606/s  ETA 0:25")
        p.totalBytes = nil
        p.errors = 2
        XCTAssertEqual(ProgressLine.render(p), "452,113 records  22,606/s  (2 errors)")
        XCTAssertEqual(ProgressLine.clock(3725), "1:02:05")
    }
}
