import NIOConcurrencyHelpers
import XSignature

/// The session tokens of `--tokens FILE` and which of them have logged out. A logout ends the
/// session: the token is refused from then on (`session_logged_out`). The state lives in memory
/// for the life of the server; restarting it restores every token. Thread-safe: a logout is
/// decided and recorded under one lock, so two concurrent logouts of a token give one 200.
public final class TokenStore: Sendable {
    public enum Status: Sendable, Hashable {
        case active, unknown, loggedOut
    }

    private let state: NIOLockedValueBox<(active: Set<String>, loggedOut: Set<String>)>

    public init<S: Sequence>(tokens: S) where S.Element == String {
        state = NIOLockedValueBox((Set(tokens), []))
    }

    /// The tokens of a `--tokens` file (``SessionTokenFile``).
    public static func parse(_ bytes: [UInt8]) throws -> TokenStore {
        TokenStore(tokens: try SessionTokenFile.parse(bytes))
    }

    public func status(of token: String) -> Status {
        state.withLockedValue { state in
            state.active.contains(token) ? .active : state.loggedOut.contains(token) ? .loggedOut : .unknown
        }
    }

    /// Ends the session when it is active; returns the status it had.
    public func logout(_ token: String) -> Status {
        state.withLockedValue { state in
            if state.active.remove(token) != nil {
                state.loggedOut.insert(token)
                return .active
            }
            return state.loggedOut.contains(token) ? .loggedOut : .unknown
        }
    }

    public var counts: (active: Int, loggedOut: Int) {
        state.withLockedValue { ($0.active.count, $0.loggedOut.count) }
    }
}
