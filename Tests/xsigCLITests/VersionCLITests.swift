import Foundation
import XCTest
import XSignature

/// `xsig --version`: each line against an independent source (the libraries the system loads
/// for other programs, the CPU the test runs on).
final class VersionCLITests: XCTestCase {
    /// The `name: value` lines of `xsig --version`, after its first line.
    func report(environment: [String: String] = [:]) throws -> (first: String, fields: [String: String]) {
        var env = ProcessInfo.processInfo.environment
        env.removeValue(forKey: LanesKernel.environmentVariable)
        env.merge(environment) { $1 }
        let r = try CLIRunner.run(["--version"], environment: env)
        XCTAssertEqual(r.status, 0, r.stderr)
        XCTAssertEqual(r.stderr, "")
        let lines = r.stdout.split(separator: "\n").map(String.init)
        var fields: [String: String] = [:]
        for line in lines.dropFirst() {
            let parts = line.split(separator: ":", maxSplits: 1)
            XCTAssertEqual(parts.count, 2, line)
            fields[String(parts[0])] = String(parts[1].dropFirst())
        }
        return (lines.first ?? "", fields)
    }

    /// Runs a small program and returns its stdout without the final newline.
    func output(_ arguments: [String]) throws -> String {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = arguments
        let pipe = Pipe()
        process.standardOutput = pipe
        try process.run()
        let data = pipe.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        XCTAssertEqual(process.terminationStatus, 0, arguments.joined(separator: " "))
        return String(decoding: data, as: UTF8.self).trimmingCharacters(in: .newlines)
    }

    func testVersionNamesTheReleaseCommitAndLoadedLibraries() throws {
        let (first, fields) = try report()
        XCTAssertNotNil(first.range(of: #"^xsig [0-9]+\.[0-9]+\.[0-9]+$"#, options: .regularExpression), first)
        XCTAssertEqual(Set(fields.keys), ["commit", "gmp", "openssl", "lanes kernel"])

        // A commit compiled in by scripts/release.sh, or an honest "unknown".
        let commit = try XCTUnwrap(fields["commit"])
        XCTAssertNotNil(commit.range(of: #"^([0-9a-f]{40}(-dirty)?|unknown \(built without git metadata: .+\))$"#,
                                     options: .regularExpression), commit)
        if let expected = ProcessInfo.processInfo.environment["XSIG_EXPECT_COMMIT"] {
            XCTAssertEqual(commit, expected)
        }

        // GMP as the dynamic loader gives it to another program (Python's ctypes).
        let gmp = try output(["python3", "-c",
            "import ctypes; print(ctypes.c_char_p.in_dll(ctypes.CDLL('libgmp.so.10'), '__gmp_version').value.decode())"])
        XCTAssertEqual(fields["gmp"], gmp)
        // OpenSSL as the openssl tool reports the libcrypto it loaded: "... (Library: OpenSSL 3.x ...)".
        let openssl = try output(["openssl", "version"])
        let library = openssl.range(of: "(Library: ").map { String(openssl[$0.upperBound...].dropLast()) } ?? openssl
        XCTAssertEqual(fields["openssl"], library)
    }

    func testVersionNamesTheLanesKernelThisCPUGets() throws {
        let expected = LanesKernel.ifmaSupported
            ? "ifma (this CPU has AVX-512 IFMA)"
            : "portable (this CPU lacks AVX-512 IFMA; --backend auto uses gmp)"
        XCTAssertEqual(try report().fields["lanes kernel"], expected)
        XCTAssertEqual(try report(environment: ["XSIG_LANES_KERNEL": "portable"]).fields["lanes kernel"],
                       "portable (forced by XSIG_LANES_KERNEL)")
        XCTAssertEqual(try report(environment: ["XSIG_LANES_KERNEL": "avx2"]).fields["lanes kernel"],
                       "none: XSIG_LANES_KERNEL=avx2 is not a lanes kernel; use ifma or portable")
        if !LanesKernel.ifmaSupported {
            let forced = try XCTUnwrap(try report(environment: ["XSIG_LANES_KERNEL": "ifma"]).fields["lanes kernel"])
            XCTAssertTrue(forced.hasPrefix("none: XSIG_LANES_KERNEL=ifma, but this CPU lacks AVX-512 IFMA"), forced)
        }
    }
}
