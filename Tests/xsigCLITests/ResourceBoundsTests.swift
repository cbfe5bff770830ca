import Foundation
import XCTest

/// Resource bounds (issue 7): huge inputs are refused quickly, with a message that names the input
/// and the limit, and are never swallowed into memory. The huge files are sparse (no disk space),
/// streamed to the child's stdin from the file (no test memory), and each run is measured for wall
/// time and peak RSS.
///
/// | input | limit | where |
/// |---|---|---|
/// | key files, server-time body (`--key`, `--private-key`, `--server-time`) | 1 MiB | `InputFiles.maximumSmallFile` |
/// | passphrase file | 4 KiB | `PrivateKeyOptions.readPassphrase` |
/// | batch input line (`xsig batch --input`) | 1 MiB per line; a CSV record 1 MiB | `LineReader`, `CSVRowReader.maximumRecordBytes` |
/// | verify input line/record (`xsig verify --input`) | 1 MiB | `VerifiableRecordReader.maximumRecordBytes` |
/// | modulus | 16384 bits (8192 works) | `KeyPolicy.maximumBits` |
/// | public exponent | 1024 bits | `KeyPolicy.maximumExponentBits` |
/// | session token | 4096 bytes | `SignaturePayload.maximumTokenLength` |
final class ResourceBoundsTests: XCTestCase {
    let publicKey = CLIRunner.path("vectors/keys/demo-rsa-2048.pub.pem")
    let privateKey = CLIRunner.path("vectors/keys/demo-rsa-2048.pem")
    static let secret = "s3cr3t-TOKEN-9f8e7d"
    static let limit = 1 << 20

    var dir: URL!

    /// Peak RSS of a run that fails at once (`--key` missing), in KiB: the allowance for "bounded
    /// memory" is this plus 48 MiB, so that sanitizer builds (ASan, TSan: 80+ MiB baseline) work too.
    lazy var baselinePeakKiB: Int = {
        (try? spawn(["sign", "--key", "/nonexistent", "--session-token", "x"]).peakKiB) ?? 0
    }()
    var peakAllowanceKiB: Int { baselinePeakKiB + 48 * 1024 }

    override func setUpWithError() throws {
        dir = try CLIRunner.temporaryDirectory(self)
    }

    /// A sparse file of `size` zero octets followed by `tail` (no disk blocks for the zeros).
    func sparseFile(_ name: String, size: UInt64, head: Data = Data(), tail: Data = Data()) throws -> URL {
        let url = dir.appendingPathComponent(name)
        FileManager.default.createFile(atPath: url.path, contents: head)
        let handle = try FileHandle(forWritingTo: url)
        defer { try? handle.close() }
        try handle.truncate(atOffset: size)
        try handle.seek(toOffset: size)
        try handle.write(contentsOf: tail)
        return url
    }

    struct Run {
        var status: Int32
        var stdout: String
        var stderr: String
        var seconds: Double
        var peakKiB: Int
        var timedOut: Bool
    }

    /// Runs the binary with stdin from a file (or /dev/null), stdout and stderr to files; kills it
    /// after `timeout` seconds. Measures wall time and peak RSS (ru_maxrss of the child).
    func spawn(_ arguments: [String], stdin: URL? = nil, timeout: Double = 30) throws -> Run {
        let out = dir.appendingPathComponent("stdout-\(UUID().uuidString)"), err = dir.appendingPathComponent("stderr-\(UUID().uuidString)")
        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        posix_spawn_file_actions_addopen(&actions, 0, stdin?.path ?? "/dev/null", O_RDONLY, 0)
        posix_spawn_file_actions_addopen(&actions, 1, out.path, O_WRONLY | O_CREAT | O_TRUNC, 0o600)
        posix_spawn_file_actions_addopen(&actions, 2, err.path, O_WRONLY | O_CREAT | O_TRUNC, 0o600)
        let path = CLIRunner.binary.path
        let argv: [UnsafeMutablePointer<CChar>?] = ([path] + arguments).map { strdup($0) } + [nil]
        let envp: [UnsafeMutablePointer<CChar>?] = ProcessInfo.processInfo.environment.map { strdup("\($0.key)=\($0.value)") } + [nil]
        defer { for p in argv + envp { free(p) } }
        let start = Date()
        var pid = pid_t()
        let rc = posix_spawn(&pid, path, &actions, nil, argv, envp)
        guard rc == 0 else { throw NSError(domain: "posix_spawn", code: Int(rc)) }
        var status: Int32 = 0
        var usage = rusage()
        var timedOut = false
        while true {
            let r = wait4(pid, &status, WNOHANG, &usage)
            if r == pid { break }
            if r < 0 && errno != EINTR { break }
            if Date().timeIntervalSince(start) > timeout && !timedOut {
                timedOut = true
                kill(pid, SIGKILL)
            }
            usleep(10_000)
        }
        let seconds = Date().timeIntervalSince(start)
        let exited = (status & 0x7f) == 0
        return Run(status: exited ? (status >> 8) & 0xff : 128 + (status & 0x7f),
                   stdout: (try? String(contentsOf: out, encoding: .utf8)) ?? "",
                   stderr: (try? String(contentsOf: err, encoding: .utf8)) ?? "",
                   seconds: seconds, peakKiB: usage.ru_maxrss, timedOut: timedOut)
    }

