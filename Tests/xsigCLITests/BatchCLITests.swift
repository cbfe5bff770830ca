import Foundation
import XCTest
import XSignature

/// `xsig batch` and `xsig headers` end to end through the built binary: atomic output, exit
/// statuses, the stderr summary, no output file on failure or interruption, determinism across
/// threads and shards, flat memory.
final class BatchCLITests: XCTestCase {
    let publicKey = CLIRunner.path("vectors/keys/demo-rsa-2048.pub.pem")
    let privateKey = CLIRunner.path("vectors/keys/demo-rsa-2048.pem")
    let weakKey = CLIRunner.path("vectors/keys/demo-rsa-1024.pub.pem")
    let requestFlags = ["--domain", "idp.example.com", "--client-id", "client-1", "--device-fingerprint", "fp-1",
                        "--os-version", "Android 14", "--agent", "loadtest/1.0"]

    func write(_ text: String, to dir: URL, _ name: String) throws -> String {
        let url = dir.appendingPathComponent(name)
        try Data(text.utf8).write(to: url)
        return url.path
    }

    func tokens(_ count: Int) -> String { (0..<count).map { "tok-\($0)\n" }.joined() }

    func files(in dir: URL) throws -> [String] { try FileManager.default.contentsOfDirectory(atPath: dir.path).sorted() }

    /// stderr's lines without the deterministic-mode warning.
    func summaryLines(_ stderr: String) -> [String] {
        stderr.split(separator: "\n").map(String.init).filter { !$0.contains("--seed makes the padding deterministic") }
    }

    // MARK: Atomic output, counts, summary

    func testBatchWritesTheFileAtomicallyAndSummarisesTheCounts() throws {
        let dir = try CLIRunner.temporaryDirectory(self)
        let input = try write(tokens(300), to: dir, "tokens.txt")
        let output = dir.appendingPathComponent("signed.ndjson").path
        let r = try CLIRunner.run(["batch", "--key", publicKey, "--input", input, "--output", output, "--timestamp", "1700000000000"])
        XCTAssertEqual(r.status, 0, r.stderr)
        XCTAssertEqual(r.stdout, "")
        let lines = summaryLines(r.stderr)
        XCTAssertEqual(lines.count, 1, r.stderr)
        XCTAssertTrue(lines[0].hasPrefix("xsig: batch: 300 records in = 300 out + 0 errors; "), lines[0])
        let objects = try String(contentsOfFile: output, encoding: .utf8).split(separator: "\n").map {
            try XCTUnwrap(JSONSerialization.jsonObject(with: Data($0.utf8)) as? [String: Any])
        }
        XCTAssertEqual(objects.map { $0["index"] as? Int }, Array(0..<300))
        XCTAssertEqual(objects.map { $0["session_token"] as? String }, (0..<300).map { "tok-\($0)" })
        XCTAssertEqual(try files(in: dir), ["signed.ndjson", "tokens.txt"], "no temporary file is left behind")
        // Spot-check against OpenSSL with the private key.
        let key = try OpenSSLKey.fromPEM(String(contentsOfFile: privateKey, encoding: .utf8), isPrivate: true)
        for object in [objects[0], objects[299]] {
            let plain = try key.decrypt(try Base64.decode(object["signature"] as! String), padding: .oaepSHA256)
            XCTAssertEqual(String(decoding: plain, as: UTF8.self),
                           "session_token=\(object["session_token"]!)&timestamp=1700000000000&nonce=18bcfe56800")
        }
    }

