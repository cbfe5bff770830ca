import NIOHTTP1
import XSigHTTP

/// A `/sign` request the sidecar cannot answer with a signature: its status, `error_code` and
/// message. Messages never repeat a session token.
public struct SidecarRefusal: Error, Sendable, Hashable {
    public let status: HTTPResponseStatus
    public let code: String
    public let message: String

    init(_ status: HTTPResponseStatus = .badRequest, code: String, _ message: String) {
        self.status = status
        self.code = code
        self.message = message
    }

    var response: HTTPResponse { .error(status, code: code, message: message) }

    static let missingToken = SidecarRefusal(
        code: "missing_session_token",
        "no session token: give ?session_token=... or an X-Session-Token header, or start the sidecar with --tokens FILE")

    static func duplicated(_ where_: String) -> SidecarRefusal {
        SidecarRefusal(code: "duplicate_session_token", "\(where_) is given more than once")
    }

    static func malformedQuery(_ why: String) -> SidecarRefusal {
        SidecarRefusal(code: "malformed_query", "session_token in the query: \(why)")
    }

    static func invalidToken(_ why: String) -> SidecarRefusal {
        SidecarRefusal(code: "invalid_session_token", why)
    }
}
