import ArgumentParser
import XSignature

/// The request other than the signature: its route (`--base-url`, `--path`, `--method`) and its
/// fields. Shared by `xsig headers`, `xsig batch` and `xsig sidecar` (in batch each field is a
/// default that an input column of the same name overrides; the route is the same for every record).
struct HeaderOptions: ParsableArguments {
    @Option(name: .customLong("base-url"), help: ArgumentHelp(
        "Scheme, host and port of the request URL, e.g. http://127.0.0.1:8080 (a local server) or https://idp.example.com:8443. Sets the domain; --domain H is short for --base-url https://H.",
        valueName: "url"))
    var baseURL: String?

    @Option(name: .long, help: ArgumentHelp(
        "Request path (and ?query), e.g. /api/v2/sdk/profile/update. The X- headers are the same on every route.",
        valueName: "path"))
    var path: String = RequestRoute.logoutPath

    @Option(name: .long, help: ArgumentHelp(
        "HTTP method, upper case, e.g. POST for /api/v2/sdk/profile/update (the body is the load tool's job).",
        valueName: "method"))
    var method: String = "GET"

    @Option(name: .long, help: ArgumentHelp("Identity provider host (and :port) for an https URL (mandatory unless --base-url). Batch input column: domain.", valueName: "host"))
    var domain: String?

    @Option(name: .customLong("client-id"), help: ArgumentHelp("X-client-id (mandatory). Batch input column: client_id.", valueName: "id"))
    var clientID: String?

    @Option(name: .long, help: ArgumentHelp("X-device-fingerprint (mandatory). Batch input column: device_fingerprint.", valueName: "str"))
    var deviceFingerprint: String?

    @Option(name: .long, help: ArgumentHelp("X-operating-sys-version (mandatory). Batch input column: os_version.", valueName: "str"))
    var osVersion: String?

    @Option(name: .long, help: ArgumentHelp("X-agent (mandatory). Batch input column: agent.", valueName: "str"))
    var agent: String?

    @Option(name: .customLong("device-ip"), help: ArgumentHelp("X-device-ip (optional). Batch input column: device_ip.", valueName: "ip"))
    var deviceIP: String?

    @Option(name: .long, help: ArgumentHelp("X-L, the language (optional). Batch input column: lang.", valueName: "lang"))
    var lang: String?

    @Option(name: .customLong("tenant-id"), help: ArgumentHelp("X-tenant-id (optional). Batch input column: tenant_id.", valueName: "id"))
    var tenantID: String?

    func validate() throws {
        if baseURL != nil && domain != nil {
            throw ValidationError("give --base-url or --domain, not both (--domain H is short for --base-url https://H)")
        }
    }

    /// Method, scheme and path, each checked (the message names the flag).
    func route() throws -> RequestRoute {
        var scheme = RequestRoute.Scheme.https
        if let baseURL {
            do { scheme = try RequestRoute.parseBaseURL(baseURL).scheme } catch let error as XSigError { throw error.prefixed("--base-url") }
        }
        do { try RequestRoute.validate(method: method) } catch let error as XSigError { throw error.prefixed("--method") }
        do { try RequestRoute.validate(path: path) } catch let error as XSigError { throw error.prefixed("--path") }
        return try RequestRoute(method: method, scheme: scheme, path: path)
    }

    /// The given fields, each checked (the message names the flag, not the value); the host of
    /// --base-url is the domain.
    func fields() throws -> LogoutHeaderFields {
        var fields = LogoutHeaderFields()
        var domain = self.domain
        if let baseURL {
            do { domain = try RequestRoute.parseBaseURL(baseURL).authority } catch let error as XSigError { throw error.prefixed("--base-url") }
        }
        let given: [(LogoutHeaderField, String?)] = [
            (.domain, domain), (.clientID, clientID), (.deviceFingerprint, deviceFingerprint), (.osVersion, osVersion),
            (.agent, agent), (.deviceIP, deviceIP), (.language, lang), (.tenantID, tenantID),
        ]
        for (field, value) in given {
            guard let value else { continue }
            do { try LogoutHeaderFields.validate(value, for: field) } catch let error as XSigError {
                throw error.prefixed(field == .domain && baseURL != nil ? "--base-url" : field.flag)
            }
            fields[field] = value
        }
        return fields
    }
}
