import NIOConcurrencyHelpers

/// The tokens of `--tokens FILE`, handed out in file order and then again from the first
/// (round robin), one per request that names no token itself. Thread-safe.
public final class TokenRotation: Sendable {
    private let tokens: [String]
    private let next = NIOLockedValueBox(0)

    /// `tokens` must not be empty (``SessionTokenFile/parse(_:)`` guarantees it).
    public init(tokens: [String]) {
        precondition(!tokens.isEmpty, "a rotation needs at least one token")
        self.tokens = tokens
    }

    public var count: Int { tokens.count }

    public func nextToken() -> String {
        let index = next.withLockedValue { next -> Int in
            let index = next
            next = next + 1 == tokens.count ? 0 : next + 1
            return index
        }
        return tokens[index]
    }
}
