import XSignature
/// Where a batch run stands, reported by the engine after every chunk it writes.
public struct BatchProgress: Sendable, Hashable {
    public var recordsIn: UInt64 = 0
    public var recordsOut: UInt64 = 0
    public var errors: UInt64 = 0
    /// Input bytes consumed so far.
    public var bytesRead: UInt64 = 0
    /// The input's size when known (a regular file).
    public var totalBytes: UInt64?
    /// The number of records to process when known (a shard counts its records first).
    public var totalRecords: UInt64?
    public var seconds: Double = 0

    public init() {}

    /// Fraction done in 0...1 when the size is known.
    public var fraction: Double? {
        if let totalRecords, totalRecords > 0 { return min(1, Double(recordsIn) / Double(totalRecords)) }
        if let totalBytes, totalBytes > 0 { return min(1, Double(bytesRead) / Double(totalBytes)) }
        return nil
    }

    public var recordsPerSecond: Double { seconds > 0 ? Double(recordsIn) / seconds : 0 }

    /// Seconds left at the rate so far, when the size is known.
    public var secondsLeft: Double? {
        guard let fraction, fraction > 0, seconds > 0 else { return nil }
        return seconds * (1 - fraction) / fraction
    }
}

/// The one-line progress display of `xsig batch` on a terminal:
/// `[#########...........]  45.2%  452,113 records  21,874/s  ETA 0:25  (2 errors)`.
public enum ProgressLine {
    public static func render(_ p: BatchProgress, width: Int = 24) -> String {
        var parts: [String] = []
        if let fraction = p.fraction {
            let filled = Int((fraction * Double(width)).rounded(.down))
            let tenths = Int((fraction * 1000).rounded(.down))
            // The percentage is right-aligned in 6 columns so the line does not jitter.
            parts.append("[" + String(repeating: "#", count: filled) + String(repeating: ".", count: width - filled) + "] "
                         + String(repeating: " ", count: tenths < 100 ? 2 : tenths < 1000 ? 1 : 0) + "\(tenths / 10).\(tenths % 10)%")
        }
        parts.append("\(grouped(p.recordsIn)) records")
        parts.append("\(grouped(UInt64(p.recordsPerSecond.rounded())))/s")
        if let left = p.secondsLeft { parts.append("ETA " + clock(left)) }
        if p.errors > 0 { parts.append("(\(grouped(p.errors)) error\(p.errors == 1 ? "" : "s"))") }
        return parts.joined(separator: "  ")
    }

    /// 1234567 -> "1,234,567".
    public static func grouped(_ n: UInt64) -> String {
        let digits = Array(String(n))
        var out = ""
        for (i, d) in digits.enumerated() {
            if i > 0 && (digits.count - i) % 3 == 0 { out.append(",") }
            out.append(d)
        }
        return out
    }

    /// 75.2 -> "1:15", 3725 -> "1:02:05".
    public static func clock(_ seconds: Double) -> String {
        let s = Int(seconds.rounded(.up))
        let two = { (n: Int) in n < 10 ? "0\(n)" : "\(n)" }
        return s >= 3600 ? "\(s / 3600):\(two(s / 60 % 60)):\(two(s % 60))" : "\(s / 60):\(two(s % 60))"
    }
}