    func testAFailedRunPresentsNoOutputFileAndNamesTheLine() throws {
        let dir = try CLIRunner.temporaryDirectory(self)
        let input = try write("a\nb\n\nc\n", to: dir, "tokens.txt")
        let output = dir.appendingPathComponent("out.ndjson").path
        let r = try CLIRunner.run(["batch", "--key", publicKey, "--input", input, "--output", output])
        XCTAssertEqual(r.status, 2)
        let lines = r.stderr.split(separator: "\n").map(String.init)
        XCTAssertEqual(lines.count, 2, r.stderr)
        XCTAssertEqual(lines[0], "xsig: --input \(input): line 3: session token is empty")
        XCTAssertTrue(lines[1].hasPrefix("xsig: batch stopped at the first bad record (--on-error fail): 3 records in = 2 out + 1 error; \(output) not written"), lines[1])
        XCTAssertEqual(try files(in: dir), ["tokens.txt"], "no output file, no temporary file")

        // An existing file under the target name keeps its old content.
        try Data("previous run\n".utf8).write(to: URL(fileURLWithPath: output))
        let again = try CLIRunner.run(["batch", "--key", publicKey, "--input", input, "--output", output, "--quiet"])
        XCTAssertEqual(again.status, 2)
        XCTAssertEqual(try String(contentsOfFile: output, encoding: .utf8), "previous run\n")
        XCTAssertEqual(try files(in: dir), ["out.ndjson", "tokens.txt"])
    }

    func testSkipWritesErrorRecordsAndCountsThem() throws {
        let dir = try CLIRunner.temporaryDirectory(self)
        let input = try write("session_token,timestamp\nok1,1\n,2\nx&y,3\nok2,soon\n\"bad\"q,5\nok3,6\n", to: dir, "in.csv")
        let output = dir.appendingPathComponent("out.csv").path
        let errors = dir.appendingPathComponent("errors.ndjson").path
        let r = try CLIRunner.run(["batch", "--key", publicKey, "--input", input, "--output", output, "--format", "csv",
                                   "--on-error", "skip", "--errors", errors])
        XCTAssertEqual(r.status, 1, "records were skipped: " + r.stderr)
        XCTAssertTrue(r.stderr.hasPrefix("xsig: batch: 6 records in = 2 out + 4 errors (skipped, listed in \(errors)); "), r.stderr)
        let errorLines = try String(contentsOfFile: errors, encoding: .utf8).split(separator: "\n")
        let errorObjects = try errorLines.map { try XCTUnwrap(JSONSerialization.jsonObject(with: Data($0.utf8)) as? [String: Any]) }
        XCTAssertEqual(errorObjects.map { $0["line"] as? Int }, [3, 4, 5, 6])
        XCTAssertEqual(errorObjects.map { $0["index"] as? Int }, [1, 2, 3, 4])
        XCTAssertTrue((errorObjects[1]["error"] as! String).contains("'&'"))
        let csv = try String(contentsOfFile: output, encoding: .utf8)
        XCTAssertTrue(csv.hasPrefix("index,session_token,timestamp,nonce,signature,"))
        XCTAssertEqual(csv.split(separator: "\r\n").map { $0.split(separator: ",").prefix(3).joined(separator: ",") },
                       ["index,session_token,timestamp", "0,ok1,1", "5,ok3,6"])

        // Without --errors, each skipped record is one stderr line with its line number.
        let plain = try CLIRunner.run(["batch", "--key", publicKey, "--input", input, "--output", "-", "--on-error", "skip"])
        XCTAssertEqual(plain.status, 1)
        let lines = plain.stderr.split(separator: "\n")
        XCTAssertEqual(lines.count, 5)
        XCTAssertTrue(lines[0].hasPrefix("xsig: --input \(input): line 3: session token is empty (skipped)"), String(lines[0]))
        XCTAssertEqual(plain.stdout.split(separator: "\n").count, 2)
    }

    func testInterruptedRunLeavesNeitherTheTargetNorATemporaryFile() throws {
        let dir = try CLIRunner.temporaryDirectory(self)
        let output = dir.appendingPathComponent("out.ndjson").path
        let process = Process()
        process.executableURL = CLIRunner.binary
        process.arguments = ["batch", "--key", publicKey, "--input", "-", "--output", output, "--threads", "2"]
        let input = Pipe()
        process.standardInput = input
        process.standardError = FileHandle.nullDevice
        try process.run()
        // More than one chunk, and stdin left open: the run is mid-way when the signal comes.
        input.fileHandleForWriting.write(Data(tokens(600).utf8))
        let deadline = Date().addingTimeInterval(30)
        var temporary: String?
        while Date() < deadline {
            if let name = try files(in: dir).first(where: { $0.hasPrefix(".out.ndjson.xsig-") }),
               let size = try FileManager.default.attributesOfItem(atPath: dir.appendingPathComponent(name).path)[.size] as? Int, size > 0 {
                temporary = name
                break
            }
            usleep(20_000)
        }
        XCTAssertNotNil(temporary, "the temporary file beside the target receives the first records")
        process.interrupt()
        process.waitUntilExit()
        try? input.fileHandleForWriting.close()
        XCTAssertEqual(process.terminationStatus, 130)
        XCTAssertEqual(try files(in: dir), [], "SIGINT removes the temporary file and creates no target")
    }

