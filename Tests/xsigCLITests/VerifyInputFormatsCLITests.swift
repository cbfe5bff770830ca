import Foundation
import XCTest

/// `xsig batch` -> `xsig verify --input` for every output format and every shard file, both
/// ways: untouched records verify, a record with one altered signature character fails on its
/// own line; files that are no batch output fail with one `xsig:` line naming file and line.
final class VerifyInputFormatsCLITests: XCTestCase {
    let publicKey = CLIRunner.path("vectors/keys/demo-rsa-2048.pub.pem")
    let privateKey = CLIRunner.path("vectors/keys/demo-rsa-2048.pem")
    let requestFlags = ["--domain", "idp.example.com", "--client-id", "client-1", "--device-fingerprint", "fp-1",
                        "--os-version", "Android 14", "--agent", "loadtest/1.0"]

    func verify(_ path: String, _ extra: [String] = []) throws -> CLIResult {
        try CLIRunner.run(["verify", "--private-key", privateKey, "--input", path] + extra)
    }

    /// The file with one character of the `n`-th signature (0-based) replaced.
    func tamper(_ text: String, signatureNumber n: Int) -> String {
        let marker = text.contains("\"signature\":\"") ? "\"signature\":\"" : text.contains("X-signature: ") ? "X-signature: " : nil
        var parts = marker.map { text.components(separatedBy: $0) } ?? []
        if parts.isEmpty {
            // CSV: the fifth column of the n-th data row.
            var rows = text.components(separatedBy: "\r\n")
            let first = rows[0].hasPrefix("index,") ? 1 : 0
            var fields = rows[first + n].components(separatedBy: ",")
            fields[4] = (fields[4].first == "A" ? "B" : "A") + fields[4].dropFirst()
            rows[first + n] = fields.joined(separator: ",")
            return rows.joined(separator: "\r\n")
        }
        let part = parts[n + 1]
        parts[n + 1] = (part.first == "A" ? "B" : "A") + part.dropFirst()
        return parts.joined(separator: marker!)
    }

    func testEveryFormatAndEveryShardRoundTrips() throws {
        let dir = try CLIRunner.temporaryDirectory(self)
        let tokens = dir.appendingPathComponent("tokens.txt")
        try Data((0..<20).map { "tok-\($0)\n" }.joined().utf8).write(to: tokens)
        let cases: [(String, [String])] = [("ndjson", []), ("csv", []), ("csv", ["--csv-header", "first"]),
                                           ("vegeta", []), ("headers", [])]
        for (format, extra) in cases {
            var records = 0
            for i in 0..<3 {
                let path = dir.appendingPathComponent("part-\(i).\(format)").path
                let batch = try CLIRunner.run(["batch", "--key", publicKey, "--input", tokens.path, "--output", path, "--quiet",
                                               "--format", format, "--shard", "\(i)/3"] + requestFlags + extra)
                XCTAssertEqual(batch.status, 0, batch.stderr)
                let name = "\(format) \(extra) shard \(i)"
                let good = try verify(path, ["--max-skew-seconds", "600"])
                XCTAssertEqual(good.status, 0, "\(name): \(good.stdout) \(good.stderr)")
                let count = i == 0 ? 6 : 7
                XCTAssertEqual(good.stdout, "{\"records\":\(count),\"valid\":\(count),\"invalid\":0}\n", name)
                XCTAssertEqual(good.stderr, "", "\(name): no progress bar off a terminal")
                records += count

                // The other way: one altered signature is the one invalid record, on its line.
                let text = try String(contentsOfFile: path, encoding: .utf8)
                let bad = dir.appendingPathComponent("bad-\(i).\(format)")
                try Data(tamper(text, signatureNumber: 2).utf8).write(to: bad)
                let r = try verify(bad.path)
                XCTAssertEqual(r.status, 1, "\(name): \(r.stdout) \(r.stderr)")
                let lines = r.stdout.split(separator: "\n")
                XCTAssertEqual(lines.count, 2, "\(name): \(r.stdout)")
                let failure = try XCTUnwrap(JSONSerialization.jsonObject(with: Data(lines[0].utf8)) as? [String: Any])
                let headerRows = format == "csv" && (extra.isEmpty || i == 0) ? 1 : 0
                let perRecord = format == "vegeta" || format == "headers" ? 7 : 1
                XCTAssertEqual(failure["line"] as? Int, headerRows + 2 * perRecord + 1, "\(name): \(r.stdout)")
                XCTAssertEqual(String(lines[1]), "{\"records\":\(count),\"valid\":\(count - 1),\"invalid\":1}", name)
            }
            XCTAssertEqual(records, 20)
        }
        // Shards with their header rows, concatenated: one CSV whose repeated header rows are skipped.
        let joined = try (0..<3).map { try String(contentsOfFile: dir.appendingPathComponent("part-\($0).csv").path, encoding: .utf8) }
        let all = dir.appendingPathComponent("all.csv")
        try Data(joined.joined().utf8).write(to: all)
        XCTAssertEqual(try verify(all.path).stdout, "{\"records\":20,\"valid\":20,\"invalid\":0}\n")
        // An explicit --input-format that does not fit: every block is malformed, nothing passes.
        let wrong = try verify(dir.appendingPathComponent("part-0.vegeta").path, ["--input-format", "headers"])
        XCTAssertEqual(wrong.status, 1)
        XCTAssertTrue(wrong.stdout.hasSuffix("{\"records\":6,\"valid\":0,\"invalid\":6}\n"), wrong.stdout)
    }

