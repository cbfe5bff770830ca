import Foundation
import XCTest
#if canImport(Glibc)
import Glibc
#endif

/// `--output` and `--errors` on what is not a regular file, through the built binary: a FIFO
/// and /dev/stdout are written in place (and stay what they were), a directory or an existing
/// FIFO under keygen's `--out --force` is refused with one `xsig: ` line.
final class OutputTargetCLITests: XCTestCase {
    let publicKey = CLIRunner.path("vectors/keys/demo-rsa-2048.pub.pem")
    let fixed = ["--timestamp", "1700000000000", "--seed", "00", "--quiet"]
    /// For the error cases: no --seed, so stderr holds only the error line.
    let plain = ["--timestamp", "1700000000000", "--quiet"]

    private func tokens(_ dir: URL, _ count: Int) throws -> String {
        let url = dir.appendingPathComponent("tokens.txt")
        try Data((0..<count).map { "tok-\($0)\n" }.joined().utf8).write(to: url)
        return url.path
    }

    /// The same batch written to a regular file: the reference bytes.
    private func reference(_ dir: URL, _ input: String, _ extra: [String] = []) throws -> String {
        let file = dir.appendingPathComponent("reference.out").path
        let r = try CLIRunner.run(["batch", "--key", publicKey, "--input", input, "--output", file] + fixed + extra, timeout: 60)
        XCTAssertEqual(r.status, 0, r.stderr)
        defer { unlink(file) }
        return try String(contentsOfFile: file, encoding: .utf8)
    }

    func testBatchIntoAFIFOStreamsAndLeavesTheFIFO() throws {
        let dir = try CLIRunner.temporaryDirectory(self)
        let input = try tokens(dir, 40)
        let expected = try reference(dir, input)
        let fifo = dir.appendingPathComponent("out.fifo").path
        XCTAssertEqual(mkfifo(fifo, 0o600), 0)

        let got = DispatchSemaphore(value: 0)
        let received = DataBox()
        Thread {
            received.data = FileHandle(forReadingAtPath: fifo)?.readDataToEndOfFile() ?? Data()
            got.signal()
        }.start()
        let r = try CLIRunner.run(["batch", "--key", publicKey, "--input", input, "--output", fifo] + fixed, timeout: 60)
        XCTAssertEqual(r.status, 0, r.stderr)
        XCTAssertEqual(got.wait(timeout: .now() + 30), .success, "the reader reached end of file")
        let text = String(decoding: received.data, as: UTF8.self)   // the semaphore orders the read after the write
        XCTAssertEqual(text, expected, "the FIFO's reader gets exactly what a file gets")

        var info = stat()
        XCTAssertEqual(stat(fifo, &info), 0)
        XCTAssertEqual(info.st_mode & S_IFMT, S_IFIFO, "the FIFO is still a FIFO")
        XCTAssertEqual(try FileManager.default.contentsOfDirectory(atPath: dir.path).sorted(), ["out.fifo", "tokens.txt"],
                       "no temporary file beside the FIFO")
    }

    func testBatchIntoDevStdoutWritesToTheProcessStdout() throws {
        let dir = try CLIRunner.temporaryDirectory(self)
        let input = try tokens(dir, 12)
        let expected = try reference(dir, input, ["--format", "csv"])
        let r = try CLIRunner.run(["batch", "--key", publicKey, "--input", input, "--output", "/dev/stdout", "--format", "csv",
                                   "--flush", "record"] + fixed, timeout: 60)
        XCTAssertEqual(r.status, 0, r.stderr)
        XCTAssertEqual(r.stdout, expected, "/dev/stdout is the process's own stdout (here a pipe), written in place")
        XCTAssertEqual(try FileManager.default.contentsOfDirectory(atPath: dir.path), ["tokens.txt"])
    }

    func testFlushRecordIntoARegularFileIsStillRefused() throws {
        let dir = try CLIRunner.temporaryDirectory(self)
        let input = try tokens(dir, 3)
        let output = dir.appendingPathComponent("out.ndjson").path
        let r = try CLIRunner.run(["batch", "--key", publicKey, "--input", input, "--output", output, "--flush", "record"] + plain,
                                  timeout: 60)
        XCTAssertEqual(r.status, 2, r.stderr)
        XCTAssertTrue(r.stderr.hasPrefix("xsig: --flush record: --output \(output) is written beside the target"), r.stderr)
        XCTAssertFalse(FileManager.default.fileExists(atPath: output))
    }

    func testUnusableTargetsAreOneLineErrors() throws {
        let dir = try CLIRunner.temporaryDirectory(self)
        let input = try tokens(dir, 3)
        let r = try CLIRunner.run(["batch", "--key", publicKey, "--input", input, "--output", dir.path] + plain, timeout: 60)
        XCTAssertNotEqual(r.status, 0)
        XCTAssertEqual(r.stderr, "xsig: --output: \(dir.path): is a directory\n")

        let closed = try CLIRunner.run(["batch", "--key", publicKey, "--input", input, "--output", "/dev/fd/97"] + plain, timeout: 60)
        XCTAssertNotEqual(closed.status, 0)
        XCTAssertEqual(closed.stderr, "xsig: --output: /dev/fd/97: descriptor 97 is not open\n")
    }

    func testKeygenForceDoesNotReplaceAFIFO() throws {
        let dir = try CLIRunner.temporaryDirectory(self)
        let prefix = dir.appendingPathComponent("app").path
        XCTAssertEqual(mkfifo(prefix + ".pub.pem", 0o600), 0)
        let r = try CLIRunner.run(["keygen", "--bits", "1024", "--out", prefix, "--force", "--allow-weak-key"], timeout: 60)
        XCTAssertNotEqual(r.status, 0)
        XCTAssertEqual(r.stderr, "xsig: --out: \(prefix).pub.pem exists and is not a regular file; keygen writes key files only\n")
        var info = stat()
        XCTAssertEqual(stat(prefix + ".pub.pem", &info), 0)
        XCTAssertEqual(info.st_mode & S_IFMT, S_IFIFO)
        XCTAssertFalse(FileManager.default.fileExists(atPath: prefix + ".pem"), "nothing written")
    }
}
