import NIOConcurrencyHelpers
import XSignature

/// The signatures accepted inside the freshness window, so that a second use is refused.
/// A signature with timestamp t is only accepted while |now - t| <= window, so its entry can go
/// once now > t + window: the cache holds at most (accepted signatures per second) x 2 x window
/// entries of 48 bytes or so, and expired entries are swept a second at a time. Thread-safe.
/// Keys are SHA-256 of the ciphertext octets (after any lenient-length padding), so two Base64
/// spellings of one ciphertext are the same signature.
public final class ReplayCache: Sendable {
    struct Key: Hashable {
        let a: UInt64, b: UInt64, c: UInt64, d: UInt64
    }

    struct State {
        var expiries: [Key: UInt64] = [:]
        /// Keys by the second after their expiry.
        var buckets: [UInt64: [Key]] = [:]
        var sweptSecond: UInt64?
    }

    private let windowMillis: UInt64
    private let state = NIOLockedValueBox(State())

    public init(windowSeconds: UInt64) {
        let product = windowSeconds.multipliedReportingOverflow(by: 1000)
        windowMillis = product.overflow ? UInt64.max / 4 : product.partialValue
    }

    /// Records the ciphertext; false when it is already there and not expired (a replay).
    public func insert(ciphertext: [UInt8], timestamp: UInt64, now: UInt64) -> Bool {
        let digest = DigestAlgorithm.sha256.hash(ciphertext)
        let key = digest.withUnsafeBytes { raw in
            Key(a: raw.loadUnaligned(fromByteOffset: 0, as: UInt64.self), b: raw.loadUnaligned(fromByteOffset: 8, as: UInt64.self),
                c: raw.loadUnaligned(fromByteOffset: 16, as: UInt64.self), d: raw.loadUnaligned(fromByteOffset: 24, as: UInt64.self))
        }
        let (sum, overflow) = timestamp.addingReportingOverflow(windowMillis)
        let expiry = overflow ? UInt64.max : sum
        return state.withLockedValue { state in
            Self.sweep(&state, now: now)
            if let existing = state.expiries[key], existing >= now { return false }
            state.expiries[key] = expiry
            state.buckets[expiry / 1000 + 1, default: []].append(key)
            return true
        }
    }

    /// Entries held now (for the metrics and tests).
    public var count: Int { state.withLockedValue { $0.expiries.count } }

    /// Drops the entries of every whole second that has passed since the last sweep.
    private static func sweep(_ state: inout State, now: UInt64) {
        let second = now / 1000
        guard let swept = state.sweptSecond else {
            state.sweptSecond = second
            return
        }
        guard second > swept else { return }
        state.sweptSecond = second
        let due: [UInt64]
        if second - swept <= UInt64(state.buckets.count) {
            due = (swept + 1...second).filter { state.buckets[$0] != nil }
        } else {
            due = state.buckets.keys.filter { $0 <= second }
        }
        for bucket in due {
            for key in state.buckets.removeValue(forKey: bucket) ?? [] where (state.expiries[key] ?? .max) < now {
                state.expiries[key] = nil
            }
        }
    }
}