    /// On a terminal (util-linux `script` gives the run one) verify --input draws batch's
    /// progress bar on stderr and clears it; --quiet hides it.
    func testProgressBarOnATerminal() throws {
        let script = "/usr/bin/script"
        try XCTSkipUnless(FileManager.default.isExecutableFile(atPath: script), "no \(script) to make a terminal")
        let dir = try CLIRunner.temporaryDirectory(self)
        let tokens = dir.appendingPathComponent("t.txt"), signed = dir.appendingPathComponent("s.ndjson")
        try Data((0..<10).map { "tok-\($0)\n" }.joined().utf8).write(to: tokens)
        XCTAssertEqual(try CLIRunner.run(["batch", "--key", publicKey, "--input", tokens.path, "--output", signed.path, "--quiet"]).status, 0)
        for quiet in [false, true] {
            let command = ([CLIRunner.binary.path, "verify", "--private-key", privateKey, "--input", signed.path] + (quiet ? ["--quiet"] : []))
                .map { "'" + $0 + "'" }.joined(separator: " ")
            let process = Process()
            process.executableURL = URL(fileURLWithPath: script)
            process.arguments = ["-qec", command, "/dev/null"]
            let out = Pipe()
            process.standardOutput = out
            process.standardInput = FileHandle.nullDevice
            try process.run()
            let text = String(decoding: out.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
            process.waitUntilExit()
            XCTAssertEqual(process.terminationStatus, 0, text)
            XCTAssertTrue(text.contains("{\"records\":10,\"valid\":10,\"invalid\":0}"), text)
            XCTAssertEqual(text.contains("10 records"), !quiet, text.debugDescription)
        }
    }

    func testFilesThatAreNoBatchOutputGiveOneLineNamingFileAndLine() throws {
        let dir = try CLIRunner.temporaryDirectory(self)
        let cases: [(String, String, String)] = [
            ("words.csv", "\n\nhello,world\n", "xsig: --input DIR/words.csv: line 3: not a batch output: a CSV header row needs a signature column"),
            ("short.csv", "5,tok,1,5,SIG=\n", "xsig: --input DIR/short.csv: line 1: not a batch output"),
        ]
        for (name, text, expected) in cases {
            let path = dir.appendingPathComponent(name).path
            try Data(text.utf8).write(to: URL(fileURLWithPath: path))
            let r = try verify(path)
            XCTAssertEqual(r.status, 2, name)
            XCTAssertEqual(r.stdout, "", name)
            XCTAssertEqual(r.stderr.split(separator: "\n").count, 1, "\(name): \(r.stderr)")
            XCTAssertTrue(r.stderr.hasPrefix(expected.replacingOccurrences(of: "DIR", with: dir.path)), "\(name): \(r.stderr)")
        }
        // An empty batch output (batch writes one for a shard without records) verifies with a warning.
        let empty = dir.appendingPathComponent("empty.ndjson").path
        try Data("\n\n".utf8).write(to: URL(fileURLWithPath: empty))
        let r = try verify(empty)
        XCTAssertEqual(r.status, 0, r.stderr)
        XCTAssertEqual(r.stdout, "{\"records\":0,\"valid\":0,\"invalid\":0}\n")
        XCTAssertEqual(r.stderr, "xsig: warning: --input \(empty): no records (an empty batch output, such as a shard with none)\n")
        let help = try CLIRunner.run(["verify", "--help"]).stdout
        for needle in ["--input-format", "vegeta", "header blocks", "--csv-header first", "--quiet", "progress bar"] {
            XCTAssertTrue(help.contains(needle), "verify --help should mention \(needle)")
        }
        XCTAssertTrue(try CLIRunner.run(["batch", "--help"]).stdout.contains("--csv-header"))
    }
}
