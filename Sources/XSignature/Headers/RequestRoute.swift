/// Where a signed request goes: the HTTP method, the URL scheme and the path (with an optional
/// query). The host (and port) is the `domain` request field, so that a record can override it.
/// The default is the vendor's logout route, `GET https://<domain>/api/v2/sdk/logout`; any other
/// SDK route that requires the X-signature (`POST /api/v2/sdk/profile/update`) or a local server
/// (`http://127.0.0.1:8080`) is a different route with the same headers.
public struct RequestRoute: Sendable, Hashable {
    public enum Scheme: String, Sendable, CaseIterable {
        case http, https
    }

    /// An RFC 9110 method token, upper case (`GET`, `POST`, ...).
    public let method: String
    public let scheme: Scheme
    /// Starts with `/`; RFC 3986 path characters, then optionally `?` and a query.
    public let path: String

    public static let logoutPath = "/api/v2/sdk/logout"
    public static let logout = RequestRoute(checkedMethod: "GET", scheme: .https, path: logoutPath)

    /// - Throws: `XSigError(.invalidArgument)` naming what is wrong with the method or the path.
    public init(method: String = "GET", scheme: Scheme = .https, path: String = RequestRoute.logoutPath) throws {
        try Self.validate(method: method)
        try Self.validate(path: path)
        self.init(checkedMethod: method, scheme: scheme, path: path)
    }

    private init(checkedMethod method: String, scheme: Scheme, path: String) {
        self.method = method
        self.scheme = scheme
        self.path = path
    }

    /// `https://idp.example.com/api/v2/sdk/logout` for the host `idp.example.com`.
    public func url(host: String) -> String { "\(scheme.rawValue)://\(host)\(path)" }

    /// The route's own text, `GET https://<host>/api/v2/sdk/logout`, for messages and help.
    public var description: String { "\(method) \(url(host: "<host>"))" }

    // MARK: Base URL

    /// `http://127.0.0.1:8080` -> (`.http`, `127.0.0.1:8080`). The scheme is http or https (any
    /// case); then a host (a name, an IPv4 address or a bracketed IPv6 address) with an optional
    /// port 1...65535; then nothing or a single `/`. A path goes in ``path``, never here, so that
    /// one flag sets it.
    public static func parseBaseURL(_ text: String) throws -> (scheme: Scheme, authority: String) {
        let shape = "must look like https://HOST[:PORT] or http://HOST[:PORT]"
        let parts = text.split(separator: "://", maxSplits: 1, omittingEmptySubsequences: false)
        guard parts.count == 2 else { throw XSigError(.invalidArgument, "\(shape) (no scheme)") }
        guard let scheme = Scheme(rawValue: parts[0].lowercased()) else {
            throw XSigError(.invalidArgument, "scheme '\(parts[0])' is not supported: use http or https")
        }
        var rest = parts[1]
        if let slash = rest.firstIndex(where: { $0 == "/" || $0 == "?" || $0 == "#" }) {
            let tail = rest[slash...]
            guard tail == "/" else {
                throw XSigError(.invalidArgument, "\(shape): the path (and query) go in --path, not in the base URL")
            }
            rest = rest[..<slash]
        }
        let authority = String(rest)
        guard !authority.isEmpty else { throw XSigError(.invalidArgument, "\(shape) (no host)") }
        guard !authority.contains("@") else {
            throw XSigError(.invalidArgument, "\(shape): user information (user@) is not supported")
        }
        try validate(authority: authority)
        return (scheme, authority)
    }

