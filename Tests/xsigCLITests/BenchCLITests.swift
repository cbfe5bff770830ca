import Foundation
import XCTest

/// `xsig bench` end to end: it measures every backend side by side (lanes decrypting too) and writes JSON, CSV and SVG.
/// The figures themselves are not asserted (speed is measured in benchmarks, not in tests);
/// only their shape and consistency are.
final class BenchCLITests: XCTestCase {
    func testBenchWritesJSONCSVAndChartForEncryptAndDecrypt() throws {
        let dir = try CLIRunner.temporaryDirectory(self)
        let json = dir.appendingPathComponent("b.json"), csv = dir.appendingPathComponent("b.csv"), svg = dir.appendingPathComponent("b.svg")
        let r = try CLIRunner.run(["bench", "--bits", "1024", "--padding", "pkcs1,oaep-sha256", "--operation", "encrypt,decrypt",
                                   "--seconds", "0.05", "--json", json.path, "--csv", csv.path, "--plot", svg.path])
        XCTAssertEqual(r.status, 0, r.stderr)
        XCTAssertTrue(r.stdout.contains("gmp/openssl"), r.stdout)
        let document = try XCTUnwrap(JSONSerialization.jsonObject(with: Data(contentsOf: json)) as? [String: Any])
        let cases = try XCTUnwrap(document["cases"] as? [[String: Any]])
        XCTAssertEqual(cases.count, 4, "2 paddings x 2 operations")
        XCTAssertEqual(Set(cases.compactMap { $0["operation"] as? String }), ["encrypt", "decrypt"])
        for c in cases {
            let series = try XCTUnwrap(c["series"] as? [[String: Any]])
            XCTAssertEqual(Set(series.compactMap { $0["backend"] as? String }), ["gmp", "openssl", "lanes"])
            for s in series {
                let rate = try XCTUnwrap((s["ops_per_second"] as? [String: Any])?["median"] as? Double)
                XCTAssertGreaterThan(rate, 0)
                XCTAssertGreaterThan(try XCTUnwrap(s["operations"] as? Int), 0)
            }
        }
        let rows = try String(contentsOf: csv, encoding: .utf8).split(separator: "\n")
        XCTAssertTrue(rows[0].hasPrefix("bits,padding,operation,threads"))
        XCTAssertEqual(rows.count, 1 + 4 * 3, "a header and one row per case and backend")
        XCTAssertTrue(try String(contentsOf: svg, encoding: .utf8).contains("<svg"))
    }

    /// `batch` was a placeholder that always failed; it is now an unknown operation like any other.
    func testUnknownOperationIsRefused() throws {
        let r = try CLIRunner.run(["bench", "--operation", "batch"])
        XCTAssertEqual(r.status, 2)
        XCTAssertEqual(r.stdout, "")
        XCTAssertEqual(r.stderr, "xsig: --operation: 'batch' is not recognised\n")
    }
}
