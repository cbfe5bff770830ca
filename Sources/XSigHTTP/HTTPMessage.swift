import NIOHTTP1

/// A whole request as the routes see it: the head decoded by NIOHTTP1 and the body collected
/// within the body limit.
public struct HTTPRequest: Sendable {
    public let method: HTTPMethod
    /// The URI as sent ("/api/v2/sdk/logout?x=1").
    public let uri: String
    public let headers: HTTPHeaders
    public let body: [UInt8]

    public init(method: HTTPMethod, uri: String, headers: HTTPHeaders, body: [UInt8] = []) {
        self.method = method
        self.uri = uri
        self.headers = headers
        self.body = body
    }

    /// The path without the query string.
    public var path: Substring { uri.prefix(while: { $0 != "?" }) }
}

/// A whole response: status, extra headers and body. Content-Length and Connection are set by
/// the server.
public struct HTTPResponse: Sendable {
    public var status: HTTPResponseStatus
    public var headers: HTTPHeaders
    public var body: [UInt8]

    public init(status: HTTPResponseStatus, headers: HTTPHeaders = HTTPHeaders(), body: [UInt8] = []) {
        self.status = status
        self.headers = headers
        self.body = body
    }

    /// A JSON body (already serialised) with its content type.
    public static func json(_ status: HTTPResponseStatus, _ text: String) -> HTTPResponse {
        HTTPResponse(status: status, headers: ["Content-Type": "application/json"], body: Array(text.utf8))
    }

    /// A plain-text body.
    public static func text(_ status: HTTPResponseStatus, _ text: String, contentType: String = "text/plain; charset=utf-8") -> HTTPResponse {
        HTTPResponse(status: status, headers: ["Content-Type": contentType], body: Array(text.utf8))
    }

    /// `{"error_code":"...","error_msg":"..."}`: the error shape of the SDK APIs, also used for the
    /// server's own refusals (431, 413, 408, 503, 404, 405, 400).
    public static func error(_ status: HTTPResponseStatus, code: String, message: String) -> HTTPResponse {
        json(status, "{\"error_code\":\(JSONString.quote(code)),\"error_msg\":\(JSONString.quote(message))}")
    }
}
