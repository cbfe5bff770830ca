import Glibc
import XSigBatch
import XSignature

/// The batch progress bar: one line on stderr, redrawn at most every 0.2 s, only when stderr is
/// a terminal and --quiet is off. Anything else printed meanwhile clears the line first.
final class ProgressDisplay {
    let enabled: Bool
    private var shown = false
    private var lastDraw: ContinuousClock.Instant?
    private let clock = ContinuousClock()
    private let totalBytes: UInt64?
    private let totalRecords: UInt64?

    init(quiet: Bool, totalBytes: UInt64?, totalRecords: UInt64?) {
        enabled = !quiet && isatty(STDERR_FILENO) == 1
        self.totalBytes = totalBytes
        self.totalRecords = totalRecords
    }

    func update(_ progress: BatchProgress) {
        guard enabled else { return }
        let now = clock.now
        if let lastDraw, now - lastDraw < .milliseconds(200) { return }
        lastDraw = now
        var p = progress
        p.totalBytes = totalBytes
        if let totalRecords { p.totalRecords = totalRecords }
        writeAll("\r\u{1B}[K" + ProgressLine.render(p), to: STDERR_FILENO)
        shown = true
    }

    /// Clears the bar so that a message can take the line.
    func clear() {
        guard shown else { return }
        writeAll("\r\u{1B}[K", to: STDERR_FILENO)
        shown = false
        lastDraw = nil
    }
}