    // MARK: Determinism, threads, shards

    func testSeededOutputIsIdenticalForAnyThreadsAndShardsConcatenate() throws {
        let dir = try CLIRunner.temporaryDirectory(self)
        let input = try write(tokens(530), to: dir, "tokens.txt")
        for format in ["ndjson", "csv", "vegeta"] {
            let common = ["batch", "--key", publicKey, "--input", input, "--output", "-", "--seed", "00ff", "--timestamp", "1700000000000",
                          "--timestamp-step-ms", "5", "--format", format] + requestFlags
            let one = try CLIRunner.run(common + ["--threads", "1"])
            XCTAssertEqual(one.status, 0, one.stderr)
            XCTAssertEqual(try CLIRunner.run(common + ["--threads", "2"]).stdout, one.stdout, format)
            XCTAssertEqual(try CLIRunner.run(common + ["--threads", "5"]).stdout, one.stdout, format)
            var joined = ""
            for i in 0..<3 {
                // CSV shards concatenate with --csv-header first; by default each has its header row.
                let part = try CLIRunner.run(common + ["--shard", "\(i)/3"] + (format == "csv" ? ["--csv-header", "first"] : []))
                XCTAssertEqual(part.status, 0, part.stderr)
                if format == "csv" {
                    let own = try CLIRunner.run(common + ["--shard", "\(i)/3"])
                    XCTAssertTrue(own.stdout.hasPrefix("index,session_token,"), "shard \(i) is self-contained")
                    XCTAssertEqual(own.stdout.hasPrefix("index,") && i > 0, part.stdout != own.stdout && !part.stdout.hasPrefix("index,"))
                }
                XCTAssertTrue(part.stderr.contains("shard \(i)/3 = records"), part.stderr)
                joined += part.stdout
            }
            XCTAssertEqual(joined, one.stdout, "\(format): shards 0/3 + 1/3 + 2/3 = the whole")
        }
        // The deterministic-mode warning is word for word the one of xsig sign --seed.
        let sign = try CLIRunner.run(["sign", "--key", publicKey, "--session-token", "t", "--seed", "00ff"])
        let batch = try CLIRunner.run(["batch", "--key", publicKey, "--input", input, "--output", "-", "--seed", "00ff"])
        XCTAssertEqual(batch.stderr.split(separator: "\n").first, sign.stderr.split(separator: "\n").first)
        XCTAssertTrue(sign.stderr.contains("test vectors only"))
        // Sharding needs a file to count.
        let stdinShard = try CLIRunner.run(["batch", "--key", publicKey, "--input", "-", "--output", "-", "--shard", "0/2"], stdin: Data("a\n".utf8))
        XCTAssertEqual(stdinShard.status, 2)
        XCTAssertEqual(stdinShard.stderr, "xsig: --shard needs --input FILE, not stdin: each shard counts the input's records first\n")
    }

    // MARK: Formats, request fields, quiet

