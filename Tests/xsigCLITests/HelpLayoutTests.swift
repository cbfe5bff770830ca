import Foundation
import XCTest

/// Every help screen, found by walking the command tree that `xsig --experimental-dump-help`
/// prints (swift-argument-parser's own description of the commands), is readable in an
/// 80-column terminal, and its prose is left to the parser to wrap.
final class HelpLayoutTests: XCTestCase {
    /// A command with its path below `xsig` and the raw abstract and discussion text.
    struct CommandInfo {
        let path: [String]
        let abstract: String
        let discussion: String
    }

    /// The commands from the parser's dump, `xsig` itself first; the generated `help` is left out.
    static func commands() throws -> [CommandInfo] {
        let r = try CLIRunner.run(["--experimental-dump-help"])
        XCTAssertEqual(r.status, 0, r.stderr)
        let root = try XCTUnwrap(try JSONSerialization.jsonObject(with: Data(r.stdout.utf8)) as? [String: Any])
        var found: [CommandInfo] = []
        func walk(_ command: [String: Any], _ path: [String]) {
            found.append(CommandInfo(path: path, abstract: command["abstract"] as? String ?? "",
                                     discussion: command["discussion"] as? String ?? ""))
            for sub in command["subcommands"] as? [[String: Any]] ?? [] {
                guard let name = sub["commandName"] as? String, name != "help" else { continue }
                walk(sub, path + [name])
            }
        }
        walk(try XCTUnwrap(root["command"] as? [String: Any]), [])
        return found
    }

    func testEveryHelpScreenFitsEightyColumns() throws {
        let commands = try Self.commands()
        // The tree as registered in XSig.swift: 13 commands, vectors with 3 subcommands.
        XCTAssertEqual(commands.count, 17, commands.map { $0.path.joined(separator: " ") }.description)
        for command in commands {
            let name = (["xsig"] + command.path).joined(separator: " ")
            let r = try CLIRunner.run(["help"] + command.path, environment: ["COLUMNS": "80"])
            XCTAssertEqual(r.status, 0, "\(name): \(r.stderr)")
            XCTAssertTrue(r.stdout.contains("USAGE: "), name)
            for line in r.stdout.split(separator: "\n", omittingEmptySubsequences: false) where line.count > 80 {
                // A URL cannot be broken; nothing else may run past column 80.
                XCTAssertTrue(line.contains("://") && !line.contains(" "),
                              "\(name): \(line.count) columns: \(line)")
            }
        }
    }

    /// Hand-wrapped prose breaks raggedly in any terminal narrower than the one it was wrapped
    /// for: a paragraph must be one line in the source text (the parser wraps it). Lines that
    /// start with a space are lists and examples, laid out on purpose, and fit 80 columns.
    func testProseIsNotWrappedByHand() throws {
        for command in try Self.commands() {
            let name = (["xsig"] + command.path).joined(separator: " ")
            XCTAssertFalse(command.abstract.contains("\n"), "\(name): abstract has a line break")
            let lines = command.discussion.split(separator: "\n", omittingEmptySubsequences: false)
            for (line, next) in zip(lines, lines.dropFirst()) {
                let prose = !line.isEmpty && !line.hasPrefix(" ") && !line.hasSuffix(":")
                let continues = !next.isEmpty && !next.hasPrefix(" ")
                XCTAssertFalse(prose && continues, "\(name): hand-wrapped line: \(line)")
            }
            for line in lines where line.hasPrefix(" ") {
                XCTAssertLessThanOrEqual(line.count, 80, "\(name): \(line)")
            }
        }
    }

    /// `xsig help vectors generate` names every file that `vectors generate` writes, as
    /// DIR/<pattern>, and names no file it does not write.
    func testVectorsGenerateHelpNamesTheFilesItWrites() throws {
        let help = try CLIRunner.run(["help", "vectors", "generate"], environment: ["COLUMNS": "200"]).stdout
        // The discussion, above the usage line (the options below name what --key-dir reads).
        let discussion = try XCTUnwrap(help.components(separatedBy: "USAGE: ").first)
        let patterns = discussion.split(whereSeparator: { $0 == " " || $0 == "\n" || $0 == "(" || $0 == ")" })
            .filter { $0.hasPrefix("DIR/") && ($0.hasSuffix(".json") || $0.hasSuffix(".pem")) }
            .map { String($0.dropFirst(4)) }
        XCTAssertGreaterThanOrEqual(patterns.count, 4, help)
        let regexes = try patterns.map { pattern -> NSRegularExpression in
            let escaped = NSRegularExpression.escapedPattern(for: pattern)
                .replacingOccurrences(of: "<[a-z0-9]+>", with: "[a-z0-9]+", options: .regularExpression)
            return try NSRegularExpression(pattern: "^" + escaped + "$")
        }

        let out = try CLIRunner.temporaryDirectory(self)
        let r = try CLIRunner.run(["vectors", "generate", "--out", out.path, "--bits", "1024",
                                   "--padding", "pkcs1,oaep-sha256-mgf1sha1", "--count", "2"])
        XCTAssertEqual(r.status, 0, r.stderr)
        let written = try XCTUnwrap(FileManager.default.subpathsOfDirectory(atPath: out.path))
            .filter { !$0.hasSuffix("keys") }.sorted()
        XCTAssertEqual(written, ["keys/rsa-1024.pem", "keys/rsa-1024.pub.pem",
                                 "xsig_rsa_oaep_1024_sha256_mgf1sha1_test.json", "xsig_rsa_pkcs1_1024_test.json"])
        func matches(_ regex: NSRegularExpression, _ file: String) -> Bool {
            regex.firstMatch(in: file, range: NSRange(file.startIndex..., in: file)) != nil
        }
        for file in written {
            XCTAssertTrue(regexes.contains { matches($0, file) }, "the help does not name \(file): \(patterns)")
        }
        for (pattern, regex) in zip(patterns, regexes) {
            XCTAssertTrue(written.contains { matches(regex, $0) }, "the help names \(pattern), which is not written")
        }
    }
}