    /// Refused with status 2, one `xsig: ` line naming the input, quickly and without holding the input.
    func assertRefused(_ run: Run, naming fragments: [String], maxSeconds: Double = 10,
                       file: StaticString = #filePath, line: UInt = #line) {
        let label = "status \(run.status), \(String(format: "%.2f", run.seconds)) s, peak \(run.peakKiB / 1024) MiB, stderr: \(run.stderr.prefix(400))"
        XCTAssertFalse(run.timedOut, label, file: file, line: line)
        XCTAssertEqual(run.status, 2, label, file: file, line: line)
        XCTAssertEqual(run.stdout, "", label, file: file, line: line)
        XCTAssertTrue(run.stderr.hasPrefix("xsig: "), label, file: file, line: line)
        for fragment in fragments {
            XCTAssertTrue(run.stderr.contains(fragment), "missing '\(fragment)': \(label)", file: file, line: line)
        }
        XCTAssertFalse(run.stderr.contains(Self.secret), label, file: file, line: line)
        XCTAssertLessThan(run.seconds, maxSeconds, label, file: file, line: line)
        XCTAssertLessThan(run.peakKiB, peakAllowanceKiB, label, file: file, line: line)
    }

    // MARK: - Small files: keys, server time

    func testOneGigabyteKeyFilesAreRefusedWithoutReadingThem() throws {
        let huge = try sparseFile("huge.pem", size: 1 << 30)
        assertRefused(try spawn(["sign", "--key", huge.path, "--session-token", Self.secret]),
                      naming: ["--key \(huge.path)", "1073741824 bytes", "1048576-byte limit"])
        assertRefused(try spawn(["decrypt", "--private-key", huge.path, "--ciphertext-hex", "00"]),
                      naming: ["--private-key \(huge.path)", "1048576-byte limit"])
        assertRefused(try spawn(["sign", "--key", publicKey, "--session-token", Self.secret, "--server-time", huge.path]),
                      naming: ["--server-time \(huge.path)", "1048576-byte limit"])
        assertRefused(try spawn(["decrypt", "--private-key", privateKey, "--passphrase-file", huge.path, "--ciphertext-hex", "00"]),
                      naming: ["--passphrase-file \(huge.path)", "4096-byte limit"])
    }

    /// Through stdin (a pipe or a file xsig cannot stat as a whole) the bound is enforced while
    /// reading: xsig stops after 1 MiB, whatever follows.
    func testOneGigabyteKeyOnStdinStopsAtTheLimit() throws {
        let huge = try sparseFile("huge.pem", size: 1 << 30, head: Data("-----BEGIN PUBLIC KEY-----\n".utf8))
        assertRefused(try spawn(["sign", "--key", "-", "--session-token", Self.secret], stdin: huge),
                      naming: ["--key (stdin)", "over the 1048576-byte limit"])
        assertRefused(try spawn(["decrypt", "--private-key", "-", "--ciphertext-hex", "00"], stdin: huge),
                      naming: ["--private-key (stdin)", "over the 1048576-byte limit"])
        assertRefused(try spawn(["sign", "--key", publicKey, "--session-token", Self.secret, "--server-time", "-"], stdin: huge),
                      naming: ["--server-time (stdin)", "over the 1048576-byte limit"])
    }

    /// /dev/zero is not a regular file: its size cannot be checked up front.
    func testAnEndlessKeyFileIsCutOff() throws {
        assertRefused(try spawn(["inspect-key", "--key", "/dev/zero"]), naming: ["--key /dev/zero", "over the 1048576-byte limit"])
    }

    /// Deeply nested JSON within the size limit must not exhaust the stack.
    func testDeeplyNestedJSONKeysAndBodies() throws {
        let nested = #"{"public_key":"# + String(repeating: "[", count: 500_000)
        let key = dir.appendingPathComponent("nested.json")
        try Data(nested.utf8).write(to: key)
        assertRefused(try spawn(["sign", "--key", key.path, "--session-token", Self.secret]), naming: ["--key \(key.path)", "JSON"])
        assertRefused(try spawn(["decrypt", "--private-key", key.path, "--ciphertext-hex", "00"]), naming: ["--private-key \(key.path)", "JSON"])
        assertRefused(try spawn(["sign", "--key", publicKey, "--session-token", Self.secret, "--server-time", key.path]),
                      naming: ["--server-time \(key.path)", "JSON"])
    }