    func testRequestFormatsNeedTheMandatoryFieldsAndNameTheMissingOne() throws {
        let r = try CLIRunner.run(["batch", "--key", publicKey, "--input", "-", "--output", "-", "--format", "vegeta",
                                   "--domain", "idp.example.com", "--client-id", "c", "--device-fingerprint", "f", "--os-version", "o"],
                                  stdin: Data("tok\n".utf8))
        XCTAssertEqual(r.status, 2)
        XCTAssertEqual(r.stderr, "xsig: missing mandatory header X-agent: give --agent or an input column named agent\n")
        let ok = try CLIRunner.run(["batch", "--key", publicKey, "--input", "-", "--output", "-", "--format", "headers", "--quiet",
                                    "--device-ip", "192.0.2.1"] + requestFlags, stdin: Data("tok1\ntok2\n".utf8))
        XCTAssertEqual(ok.status, 0, ok.stderr)
        XCTAssertEqual(ok.stderr, "", "--quiet: no summary, and no progress bar off a terminal")
        let blocks = ok.stdout.components(separatedBy: "\r\n\r\n").filter { !$0.isEmpty }
        XCTAssertEqual(blocks.count, 2)
        XCTAssertTrue(blocks[0].hasPrefix("Host: idp.example.com\r\nX-operating-sys-version: Android 14\r\n"), blocks[0])
        XCTAssertTrue(blocks[0].contains("\r\nX-device-ip: 192.0.2.1"))
        let badFlag = try CLIRunner.run(["batch", "--key", publicKey, "--input", "-", "--output", "-", "--domain", "https://x/y"])
        XCTAssertEqual(badFlag.status, 2)
        XCTAssertTrue(badFlag.stderr.hasPrefix("xsig: --domain: domain must be a host name"), badFlag.stderr)
    }

    func testInputFormatsAreDetectedAndStdinWorks() throws {
        let ndjson = "{\"session_token\":\"a\",\"timestamp\":\"1628496895102\",\"agent\":\"custom/2\"}\n{\"session_token\":\"b\"}\n"
        let r = try CLIRunner.run(["batch", "--key", publicKey, "--input", "-", "--output", "-", "--timestamp", "5"] + requestFlags,
                                  stdin: Data(ndjson.utf8))
        XCTAssertEqual(r.status, 0, r.stderr)
        let objects = try r.stdout.split(separator: "\n").map { try XCTUnwrap(JSONSerialization.jsonObject(with: Data($0.utf8)) as? [String: Any]) }
        XCTAssertEqual(objects.map { $0["timestamp"] as? String }, ["1628496895102", "5"])
        XCTAssertEqual(objects.map { ($0["headers"] as? [String: String])?["X-agent"] }, ["custom/2", "loadtest/1.0"])
        // --timestamp now (the default) is the current clock.
        let before = Timestamp.now()
        let now = try CLIRunner.run(["batch", "--key", publicKey, "--input", "-", "--output", "-", "--input-format", "text"], stdin: Data("x\n".utf8))
        let ts = try XCTUnwrap(UInt64((try XCTUnwrap(JSONSerialization.jsonObject(with: Data(now.stdout.utf8)) as? [String: Any]))["timestamp"] as! String))
        XCTAssertGreaterThanOrEqual(ts, before)
        XCTAssertLessThan(ts, before + 60_000)
        let missing = try CLIRunner.run(["batch", "--key", publicKey, "--input", "/nonexistent/tokens.txt", "--output", "-"])
        XCTAssertEqual(missing.status, 2, "an unreadable input is bad input")
        XCTAssertEqual(missing.stderr, "xsig: --input /nonexistent/tokens.txt: No such file or directory\n")
    }

    func testHeadersCommandPrintsTheCompleteRequest() throws {
        let base = ["headers", "--key", publicKey, "--session-token", "abc", "--timestamp", "1628496895102"] + requestFlags
        let http = try CLIRunner.run(base)
        XCTAssertEqual(http.status, 0, http.stderr)
        XCTAssertTrue(http.stdout.hasPrefix("GET /api/v2/sdk/logout HTTP/1.1\r\nHost: idp.example.com\r\nX-operating-sys-version: Android 14\r\n"), http.stdout)
        XCTAssertTrue(http.stdout.hasSuffix("\r\n\r\n"))
        let curl = try CLIRunner.run(base + ["--format", "curl", "--tenant-id", "t'1"])
        XCTAssertTrue(curl.stdout.hasPrefix("curl -sS 'https://idp.example.com/api/v2/sdk/logout' \\\n  -H 'X-operating-sys-version: Android 14' \\\n"), curl.stdout)
        XCTAssertTrue(curl.stdout.contains("-H 'X-tenant-id: t'\\''1'"), curl.stdout)
        let json = try CLIRunner.run(base + ["--format", "json"])
        let object = try XCTUnwrap(JSONSerialization.jsonObject(with: Data(json.stdout.utf8)) as? [String: Any])
        XCTAssertEqual(object["url"] as? String, "https://idp.example.com/api/v2/sdk/logout")
        let headers = try XCTUnwrap(object["headers"] as? [String: String])
        let key = try OpenSSLKey.fromPEM(String(contentsOfFile: privateKey, encoding: .utf8), isPrivate: true)
        let plain = try key.decrypt(try Base64.decode(headers["X-signature"]!), padding: .oaepSHA256)
        XCTAssertEqual(String(decoding: plain, as: UTF8.self), "session_token=abc&timestamp=1628496895102&nonce=17b29fa9c7e")

        let missing = try CLIRunner.run(["headers", "--key", publicKey, "--session-token", "abc", "--domain", "d", "--client-id", "c"])
        XCTAssertEqual(missing.status, 2)
        XCTAssertEqual(missing.stderr, "xsig: missing mandatory header X-device-fingerprint: give --device-fingerprint\n")
    }

