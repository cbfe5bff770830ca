import Foundation
import XCTest

/// `xsig batch` and `xsig verify --input` read CSV and NDJSON through the same readers
/// (XSigBatch's LineReader, CSVRowReader and JSONLineParser), so the same file gives the same
/// line numbers and the same refusals in both: physical lines (a quoted field with a CRLF inside
/// counts both lines), invalid UTF-8 refused on its own line, reading going on after it.
final class SharedInputReaderCLITests: XCTestCase {
    let publicKey = CLIRunner.path("vectors/keys/demo-rsa-2048.pub.pem")
    let privateKey = CLIRunner.path("vectors/keys/demo-rsa-2048.pem")

    /// Lines of batch's error records (--on-error skip) and of verify's malformed records.
    func lines(for input: [UInt8], named name: String) throws -> (batch: [Int], verify: [Int], verifyAll: [Int]) {
        let directory = try CLIRunner.temporaryDirectory(self)
        let file = directory.appendingPathComponent(name)
        try Data(input).write(to: file)
        let errors = directory.appendingPathComponent("errors.ndjson")
        let batch = try CLIRunner.run(["batch", "--key", publicKey, "--input", file.path, "--output", directory.appendingPathComponent("out.ndjson").path,
                                       "--on-error", "skip", "--errors", errors.path, "--timestamp", "1700000000000", "--quiet"])
        XCTAssertEqual(batch.status, 1, "records were skipped: " + batch.stderr)
        let verify = try CLIRunner.run(["verify", "--private-key", privateKey, "--input", file.path])
        XCTAssertEqual(verify.status, 1, verify.stderr)
        func objects(_ text: String) -> [[String: Any]] {
            text.split(separator: "\n").compactMap { try? JSONSerialization.jsonObject(with: Data($0.utf8)) as? [String: Any] }
        }
        let batchLines = objects(try String(contentsOf: errors, encoding: .utf8)).compactMap { $0["line"] as? Int }
        let verifyRecords = objects(verify.stdout).filter { $0["line"] != nil }
        let malformed = verifyRecords.filter { $0["reason"] as? String == "malformed_record" }.compactMap { $0["line"] as? Int }
        return (batchLines, malformed, verifyRecords.compactMap { $0["line"] as? Int })
    }

    func testCSVLineNumbersAndInvalidUTF8AreTheSameInBothCommands() throws {
        var input = Array("session_token,signature\r\ntok-a,AAAA\r\n\"tok\r\nb\",AAAA\r\n".utf8)
        input += Array("tok-".utf8) + [0xFF] + Array(",AAAA\r\ntok-c,AAAA\r\n".utf8)
        let result = try lines(for: input, named: "records.csv")
        // Batch: line 3 is the record whose token holds the CRLF (refused as a token), line 5 the
        // invalid UTF-8. Verify reads the quoted CRLF as data and refuses the same line 5.
        XCTAssertEqual(result.batch, [3, 5])
        XCTAssertEqual(result.verify, [5])
        XCTAssertEqual(result.verifyAll, [2, 3, 5, 6], "every record starts on its physical line")
    }

    func testNDJSONLineNumbersAndInvalidUTF8AreTheSameInBothCommands() throws {
        var input = Array("{\"session_token\":\"tok-a\",\"signature\":\"AAAA\"}\n\n".utf8)
        input += Array("{\"session_token\":\"tok-".utf8) + [0xC3, 0x28] + Array("\",\"signature\":\"AAAA\"}\n".utf8)
        input += Array("{\"session_token\":\"tok-c\",\"signature\":\"AAAA\"}\n".utf8)
        let result = try lines(for: input, named: "records.ndjson")
        XCTAssertEqual(result.batch, [3])
        XCTAssertEqual(result.verify, [3])
        XCTAssertEqual(result.verifyAll, [1, 3, 4])
    }

    /// verify's own message for a directory, as before it read through the shared readers.
    func testVerifyRefusesADirectoryByName() throws {
        let directory = try CLIRunner.temporaryDirectory(self)
        let r = try CLIRunner.run(["verify", "--private-key", privateKey, "--input", directory.path])
        XCTAssertEqual(r.status, 2)
        XCTAssertEqual(r.stdout, "")
        XCTAssertEqual(r.stderr, "xsig: --input \(directory.path): Is a directory\n")
    }
}
