/// The header set of the OneAccess SDK logout request, `GET /api/v2/sdk/logout`, sent on the
/// logout route by default or on any other ``RequestRoute`` that takes the same headers.
/// Mandatory: X-operating-sys-version, X-device-fingerprint, X-agent, X-client-id, X-signature.
/// Optional: X-device-ip, X-L, X-tenant-id.
public struct LogoutRequest: Sendable, Hashable {
    public static let path = RequestRoute.logoutPath

    /// Method, scheme and path; the host is ``domain``.
    public var route: RequestRoute

    public var domain: String
    public var clientID: String
    public var deviceFingerprint: String
    public var osVersion: String
    public var agent: String
    public var deviceIP: String?
    public var language: String?
    public var tenantID: String?
    public var signature: String

    public init(domain: String, clientID: String, deviceFingerprint: String, osVersion: String, agent: String,
                deviceIP: String? = nil, language: String? = nil, tenantID: String? = nil, signature: String,
                route: RequestRoute = .logout) {
        self.route = route
        self.domain = domain
        self.clientID = clientID
        self.deviceFingerprint = deviceFingerprint
        self.osVersion = osVersion
        self.agent = agent
        self.deviceIP = deviceIP
        self.language = language
        self.tenantID = tenantID
        self.signature = signature
    }

    /// The headers in the vendor's documented order, optional ones only when set.
    public var headers: [(name: String, value: String)] {
        var list: [(String, String)] = [
            ("X-operating-sys-version", osVersion),
            ("X-device-fingerprint", deviceFingerprint),
            ("X-agent", agent),
            ("X-client-id", clientID),
            ("X-signature", signature),
        ]
        if let deviceIP { list.append(("X-device-ip", deviceIP)) }
        if let language { list.append(("X-L", language)) }
        if let tenantID { list.append(("X-tenant-id", tenantID)) }
        return list
    }

    public var method: String { route.method }

    public var url: String { route.url(host: domain) }

    /// An HTTP/1.1 request head (request line, Host, the X- headers, a blank line).
    public var httpRequest: String {
        var lines = ["\(route.method) \(route.path) HTTP/1.1", "Host: \(domain)"]
        lines += headers.map { "\($0.name): \($0.value)" }
        return lines.joined(separator: "\r\n") + "\r\n\r\n"
    }
}