    func testAnyRouteOnHeadersAndBatch() throws {
        let fields = Array(requestFlags.dropFirst(2))
        let route = ["--base-url", "http://127.0.0.1:8080", "--method", "POST", "--path", "/api/v2/sdk/profile/update"]
        let base = ["headers", "--key", publicKey, "--session-token", "abc", "--timestamp", "1628496895102"] + fields + route
        let http = try CLIRunner.run(base)
        XCTAssertEqual(http.status, 0, http.stderr)
        XCTAssertTrue(http.stdout.hasPrefix("POST /api/v2/sdk/profile/update HTTP/1.1\r\nHost: 127.0.0.1:8080\r\n"), http.stdout)
        let curl = try CLIRunner.run(base + ["--format", "curl"])
        XCTAssertTrue(curl.stdout.hasPrefix("curl -sS -X 'POST' 'http://127.0.0.1:8080/api/v2/sdk/profile/update' \\\n"), curl.stdout)
        let json = try CLIRunner.run(base + ["--format", "json"])
        let object = try XCTUnwrap(JSONSerialization.jsonObject(with: Data(json.stdout.utf8)) as? [String: Any])
        XCTAssertEqual(object["method"] as? String, "POST")
        XCTAssertEqual(object["url"] as? String, "http://127.0.0.1:8080/api/v2/sdk/profile/update")

        // batch: the NDJSON records carry method and url, vegeta targets the route.
        let ndjson = try CLIRunner.run(["batch", "--key", publicKey, "--input", "-", "--output", "-", "--quiet"] + fields + route,
                                       stdin: Data("a\nb\n".utf8))
        XCTAssertEqual(ndjson.status, 0, ndjson.stderr)
        for line in ndjson.stdout.split(separator: "\n") {
            let record = try XCTUnwrap(JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any])
            XCTAssertEqual(record["method"] as? String, "POST")
            XCTAssertEqual(record["url"] as? String, "http://127.0.0.1:8080/api/v2/sdk/profile/update")
        }
        let vegeta = try CLIRunner.run(["batch", "--key", publicKey, "--input", "-", "--output", "-", "--quiet", "--format", "vegeta"]
                                       + requestFlags + ["--method", "PUT", "--path", "/x?y=1"], stdin: Data("a\n".utf8))
        XCTAssertTrue(vegeta.stdout.hasPrefix("PUT https://idp.example.com/x?y=1\n"), vegeta.stdout)

