/// The time left in a bench run, estimated from the samples measured so far.
///
/// Key generation runs once, before the first sample, and can take longer than the whole
/// measurement (a 4096-bit key against a one-minute run), so the clock starts after it: what
/// counts is the time per sample since sampling began (warm-ups and workload set-up included,
/// since every case repeats them).
public struct BenchETA: Sendable {
    /// The planned length of one sample, the estimate before any sample has finished.
    public let sampleSeconds: Double
    /// Monotonic seconds when sampling began.
    public let samplingStart: Double

    public init(sampleSeconds: Double, samplingStart: Double) {
        self.sampleSeconds = sampleSeconds
        self.samplingStart = samplingStart
    }

    /// Seconds left after `done` of `total` samples, at monotonic time `now`.
    public func secondsLeft(done: Int, total: Int, now: Double) -> Double {
        let remaining = Double(max(0, total - done))
        guard done > 0 else { return sampleSeconds * remaining }
        return max(0, now - samplingStart) / Double(done) * remaining
    }
}
