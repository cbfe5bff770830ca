import ArgumentParser
import Foundation
import XCTest
@testable import xsig

/// `SignFastPath` against swift-argument-parser, the source of truth for what a command line means:
/// every command line the fast path takes must give the command the parser gives, field by field,
/// and every one it declines goes to the parser.
final class SignFastPathTests: XCTestCase {
    let key = CLIRunner.path("vectors/keys/demo-rsa-2048.pub.pem")

    /// Every field of a sign command, as text.
    func fields(_ r: SignRequest) -> [String] {
        [r.key, "\(r.allowWeakKey)", "\(r.sessionToken as Any)", "\(r.sessionTokenFile as Any)",
         "\(r.timestamp as Any)", "\(r.serverTime as Any)", "\(r.nonce as Any)",
         r.padding, "\(r.seed as Any)", "\(r.index as Any)", r.backend.rawValue, r.output.rawValue]
    }

    func testTheFastPathBuildsWhatTheParserBuilds() throws {
        let lines: [[String]] = [
            ["--key", key, "--session-token", "abc123"],
            ["--key=\(key)", "--session-token=abc=123"],
            ["--session-token-file", "-", "--key", key],
            ["--key", key, "--session-token", "-", "--timestamp", "1628496895102", "--nonce", "n1"],
            ["--key", key, "--allow-weak-key", "--server-time", "now.json", "--padding", "pkcs1", "--session-token", "t"],
            ["--key", key, "--session-token", "t", "--seed", "00ff", "--index", "7", "--backend", "openssl", "--output", "json"],
            ["--key", key, "--backend=lanes", "--output=hex", "--padding=oaep-sha256-mgf1sha1", "--session-token", "t"],
            ["--key", key],
        ]
        for line in lines {
            let fast = try XCTUnwrap(SignFastPath.request(["sign"] + line), line.description)
            let parsed = try SignCommand.parse(line)
            XCTAssertEqual(fields(fast), fields(parsed.request), line.description)
        }
    }

    func testEverythingElseGoesToTheParser() {
        let declined: [[String]] = [
            ["sign", "--help"], ["sign", "-h"], ["sign", "--version"], ["sign", "--generate-completion-script", "bash"],
            ["help", "sign"], ["verify", "--key", key], [],
            ["sign"],                                                       // no --key: the parser's message
            ["sign", "--key", key, "--key", key],                            // repeated
            ["sign", "--key"],                                               // missing value
            ["sign", "--key", "--session-token", "t"],                       // value that looks like a flag
            ["sign", "--key", key, "--session-token", "-t"],
            ["sign", "--key", key, "--bogus"],
            ["sign", "--key", key, "--allow-weak-key=yes"],
            ["sign", "--key", key, "extra"],
            ["sign", "--key", key, "--", "--session-token"],
            ["sign", "--key", key, "--index", "x", "--seed", "00"],          // not a UInt64
            ["sign", "--key", key, "--backend", "gpu"],
            ["sign", "--key", key, "--output", "xml"],
            ["sign", "--key", key, "--index", "1"],                          // --index without --seed (validate)
            ["sign", "--key", key, "--timestamp", "1", "--server-time", "f"], // both (validate)
            ["sign", "--key", key, "--seed=", "--timestamp", "1"],           // `=` with no value: the parser's "missing value"
            ["sign", "--key=", "--session-token", "t"],
            ["sign", "--key", key, "--padding="],
        ]
        for line in declined {
            XCTAssertNil(SignFastPath.request(line), line.description)
        }
    }

    /// The fast path knows only options sign has, with the same arity, so it never accepts a
    /// command line the parser would refuse.
    func testTheFastPathKnowsOnlySignsOptions() throws {
        let r = try CLIRunner.run(["--experimental-dump-help"])
        let root = try XCTUnwrap(try JSONSerialization.jsonObject(with: Data(r.stdout.utf8)) as? [String: Any])
        let commands = try XCTUnwrap((root["command"] as? [String: Any])?["subcommands"] as? [[String: Any]])
        let sign = try XCTUnwrap(commands.first { $0["commandName"] as? String == "sign" })
        var parser: [String: Bool] = [:]
        for argument in sign["arguments"] as? [[String: Any]] ?? [] {
            for name in argument["names"] as? [[String: Any]] ?? [] where name["kind"] as? String == "long" {
                parser["--" + (name["name"] as? String ?? "")] = argument["kind"] as? String == "option"
            }
        }
        for name in SignFastPath.names {
            XCTAssertEqual(parser[name], SignFastPath.takesValue(name), name)
        }
        XCTAssertNil(SignFastPath.takesValue("--help"))
    }

    /// The whole process on both paths: the same bytes out (deterministic padding).
    func testBothPathsSignTheSameBytes() throws {
        let arguments = ["sign", "--key", key, "--session-token", "tok", "--timestamp", "1628496895102", "--seed", "0102"]
        let fast = try CLIRunner.run(arguments)
        XCTAssertEqual(fast.status, 0, fast.stderr)
        // A repeated option is declined by the fast path; the parser takes the last value.
        let viaParser = try CLIRunner.run(["sign", "--key", key, "--session-token", "tok", "--session-token", "tok",
                                           "--timestamp", "1628496895102", "--seed", "0102"])
        XCTAssertEqual(viaParser.status, 0, viaParser.stderr)
        XCTAssertEqual(fast.stdout, viaParser.stdout, "a repeated option goes to the parser, which signs the same")
    }
}
