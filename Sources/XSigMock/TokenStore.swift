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

    /// One token per line; blank lines and lines starting with `#` are skipped; CR LF works.
    /// A line that is not a valid token is refused with its line number (never its text).
    public static func parse(_ bytes: [UInt8]) throws -> TokenStore {
        var tokens: [String] = []
        for (index, raw) in bytes.split(separator: 0x0a, omittingEmptySubsequences: false).enumerated() {
            var line = raw
            if line.last == 0x0d { line = line.dropLast() }
            if line.isEmpty || line.first == UInt8(ascii: "#") { continue }
            guard let token = String(validating: line, as: UTF8.self) else {
                throw XSigError(.invalidInput, "line \(index + 1): not UTF-8")
            }
            do { try SignaturePayload.validateToken(token) } catch let error as XSigError {
                throw XSigError(.invalidInput, "line \(index + 1): \(error.message)")
            }
            tokens.append(token)
        }
        guard !tokens.isEmpty else { throw XSigError(.invalidInput, "no tokens found (one per line)") }
        return TokenStore(tokens: tokens)
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
