import Foundation
import XCTest

/// The lanes engine through the binary: `--backend` on every encrypting command, deterministic
/// output byte-identical across engines, kernels and thread counts, and the kernel switch's errors.
/// Source of truth: the gmp engine's output for the same seed (itself checked against OpenSSL).
final class LanesCLITests: XCTestCase {
    static let key = CLIRunner.path("vectors/keys/demo-rsa-2048.pub.pem")
    static var ifma: Bool { (try? String(contentsOfFile: "/proc/cpuinfo", encoding: .utf8))?.contains("avx512ifma") ?? false }

    func environment(kernel: String?) -> [String: String] {
        var env = ProcessInfo.processInfo.environment
        env["XSIG_LANES_KERNEL"] = kernel
        return env
    }

    func testDeterministicBatchIsIdenticalOnEveryEngineKernelAndThreadCount() throws {
        let dir = try CLIRunner.temporaryDirectory(self)
        let input = dir.appendingPathComponent("tokens.txt")
        try (0..<203).map { "tok-\($0)-abcdefghijklmnop" }.joined(separator: "\n").write(to: input, atomically: true, encoding: .utf8)
        for padding in ["pkcs1", "oaep-sha256"] {
            func batch(_ backend: String, threads: Int, kernel: String? = nil) throws -> String {
                let r = try CLIRunner.run(["batch", "--key", Self.key, "--input", input.path, "--output", "-", "--padding", padding,
                                           "--timestamp", "1628496895102", "--seed", "6c616e6573", "--backend", backend,
                                           "--threads", String(threads), "--quiet"], environment: environment(kernel: kernel))
                XCTAssertEqual(r.status, 0, r.stderr)
                return r.stdout
            }
            let reference = try batch("gmp", threads: 1)
            XCTAssertEqual(reference.split(separator: "\n").count, 203)
            XCTAssertEqual(try batch("openssl", threads: 2), reference, "\(padding) openssl")
            XCTAssertEqual(try batch("lanes", threads: 1, kernel: "portable"), reference, "\(padding) lanes portable x1")
            XCTAssertEqual(try batch("lanes", threads: 2, kernel: "portable"), reference, "\(padding) lanes portable x2")
            XCTAssertEqual(try batch("auto", threads: 2), reference, "\(padding) auto")
            if Self.ifma {
                XCTAssertEqual(try batch("lanes", threads: 1, kernel: "ifma"), reference, "\(padding) lanes ifma x1")
                XCTAssertEqual(try batch("lanes", threads: 2, kernel: "ifma"), reference, "\(padding) lanes ifma x2")
            }
        }
    }

    func testSignAndHeadersTakeEveryBackend() throws {
        var outputs: Set<String> = []
        for backend in ["gmp", "openssl", "lanes", "auto"] {
            let r = try CLIRunner.run(["sign", "--key", Self.key, "--session-token", "abc", "--timestamp", "1628496895102",
                                       "--seed", "00", "--backend", backend])
            XCTAssertEqual(r.status, 0, r.stderr)
            outputs.insert(r.stdout)
            let h = try CLIRunner.run(["headers", "--key", Self.key, "--session-token", "abc", "--timestamp", "1628496895102",
                                       "--seed", "00", "--backend", backend, "--client-id", "c", "--device-fingerprint", "f",
                                       "--os-version", "o", "--agent", "a", "--domain", "idp.example"])
            XCTAssertEqual(h.status, 0, h.stderr)
            XCTAssertTrue(h.stdout.contains("X-signature: " + r.stdout.trimmingCharacters(in: .newlines)), h.stdout)
        }
        XCTAssertEqual(outputs.count, 1, "one signature whatever the engine")
    }

    func testKernelSwitchRefusesWhatItCannotDo() throws {
        let bogus = try CLIRunner.run(["sign", "--key", Self.key, "--session-token", "abc", "--backend", "lanes"],
                                      environment: environment(kernel: "avx9000"))
        XCTAssertEqual(bogus.status, 2)
        XCTAssertEqual(bogus.stdout, "")
        XCTAssertEqual(bogus.stderr, "xsig: XSIG_LANES_KERNEL=avx9000 is not a lanes kernel; use ifma or portable\n")
        // auto does not fall back silently either.
        let auto = try CLIRunner.run(["batch", "--key", Self.key, "--input", "-", "--output", "-", "--quiet", "--backend", "auto"],
                                     stdin: Data("tok\n".utf8), environment: environment(kernel: "avx9000"))
        XCTAssertEqual(auto.status, 2)
        XCTAssertEqual(auto.stdout, "")
        XCTAssertEqual(auto.stderr, "xsig: XSIG_LANES_KERNEL=avx9000 is not a lanes kernel; use ifma or portable\n")
        if !Self.ifma {
            let ifma = try CLIRunner.run(["sign", "--key", Self.key, "--session-token", "abc", "--backend", "lanes"],
                                         environment: environment(kernel: "ifma"))
            XCTAssertEqual(ifma.status, 2)
            XCTAssertTrue(ifma.stderr.hasPrefix("xsig: XSIG_LANES_KERNEL=ifma, but this CPU lacks AVX-512 IFMA"), ifma.stderr)
        }
        let decrypt = try CLIRunner.run(["decrypt", "--private-key", CLIRunner.path("vectors/keys/demo-rsa-2048.pem"),
                                         "--ciphertext-hex", String(repeating: "00", count: 256), "--backend", "lanes"])
        // c = 0 decrypts to EM = 0, which no padding accepts: the one generic error, exit 1
        XCTAssertEqual(decrypt.status, 1, decrypt.stderr)
        XCTAssertEqual(decrypt.stderr, "xsig: decryption error\n")
    }

    func testBenchReportsLanesAgainstOpenSSL() throws {
        let dir = try CLIRunner.temporaryDirectory(self)
        let json = dir.appendingPathComponent("b.json")
        let r = try CLIRunner.run(["bench", "--bits", "1024", "--padding", "pkcs1", "--operation", "encrypt", "--backend", "gmp,openssl,lanes",
                                   "--seconds", "0.3", "--samples", "2", "--quiet", "--json", json.path])
        XCTAssertEqual(r.status, 0, r.stderr)
        XCTAssertTrue(r.stdout.contains("lanes/openssl [min-max]"), r.stdout)
        let kernel = ProcessInfo.processInfo.environment["XSIG_LANES_KERNEL"] ?? (Self.ifma ? "ifma" : "portable")
        XCTAssertTrue(r.stdout.contains("lanes kernel " + kernel), r.stdout)
        let object = try XCTUnwrap(JSONSerialization.jsonObject(with: Data(contentsOf: json)) as? [String: Any])
        let cases = try XCTUnwrap(object["cases"] as? [[String: Any]])
        let series = try XCTUnwrap(cases.first?["series"] as? [[String: Any]])
        XCTAssertEqual(series.compactMap { $0["backend"] as? String }, ["gmp", "openssl", "lanes"])
        for s in series {
            let median = try XCTUnwrap((s["ops_per_second_per_core"] as? [String: Any])?["median"] as? Double)
            XCTAssertGreaterThan(median, 0)
        }
        let over = try XCTUnwrap(cases.first?["over_openssl"] as? [String: Any])
        XCTAssertEqual(Set(over.keys), ["gmp", "lanes"])
    }
}
