import XCTest
import XSigBench

/// The bench ETA against hand-computed values: the run of the bug report, 448 samples in about a
/// minute, after a key generation that took 1874 s of its own.
final class BenchETATests: XCTestCase {
    func testKeyGenerationDoesNotCount() {
        // Key generation ran from t = 0 to t = 1874; sampling starts there.
        let eta = BenchETA(sampleSeconds: 60.0 / 448, samplingStart: 1874)
        // Before any sample: the plan, 448 x 0.134 s = 60 s.
        XCTAssertEqual(eta.secondsLeft(done: 0, total: 448, now: 1874), 60, accuracy: 1e-9)
        // One sample of 0.15 s done: 447 x 0.15 s left, not (1874 + 0.15) / 1 x 447.
        XCTAssertEqual(eta.secondsLeft(done: 1, total: 448, now: 1874.15), 67.05, accuracy: 1e-6)
        // Half way after 31 s: 31 s left.
        XCTAssertEqual(eta.secondsLeft(done: 224, total: 448, now: 1905), 31, accuracy: 1e-9)
        XCTAssertEqual(eta.secondsLeft(done: 448, total: 448, now: 1936), 0)
    }

    func testAClockBeforeTheStartGivesNoNegativeTime() {
        let eta = BenchETA(sampleSeconds: 0.5, samplingStart: 100)
        XCTAssertEqual(eta.secondsLeft(done: 3, total: 10, now: 99), 0)
        XCTAssertEqual(eta.secondsLeft(done: 12, total: 10, now: 200), 0)
    }
}