    /// A host with an optional port: brackets around an IPv6 address, digits after the last colon.
    static func validate(authority: String) throws {
        var host = Substring(authority)
        var port: Substring?
        if authority.hasPrefix("[") {
            guard let close = authority.firstIndex(of: "]") else {
                throw XSigError(.invalidArgument, "IPv6 address has no closing ']'")
            }
            host = authority[authority.index(after: authority.startIndex)..<close]
            let after = authority[authority.index(after: close)...]
            if !after.isEmpty {
                guard after.first == ":" else { throw XSigError(.invalidArgument, "only ':PORT' may follow ']'") }
                port = after.dropFirst()
            }
            guard !host.isEmpty, host.allSatisfy({ $0.isHexDigit || $0 == ":" || $0 == "." }) else {
                throw XSigError(.invalidArgument, "'\(host)' is not an IPv6 address")
            }
        } else {
            let colons = authority.filter { $0 == ":" }.count
            guard colons <= 1 else { throw XSigError(.invalidArgument, "an IPv6 address goes in brackets, e.g. http://[::1]:8080") }
            if let colon = authority.firstIndex(of: ":") {
                host = authority[..<colon]
                port = authority[authority.index(after: colon)...]
            }
            guard !host.isEmpty, host.allSatisfy({ ($0.isASCII && ($0.isLetter || $0.isNumber)) || $0 == "." || $0 == "-" || $0 == "_" }) else {
                throw XSigError(.invalidArgument, "host '\(host)' may hold only letters, digits, '.', '-' and '_'")
            }
        }
        if let port {
            guard !port.isEmpty, port.count <= 5, port.allSatisfy({ $0.isASCII && $0.isNumber }), let value = Int(port),
                  (1...65535).contains(value) else {
                throw XSigError(.invalidArgument, "port '\(port)' is not a number in 1...65535")
            }
        }
    }

    // MARK: Method and path

    /// RFC 9110 section 9.1: a method is a token; the standard ones are upper case and methods
    /// are case-sensitive, so `post` is refused with a hint rather than sent or silently fixed.
    public static func validate(method: String) throws {
        guard !method.isEmpty else { throw XSigError(.invalidArgument, "method is empty") }
        let tchar = Set("!#$%&'*+-.^_`|~")
        for scalar in method.unicodeScalars {
            let c = Character(scalar)
            guard scalar.isASCII, c.isLetter || c.isNumber || tchar.contains(c) else {
                throw XSigError(.invalidArgument, "method '\(method)' is not an HTTP token (letters, digits and !#$%&'*+-.^_`|~ only)")
            }
        }
        if method.contains(where: \.isLowercase) {
            throw XSigError(.invalidArgument, "methods are case-sensitive: did you mean \(method.uppercased())?")
        }
    }

    /// RFC 3986 section 3.3 and 3.4: `/`, then pchar (unreserved, %HH, sub-delims, `:`, `@`) and `/`,
    /// then optionally `?` and a query (pchar, `/`, `?`). No fragment: it is never sent.
    public static func validate(path: String) throws {
        guard path.hasPrefix("/") else { throw XSigError(.invalidArgument, "path must start with '/', e.g. /api/v2/sdk/profile/update") }
        guard path.utf8.count <= 8192 else { throw XSigError(.invalidArgument, "path is longer than 8192 bytes") }
        let allowed = Set("-._~!$&'()*+,;=:@/?")
        let bytes = Array(path.utf8)
        var i = 0
        while i < bytes.count {
            let byte = bytes[i]
            let c = Character(Unicode.Scalar(byte))
            if byte == UInt8(ascii: "%") {
                guard i + 2 < bytes.count, Character(Unicode.Scalar(bytes[i + 1])).isHexDigit,
                      Character(Unicode.Scalar(bytes[i + 2])).isHexDigit else {
                    throw XSigError(.invalidArgument, "path has a '%' not followed by two hex digits at character \(i + 1)")
                }
                i += 3
                continue
            }
            guard byte < 0x80, c.isLetter || c.isNumber || allowed.contains(c) else {
                let what = byte == UInt8(ascii: "#") ? "'#' (a fragment is never sent)"
                    : byte < 0x80 && byte > 0x20 && byte != 0x7f ? "'\(c)'" : "byte 0x\(String(byte, radix: 16))"
                throw XSigError(.invalidArgument, "path has \(what) at character \(i + 1); percent-encode it (e.g. %20 for a space)")
            }
            i += 1
        }
    }
}