    // MARK: - Batch input lines

    /// A 100 MB single line (here: zero octets, then one good token) through a file and through
    /// stdin: refused with its line number, quickly, in bounded memory; --on-error skip goes on
    /// and signs the next record (no record is lost).
    func testHundredMegabyteLineInBatchInput() throws {
        let size: UInt64 = 100 << 20
        let input = try sparseFile("long.txt", size: size, tail: Data("\ntok-after-the-long-line\n".utf8))
        let output = dir.appendingPathComponent("out.ndjson").path
        for (arguments, stdin, name) in [(["--input", input.path], nil as URL?, "--input \(input.path)"), (["--input", "-"], input, "--input (stdin)")] {
            let fail = try spawn(["batch", "--key", publicKey, "--output", output, "--quiet"] + arguments, stdin: stdin)
            assertRefused(fail, naming: [name, "line 1", "line is over 1048576 bytes"])
            XCTAssertFalse(FileManager.default.fileExists(atPath: output))

            let skip = try spawn(["batch", "--key", publicKey, "--output", output, "--quiet", "--on-error", "skip"] + arguments, stdin: stdin)
            XCTAssertEqual(skip.status, 1, "a record was skipped: " + skip.stderr)
            XCTAssertLessThan(skip.seconds, 15)
            XCTAssertLessThan(skip.peakKiB, peakAllowanceKiB)
            XCTAssertTrue(skip.stderr.contains("line 1"), skip.stderr)
            let written = try String(contentsOfFile: output, encoding: .utf8)
            XCTAssertEqual(written.split(separator: "\n").count, 1)
            XCTAssertTrue(written.contains(#""session_token":"tok-after-the-long-line""#), written)
            XCTAssertTrue(written.contains(#""line":2"#) || written.contains(#""index":1"#), written)
            try FileManager.default.removeItem(atPath: output)
        }
    }

    func testHundredMegabyteLineInNDJSONAndCSV() throws {
        let size: UInt64 = 100 << 20
        let output = dir.appendingPathComponent("out.ndjson").path
        let ndjson = try sparseFile("long.ndjson", size: size, head: Data(#"{"session_token":""#.utf8), tail: Data("\"}\n".utf8))
        assertRefused(try spawn(["batch", "--key", publicKey, "--input", ndjson.path, "--output", output, "--quiet"]),
                      naming: ["--input \(ndjson.path)", "line 1", "over 1048576 bytes"])
        // A CSV quote left open: the record runs on over many short lines until the record limit.
        var csv = Data("session_token\n\"\(Self.secret)\n".utf8)
        let line = Data((String(repeating: "x", count: 1000) + "\n").utf8)
        for _ in 0..<2000 { csv.append(line) }
        let csvFile = dir.appendingPathComponent("open-quote.csv")
        try csv.write(to: csvFile)
        assertRefused(try spawn(["batch", "--key", publicKey, "--input", csvFile.path, "--output", output, "--quiet"]),
                      naming: ["--input \(csvFile.path)", "line 2", "over 1048576 bytes"])
    }

    /// `xsig verify --input` streams too: a 100 MB line is one malformed record, not 100 MB of memory.
    func testHundredMegabyteLineInVerifyInput() throws {
        let size: UInt64 = 100 << 20
        for (name, head) in [("long.ndjson", #"{"signature":""#), ("long.csv", "session_token,signature\nx,\"")] {
            let input = try sparseFile(name, size: size, head: Data(head.utf8), tail: Data("\"\n".utf8))
            let run = try spawn(["verify", "--private-key", privateKey, "--input", input.path, "--threads", "1"])
            XCTAssertFalse(run.timedOut)
            XCTAssertEqual(run.status, 1, run.stderr)
            XCTAssertLessThan(run.seconds, 15)
            XCTAssertLessThan(run.peakKiB, peakAllowanceKiB, "\(name): peak RSS \(run.peakKiB) KiB")
            XCTAssertTrue(run.stdout.contains(#""reason":"malformed_record""#), "\(name): \(run.stdout)")
            XCTAssertTrue(run.stdout.contains(#"{"records":1,"valid":0,"invalid":1}"#), "\(name): \(run.stdout)")
        }
    }

    // MARK: - Key sizes and exponents

    static func base64url(_ bytes: [UInt8]) -> String {
        Data(bytes).base64EncodedString().replacingOccurrences(of: "+", with: "-").replacingOccurrences(of: "/", with: "_")
            .replacingOccurrences(of: "=", with: "")
    }

    /// An odd number of exactly `bits` bits (a stand-in modulus: encryption needs no factorisation).
    static func odd(bits: Int) -> [UInt8] {
        let octets = (bits + 7) / 8
        var bytes = [UInt8](repeating: 0xA7, count: octets)
        let top = bits - (octets - 1) * 8
        bytes[0] = UInt8(truncatingIfNeeded: (1 << (top - 1)) | 0x01)
        bytes[octets - 1] |= 1
        return bytes
    }

    func jwk(modulusBits: Int, exponent: [UInt8] = [1, 0, 1]) throws -> String {
        let url = dir.appendingPathComponent("k\(modulusBits)-\(exponent.count).jwk")
        try Data(#"{"kty":"RSA","n":"\#(Self.base64url(Self.odd(bits: modulusBits)))","e":"\#(Self.base64url(exponent))"}"#.utf8).write(to: url)
        return url.path
    }

    func testModulusOverSixteenThousandBitsIsRefusedAndEightThousandWorks() throws {
        let over = try jwk(modulusBits: 16385)
        assertRefused(try spawn(["sign", "--key", over, "--session-token", Self.secret]),
                      naming: ["--key \(over)", "16385 bits", "16384-bit limit"])
        let huge = try jwk(modulusBits: 1 << 20)   // a 1 Mbit modulus: still under the 1 MiB file limit
        assertRefused(try spawn(["sign", "--key", huge, "--session-token", Self.secret]), naming: ["--key \(huge)", "16384-bit limit"])

        for bits in [8192, 16384] {
            let key = try jwk(modulusBits: bits)
            for backend in ["gmp", "openssl"] where bits == 8192 || backend == "gmp" {
                let run = try spawn(["sign", "--key", key, "--session-token", "tok", "--timestamp", "1628496895102", "--output", "hex", "--backend", backend])
                XCTAssertEqual(run.status, 0, "\(bits) \(backend): \(run.stderr)")
                XCTAssertEqual(run.stdout.trimmingCharacters(in: .newlines).count, bits / 4, "\(bits) \(backend)")
                XCTAssertLessThan(run.seconds, 10)
            }
        }
    }

    func testExponentOfThousandsOfBitsIsRefusedQuickly() throws {
        for exponentBits in [1025, 4000, 16000] {
            let key = try jwk(modulusBits: 16384, exponent: Self.odd(bits: exponentBits))
            assertRefused(try spawn(["sign", "--key", key, "--session-token", Self.secret]),
                          naming: ["--key \(key)", "public exponent of \(exponentBits) bits", "1024-bit limit"], maxSeconds: 5)
            assertRefused(try spawn(["inspect-key", "--key", key]), naming: ["1024-bit limit"], maxSeconds: 5)
        }
        // 1024 bits works on both backends (OpenSSL takes large exponents up to 3072-bit moduli).
        let key = try jwk(modulusBits: 2048, exponent: Self.odd(bits: 1024))
        for backend in ["gmp", "openssl"] {
            let run = try spawn(["sign", "--key", key, "--session-token", "tok", "--backend", backend])
            XCTAssertEqual(run.status, 0, "\(backend): \(run.stderr)")
        }
    }

    // MARK: - Arguments

    /// The kernel caps one argument at 128 KiB; a ciphertext that long is the generic decryption
    /// error at once (its length is wrong), a token that long is refused by its 4 KiB limit.
    func testLongArgumentsAreRefusedQuickly() throws {
        let hex = String(repeating: "ab", count: 60_000)
        let run = try spawn(["decrypt", "--private-key", privateKey, "--ciphertext-hex", hex])
        XCTAssertEqual(run.status, 1)
        XCTAssertEqual(run.stderr, "xsig: decryption error\n")
        XCTAssertLessThan(run.seconds, 5)
        let token = String(repeating: Self.secret, count: 5000)
        assertRefused(try spawn(["sign", "--key", publicKey, "--session-token", token]), naming: ["--session-token", "4096-byte limit"])
        let ndjson = dir.appendingPathComponent("long-token.ndjson")
        try Data((#"{"session_token":""# + String(repeating: Self.secret, count: 50_000) + "\"}\n").utf8).write(to: ndjson)
        assertRefused(try spawn(["batch", "--key", publicKey, "--input", ndjson.path, "--output", "-", "--quiet"]),
                      naming: ["--input \(ndjson.path)", "line 1", "4096-byte limit"])
    }
}
