import XSignature

/// The X- headers of one signed request as the sidecar answers them: the request fields that
/// were given and X-signature, in the order of the vendor's documentation (the order of
/// `LogoutRequest.headers`, which `xsig headers` prints; a test holds the two together).
enum SidecarHeaders {
    static let before: [LogoutHeaderField] = [.osVersion, .deviceFingerprint, .agent, .clientID]
    static let after: [LogoutHeaderField] = [.deviceIP, .language, .tenantID]

    static func list(fields: LogoutHeaderFields, signature: String) -> [(name: String, value: String)] {
        var headers: [(name: String, value: String)] = []
        for field in before { if let value = fields[field] { headers.append((field.headerName, value)) } }
        headers.append(("X-signature", signature))
        for field in after { if let value = fields[field] { headers.append((field.headerName, value)) } }
        return headers
    }
}
