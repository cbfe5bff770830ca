import Foundation
import XCTest
import XSignature

/// `tail -f tokens.txt | xsig batch --input - --output - --timestamp clock` through the built
/// binary: each token written into the still-open pipe comes back as its signed line within a
/// second (a bound on behaviour, not a timing benchmark), with the clock at signing time.
final class StreamingBatchCLITests: XCTestCase {
    let publicKey = CLIRunner.path("vectors/keys/demo-rsa-2048.pub.pem")
    let privateKey = CLIRunner.path("vectors/keys/demo-rsa-2048.pem")

    /// A running `xsig` whose stdin stays open until ``finish()``.
    final class StreamingProcess: @unchecked Sendable {
        let process = Process()
        let input = Pipe(), output = Pipe(), errors = Pipe()
        private var pending: [UInt8] = []

        init(_ arguments: [String]) throws {
            process.executableURL = CLIRunner.binary
            process.arguments = arguments
            process.standardInput = input
            process.standardOutput = output
            process.standardError = errors
            try process.run()
        }

        func send(_ text: String) throws { try input.fileHandleForWriting.write(contentsOf: Data(text.utf8)) }

        /// The next stdout line, or nil when none is whole within `seconds`.
        func line(within seconds: Double) -> String? {
            let fd = output.fileHandleForReading.fileDescriptor
            let deadline = Date().addingTimeInterval(seconds)
            while true {
                if let newline = pending.firstIndex(of: 0x0A) {
                    let line = String(decoding: pending[..<newline], as: UTF8.self)
                    pending.removeSubrange(...newline)
                    return line
                }
                let left = deadline.timeIntervalSinceNow
                guard left > 0 else { return nil }
                var entry = pollfd(fd: fd, events: Int16(POLLIN), revents: 0)
                guard poll(&entry, 1, Int32(left * 1000) + 1) > 0 else { continue }
                var buffer = [UInt8](repeating: 0, count: 65536)
                let n = read(fd, &buffer, buffer.count)
                guard n > 0 else { return nil }
                pending += buffer[..<n]
            }
        }

        /// Closes stdin and waits for the exit (killed after 20 s); returns status and stderr.
        func finish() throws -> (Int32, String) {
            try input.fileHandleForWriting.close()
            let exited = DispatchSemaphore(value: 0)
            DispatchQueue.global().async { self.process.waitUntilExit(); exited.signal() }
            if exited.wait(timeout: .now() + 20) == .timedOut { process.terminate() }
            process.waitUntilExit()
            let stderr = String(decoding: errors.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
            return (process.terminationStatus, stderr)
        }
    }

    func checkStreaming(extra: [String]) throws {
        let dir = try CLIRunner.temporaryDirectory(self)
        // A server clock one hour ahead of ours, saved just now.
        let serverTime = dir.appendingPathComponent("now.json")
        try Data(#"{"timestamp":"\#(Timestamp.now() + 3_600_000)"}"#.utf8).write(to: serverTime)
        let xsig = try StreamingProcess(["batch", "--key", publicKey, "--input", "-", "--output", "-",
                                         "--timestamp", "clock", "--server-time", serverTime.path] + extra)
        let key = try OpenSSLKey.fromPEM(String(contentsOfFile: privateKey, encoding: .utf8), isPrivate: true)
        for token in ["tok-first", "tok-second"] {
            let sent = Timestamp.now()
            try xsig.send(token + "\n")
            let line = try XCTUnwrap(xsig.line(within: 1.0), "\(extra): no line for \(token) within a second while stdin stays open")
            let record = try XCTUnwrap(JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any])
            XCTAssertEqual(record["session_token"] as? String, token)
            let timestamp = try XCTUnwrap(UInt64(try XCTUnwrap(record["timestamp"] as? String)))
            // The clock at signing plus the offset (one hour, give or take the file's mtime).
            XCTAssertGreaterThanOrEqual(timestamp + 2_000, sent + 3_600_000, line)
            XCTAssertLessThanOrEqual(timestamp, Timestamp.now() + 3_600_000 + 2_000, line)
            let plain = try key.decrypt(try Base64.decode(try XCTUnwrap(record["signature"] as? String)), padding: .oaepSHA256)
            XCTAssertEqual(String(decoding: plain, as: UTF8.self),
                           "session_token=\(token)&timestamp=\(timestamp)&nonce=\(String(timestamp, radix: 16))")
        }
        let (status, stderr) = try xsig.finish()
        XCTAssertEqual(status, 0, stderr)
        XCTAssertTrue(stderr.contains("2 records in = 2 out + 0 errors"), stderr)
    }

    func testTokensWrittenIntoAnOpenPipeComeBackAtOnce() throws { try checkStreaming(extra: []) }

    func testTheLanesEngineDoesNotWaitForEightTokens() throws { try checkStreaming(extra: ["--backend", "lanes"]) }

    func testFlushChoicesAndClockFlagsAreChecked() throws {
        let dir = try CLIRunner.temporaryDirectory(self)
        let input = dir.appendingPathComponent("t.txt")
        try Data("a\n".utf8).write(to: input)
        let base = ["batch", "--key", publicKey, "--input", input.path]
        let file = try CLIRunner.run(base + ["--output", dir.appendingPathComponent("o.ndjson").path, "--flush", "record"])
        XCTAssertEqual(file.status, 2)
        XCTAssertTrue(file.stderr.hasPrefix("xsig: --flush record: --output "), file.stderr)
        XCTAssertTrue(file.stderr.contains("stream with --output -"), file.stderr)
        XCTAssertEqual(file.stderr.split(separator: "\n").count, 1, file.stderr)
        XCTAssertFalse(FileManager.default.fileExists(atPath: dir.appendingPathComponent("o.ndjson").path))
        let step = try CLIRunner.run(base + ["--output", "-", "--timestamp", "clock", "--timestamp-step-ms", "5"])
        XCTAssertEqual(step.status, 64)
        XCTAssertTrue(step.stderr.contains("--timestamp-step-ms spreads a fixed base timestamp"), step.stderr)
        // --flush record with the output redirected to a file (stdout, not --output FILE) is fine.
        let forced = try CLIRunner.run(base + ["--output", "-", "--flush", "record", "--timestamp", "clock", "--quiet"])
        XCTAssertEqual(forced.status, 0, forced.stderr)
        XCTAssertTrue(forced.stdout.hasPrefix("{\"index\":0,\"session_token\":\"a\""), forced.stdout)
        let help = try CLIRunner.run(["batch", "--help"]).stdout
        for needle in ["--flush", "--timestamp clock", "tail -f tokens.txt", "STREAMING"] {
            XCTAssertTrue(help.contains(needle), "batch --help should mention \(needle)")
        }
    }
}
