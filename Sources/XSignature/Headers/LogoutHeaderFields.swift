/// One field of the logout request that is not derived from the signature: the domain (the URL's
/// host) and the header values. The raw value is the name shared by the input columns of
/// `xsig batch` (CSV header, NDJSON keys); ``flag`` is the matching command-line option.
public enum LogoutHeaderField: String, CaseIterable, Sendable, Hashable, Comparable {
    case domain
    case clientID = "client_id"
    case deviceFingerprint = "device_fingerprint"
    case osVersion = "os_version"
    case agent
    case deviceIP = "device_ip"
    case language = "lang"
    case tenantID = "tenant_id"

    /// The input column / JSON key name.
    public var column: String { rawValue }

    /// The command-line option that sets the default for every record.
    public var flag: String {
        switch self {
        case .domain: return "--domain"
        case .clientID: return "--client-id"
        case .deviceFingerprint: return "--device-fingerprint"
        case .osVersion: return "--os-version"
        case .agent: return "--agent"
        case .deviceIP: return "--device-ip"
        case .language: return "--lang"
        case .tenantID: return "--tenant-id"
        }
    }

    /// What the field becomes on the wire (the domain is the Host, not an X- header).
    public var headerName: String {
        switch self {
        case .domain: return "Host"
        case .clientID: return "X-client-id"
        case .deviceFingerprint: return "X-device-fingerprint"
        case .osVersion: return "X-operating-sys-version"
        case .agent: return "X-agent"
        case .deviceIP: return "X-device-ip"
        case .language: return "X-L"
        case .tenantID: return "X-tenant-id"
        }
    }

    /// `domain` or `header X-agent`, for "missing mandatory ..." messages.
    public var missingName: String { self == .domain ? "domain" : "header \(headerName)" }

    /// The flags that give the field: `--domain` has the long form `--base-url`.
    public var flagHint: String { self == .domain ? "--domain (or --base-url)" : flag }

    /// The request cannot be sent without these (the vendor's list plus the URL's host).
    public var isMandatory: Bool {
        switch self {
        case .domain, .clientID, .deviceFingerprint, .osVersion, .agent: return true
        case .deviceIP, .language, .tenantID: return false
        }
    }

    public static let mandatory: [LogoutHeaderField] = allCases.filter(\.isMandatory)

    public init?(column: String) { self.init(rawValue: column) }

    public static func < (a: Self, b: Self) -> Bool {
        allCases.firstIndex(of: a)! < allCases.firstIndex(of: b)!
    }
}

/// The non-signature part of a logout request, every field optional: the defaults given on the
/// command line, a record's own overrides, or the two merged. ``request(signature:)`` turns a
/// complete set into a ``LogoutRequest`` and names the first missing mandatory field otherwise.
public struct LogoutHeaderFields: Sendable, Hashable {
    // Stored one by one rather than in an array: a batch builds one of these per record, and an
    // empty set must cost no allocation.
    public var domain: String?
    public var clientID: String?
    public var deviceFingerprint: String?
    public var osVersion: String?
    public var agent: String?
    public var deviceIP: String?
    public var language: String?
    public var tenantID: String?

    public init() {}

    public init(_ fields: [LogoutHeaderField: String]) {
        for (field, value) in fields { self[field] = value }
    }

    public subscript(field: LogoutHeaderField) -> String? {
        get {
            switch field {
            case .domain: return domain
            case .clientID: return clientID
            case .deviceFingerprint: return deviceFingerprint
            case .osVersion: return osVersion
            case .agent: return agent
            case .deviceIP: return deviceIP
            case .language: return language
            case .tenantID: return tenantID
            }
        }
        set {
            switch field {
            case .domain: domain = newValue
            case .clientID: clientID = newValue
            case .deviceFingerprint: deviceFingerprint = newValue
            case .osVersion: osVersion = newValue
            case .agent: agent = newValue
            case .deviceIP: deviceIP = newValue
            case .language: language = newValue
            case .tenantID: tenantID = newValue
            }
        }
    }

    /// True when no field is set: the record carries no request at all.
    public var isEmpty: Bool {
        domain == nil && clientID == nil && deviceFingerprint == nil && osVersion == nil && agent == nil
            && deviceIP == nil && language == nil && tenantID == nil
    }

    /// The fields that are set, in declaration order.
    public var setFields: [LogoutHeaderField] { LogoutHeaderField.allCases.filter { self[$0] != nil } }

    /// `overrides` wins wherever it sets a field.
    public func merging(_ overrides: LogoutHeaderFields) -> LogoutHeaderFields {
        if overrides.isEmpty { return self }
        var merged = self
        for field in LogoutHeaderField.allCases { if let value = overrides[field] { merged[field] = value } }
        return merged
    }

    /// The first mandatory field that is not set, if any.
    public var firstMissingMandatory: LogoutHeaderField? { LogoutHeaderField.mandatory.first { self[$0] == nil } }

    /// The complete request on `route`, or an error naming the missing field and how to give it.
    public func request(signature: String, route: RequestRoute = .logout) throws -> LogoutRequest {
        if let missing = firstMissingMandatory { throw Self.missingError(missing) }
        return LogoutRequest(domain: domain!, clientID: clientID!, deviceFingerprint: deviceFingerprint!,
                             osVersion: osVersion!, agent: agent!, deviceIP: deviceIP,
                             language: language, tenantID: tenantID, signature: signature, route: route)
    }

    /// `missing mandatory header X-agent: give --agent or an input column named agent`.
    public static func missingError(_ field: LogoutHeaderField) -> XSigError {
        XSigError(.invalidInput, "missing mandatory \(field.missingName): give \(field.flagHint) or an input column named \(field.column)")
    }

    /// A header value must be one line of visible characters (no CR, LF or other controls: they
    /// would inject headers); the domain must look like a host with an optional port.
    /// The message names the field, never the value.
    public static func validate(_ value: String, for field: LogoutHeaderField) throws {
        guard !value.isEmpty else { throw XSigError(.invalidInput, "\(field.column) is empty") }
        for (i, scalar) in value.unicodeScalars.enumerated() {
            let v = scalar.value
            if v < 0x20 || v == 0x7f || (0x80..<0xa0).contains(v) {
                throw XSigError(.invalidInput, "\(field.column) contains a control character (U+\(String(v, radix: 16, uppercase: true))) at character \(i + 1)")
            }
            if field == .domain {
                let ok = (v >= 0x30 && v <= 0x39) || (v >= 0x41 && v <= 0x5a) || (v >= 0x61 && v <= 0x7a)
                    || scalar == "." || scalar == "-" || scalar == ":" || scalar == "[" || scalar == "]" || scalar == "_"
                guard ok else {
                    throw XSigError(.invalidInput, "domain must be a host name with an optional :port (no scheme or path: those go in --base-url and --path); character \(i + 1) is not allowed")
                }
            }
        }
        if value.first == " " || value.last == " " {
            throw XSigError(.invalidInput, "\(field.column) has leading or trailing spaces")
        }
        if field == .domain {
            // The same host and port rules as --base-url's authority (a port in 1...65535, IPv6 in brackets).
            do { try RequestRoute.validate(authority: value) } catch let error as XSigError {
                throw XSigError(.invalidInput, "domain: \(error.message)")
            }
        }
    }
}
