import XSignature
/// Shard `index` of `count` of a batch: a contiguous run of record indexes, so that the outputs
/// of shards 0, 1, ..., count-1 concatenate into the output of the whole batch.
///
/// Contiguous rather than round-robin (i mod count) precisely for that concatenation; the price
/// is that each shard counts the input's records first to find its range.
public struct BatchShard: Sendable, Hashable, CustomStringConvertible {
    public let index: Int
    public let count: Int

    public init(index: Int, count: Int) throws {
        guard count >= 1 else { throw XSigError(.invalidArgument, "shard count must be at least 1, got \(count)") }
        guard index >= 0 && index < count else {
            throw XSigError(.invalidArgument, "shard index must be in 0...\(count - 1) (0-based) for \(count) shards, got \(index)")
        }
        self.index = index
        self.count = count
    }

    /// Parses `I/N` (0-based I), e.g. `0/4`, `$JOB_COMPLETION_INDEX/8`.
    public init(parsing text: String) throws {
        let parts = text.split(separator: "/", omittingEmptySubsequences: false)
        guard parts.count == 2, let i = Int(parts[0]), let n = Int(parts[1]) else {
            throw XSigError(.invalidArgument, "shard must be I/N with 0 <= I < N, e.g. 0/4")
        }
        try self.init(index: i, count: n)
    }

    /// The record indexes of this shard among `total` records: [floor(I*T/N), floor((I+1)*T/N)).
    public func range(totalRecords total: UInt64) -> Range<UInt64> {
        func bound(_ i: Int) -> UInt64 {
            let n = UInt64(count), i = UInt64(i)
            // floor(i*T/N) without overflowing: (T/N)*i + floor((T mod N)*i/N).
            return (total / n) * i + (total % n) * i / n
        }
        return bound(index)..<bound(index + 1)
    }

    public var description: String { "\(index)/\(count)" }
}
