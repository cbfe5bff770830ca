#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// The clocks every measurement in xsig reads (batch summaries, bench samples, demo rates), in
/// seconds as Double.
public enum Clocks {
    /// A monotonic clock (CLOCK_MONOTONIC), from an arbitrary start.
    public static func monotonicSeconds() -> Double { read(CLOCK_MONOTONIC) }

    /// CPU time of the calling thread (CLOCK_THREAD_CPUTIME_ID): what a shared machine's other
    /// processes cannot take from a measurement.
    public static func threadCPUSeconds() -> Double { read(CLOCK_THREAD_CPUTIME_ID) }

    /// Seconds since the Unix epoch (CLOCK_REALTIME).
    public static func wallSeconds() -> Double { read(CLOCK_REALTIME) }

    /// A `Duration` (e.g. from `ContinuousClock`) in seconds.
    public static func seconds(_ duration: Duration) -> Double {
        Double(duration.components.seconds) + Double(duration.components.attoseconds) / 1e18
    }

    private static func read(_ clock: clockid_t) -> Double {
        var ts = timespec()
        clock_gettime(clock, &ts)
        return Double(ts.tv_sec) + Double(ts.tv_nsec) / 1e9
    }
}
