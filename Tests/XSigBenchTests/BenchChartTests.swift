import XCTest
@testable import XSigBench
import XSignature

/// The chart's encoding, checked on reports with hand-chosen rates: colour = engine and dash =
/// padding the same in every panel, the sizing axis (10^6 / rate seconds, 10^4 / rate cores),
/// thread counts named, and a one-size run with its values written out.
final class BenchChartTests: XCTestCase {
    /// Rate of one engine at one size: halves per step of key size, lanes 4x gmp, openssl 0.9x gmp.
    func rate(_ backend: RSAEncryptor.Backend, bits: Int) -> Double {
        let gmp = 160_000 / pow(2, Double(bits / 1024 - 1))
        return backend == .lanes ? 4 * gmp : backend == .openssl ? 0.9 * gmp : gmp
    }

    func report(bits: [Int], threads: [Int]) -> BenchReport {
        var configuration = BenchConfiguration()
        configuration.bits = bits
        configuration.backends = [.gmp, .openssl, .lanes]
        configuration.threads = threads
        configuration.samples = 3
        var cases: [BenchCaseResult] = []
        for operation in configuration.operations {
            for t in threads {
                for b in bits {
                    for padding in configuration.paddings {
                        let series = configuration.backends.map { backend in
                            let r = rate(backend, bits: b)
                            return BenchSeries(backend: backend, opsPerSecond: BenchStatistics([r * 0.95, r, r * 1.02].map { $0 * Double(t) }),
                                               perCore: BenchStatistics([r * 0.95, r, r * 1.02]), operationsCounted: 1000)
                        }
                        cases.append(BenchCaseResult(bits: b, padding: padding, operation: operation, threads: t, payloadOctets: 96,
                                                     series: series, ratiosToOpenSSL: [:]))
                    }
                }
            }
        }
        let machine = BenchMachine(cpu: "Test CPU", cores: 2, openSSL: "OpenSSL 3.0", gmp: "GMP 6.2.1", os: "Linux", lanesKernel: "ifma")
        return BenchReport(configuration: configuration, machine: machine, cases: cases, startedAt: 0, elapsedSeconds: 1)
    }

    /// (stroke, dash) of every data line: `<polyline>` elements.
    func lines(_ svg: String) -> [String] {
        svg.split(separator: "\n").filter { $0.hasPrefix("<polyline") }.map { line in
            let stroke = line.components(separatedBy: "stroke=\"")[1].prefix(7)
            let dash = line.components(separatedBy: "stroke-dasharray=\"").dropFirst().first.map { String($0.prefix { $0 != "\"" }) } ?? "solid"
            return "\(stroke) \(dash)"
        }
    }

    func testOneEncodingInEveryPanel() {
        let svg = report(bits: [1024, 2048, 3072, 4096], threads: [1, 2]).svg()
        // 2 operations x 2 thread counts = 4 panels, each with 3 engines x 2 paddings.
        let drawn = lines(svg)
        XCTAssertEqual(drawn.count, 4 * 6)
        let expected = ["#1f5fa8 solid", "#1f5fa8 7,4", "#c62828 solid", "#c62828 7,4", "#2e7d32 solid", "#2e7d32 7,4"]
        for panel in 0..<4 {
            XCTAssertEqual(Array(drawn[(panel * 6)..<(panel * 6 + 6)]), expected, "panel \(panel)")
        }
        for title in ["encrypt, 1 thread", "encrypt, 2 threads (per core = total / 2)",
                      "sign-payload (one X-signature header), 1 thread", "sign-payload (one X-signature header), 2 threads"] {
            XCTAssertTrue(svg.contains(">\(title)"), title)
        }
        XCTAssertTrue(svg.contains("colour = engine:"))
        XCTAssertTrue(svg.contains("line and marker = padding:"))
    }

    func testTheRightAxisReadsAsSizing() {
        let svg = report(bits: [1024, 2048, 3072, 4096], threads: [1]).svg()
        // A tick at r signatures/s is 10^6 / r seconds for 10^6 tokens and 10^4 / r cores for 10k/s.
        XCTAssertTrue(svg.contains(">100 s \u{b7} 1 core<"), "10,000/s")
        XCTAssertTrue(svg.contains(">20 s \u{b7} 0.20 cores<"), "50,000/s")
        XCTAssertTrue(svg.contains(">1.0 s \u{b7} 0.010 cores<"), "1,000,000/s")
        XCTAssertTrue(svg.contains(">10,000/s on one core<"))
        XCTAssertEqual(BenchReport.duration(1e6 / 45_000), "22 s", "10^6 at 45,000/s")
        XCTAssertEqual(BenchReport.duration(1e6 / 5_000), "200 s")
        XCTAssertEqual(BenchReport.duration(1e6 / 1_000), "17 min")
        XCTAssertEqual(BenchReport.cores(1e4 / 60_000), "0.17 cores")
        XCTAssertEqual(BenchReport.cores(1e4 / 2_500), "4.0 cores")
    }

    func testAOneSizeRunWritesItsValues() {
        let svg = report(bits: [2048], threads: [1]).svg()
        XCTAssertTrue(lines(svg).isEmpty, "one point per series: no lines to draw")
        // gmp at 2048 bits: 80,000/s, so 10^6 take 12.5 s (written to the second).
        XCTAssertTrue(svg.contains(">gmp pkcs1: 80,000/s, 10^6 in 13 s<"), svg)
        XCTAssertTrue(svg.contains(">lanes oaep-sha256: 320,000/s, 10^6 in 3.1 s<"))
        // At least a decade of scale: 80,000 to 320,000 alone would leave one tick.
        let ticks = svg.split(separator: "\n").filter { $0.contains("text-anchor=\"end\" font-weight=\"normal\" fill=\"#333\"") }
        XCTAssertGreaterThanOrEqual(ticks.count, 4, ticks.joined(separator: "\n"))
    }
}