        // Bad routes: one line naming the flag, exit 2, no output.
        let bad: [([String], String)] = [
            (["--base-url", "idp.example.com"], "xsig: --base-url: must look like https://HOST[:PORT] or http://HOST[:PORT] (no scheme)\n"),
            (["--base-url", "http://h/api/v2"], "xsig: --base-url: must look like https://HOST[:PORT] or http://HOST[:PORT]: the path (and query) go in --path, not in the base URL\n"),
            (["--base-url", "http://h:99999"], "xsig: --base-url: port '99999' is not a number in 1...65535\n"),
            (["--domain", "h", "--method", "post"], "xsig: --method: methods are case-sensitive: did you mean POST?\n"),
            (["--domain", "h", "--path", "api/x"], "xsig: --path: path must start with '/', e.g. /api/v2/sdk/profile/update\n"),
            (["--domain", "http://h"], "xsig: --domain: domain must be a host name with an optional :port (no scheme or path: those go in --base-url and --path); character 6 is not allowed\n"),
        ]
        for (flags, expected) in bad {
            let r = try CLIRunner.run(["headers", "--key", publicKey, "--session-token", "abc"] + fields + flags)
            XCTAssertEqual(r.status, 2, "\(flags)")
            XCTAssertEqual(r.stderr, expected, "\(flags)")
            XCTAssertEqual(r.stdout, "", "\(flags)")
        }
        let both = try CLIRunner.run(["headers", "--key", publicKey, "--session-token", "abc", "--domain", "h", "--base-url", "http://h"] + fields)
        XCTAssertEqual(both.status, 64)
        XCTAssertTrue(both.stderr.contains("give --base-url or --domain, not both"), both.stderr)
        let help = try CLIRunner.run(["batch", "--help"]).stdout
        for needle in ["--base-url", "--path", "--method", "/api/v2/sdk/profile/update", "http://127.0.0.1:8080"] {
            XCTAssertTrue(help.contains(needle), "batch --help should mention \(needle)")
        }
    }

    func testBatchHelpTeachesTheLoadToolsAndSharding() throws {
        // Wide enough that no phrase is split by the parser's wrapping.
        let help = try CLIRunner.run(["batch", "--help"], environment: ["COLUMNS": "1000"]).stdout
        for needle in ["k6", "iterationInTest", "JMeter", "CSV Data Set", "vegeta attack -targets=", "JOB_COMPLETION_INDEX", "parallel",
                       "--shard", "stale timestamps", "authorised"] {
            XCTAssertTrue(help.contains(needle), "batch --help should mention \(needle)")
        }
        XCTAssertFalse(help.contains("benchmark-single"), "the removed benchmark hook stays gone")
        XCTAssertFalse(help.contains("papaparse"), "the k6 recipe imports nothing from the network")
    }

    // MARK: Memory

    /// Peak RSS of a 100,000-record run stays within a few MiB of a 10,000-record run (the
    /// benchmark in benchmarks/batch measures 10^4 against 10^6 in release).
    func testPeakMemoryDoesNotGrowWithTheInput() throws {
        let dir = try CLIRunner.temporaryDirectory(self)
        var peaks: [Int] = []
        for count in [10_000, 100_000] {
            let input = try write((0..<count).map { "t\($0)\n" }.joined(), to: dir, "t\(count).txt")
            let (status, peak) = try Self.runMeasuringPeakRSS(["batch", "--key", weakKey, "--allow-weak-key", "--padding", "pkcs1",
                                                               "--input", input, "--output", dir.appendingPathComponent("o\(count)").path,
                                                               "--threads", "2", "--quiet"])
            XCTAssertEqual(status, 0)
            peaks.append(peak)
        }
        XCTAssertLessThan(peaks[1], peaks[0] + 8 * 1024, "peak RSS in KiB: 10^4 -> \(peaks[0]), 10^5 -> \(peaks[1])")
    }

    /// Runs the binary with stdout and stderr to /dev/null; returns its exit status and ru_maxrss (KiB).
    static func runMeasuringPeakRSS(_ arguments: [String]) throws -> (status: Int32, peakKiB: Int) {
        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        posix_spawn_file_actions_addopen(&actions, 1, "/dev/null", O_WRONLY, 0)
        posix_spawn_file_actions_addopen(&actions, 2, "/dev/null", O_WRONLY, 0)
        let path = CLIRunner.binary.path
        let argv: [UnsafeMutablePointer<CChar>?] = ([path] + arguments).map { strdup($0) } + [nil]
        let envp: [UnsafeMutablePointer<CChar>?] = ProcessInfo.processInfo.environment.map { strdup("\($0.key)=\($0.value)") } + [nil]
        defer { for p in argv + envp { free(p) } }
        var pid = pid_t()
        let rc = posix_spawn(&pid, path, &actions, nil, argv, envp)
        guard rc == 0 else { throw XSigError(.io, "posix_spawn failed: \(rc)") }
        var status: Int32 = 0
        var usage = rusage()
        while wait4(pid, &status, 0, &usage) < 0 && errno == EINTR {}
        return ((status >> 8) & 0xff, usage.ru_maxrss)
    }
}
