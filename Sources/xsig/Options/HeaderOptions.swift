import ArgumentParser
import XSignature

/// The logout request's fields other than the signature, shared by `xsig headers` and
/// `xsig batch` (where each is a default that an input column of the same name overrides).
struct HeaderOptions: ParsableArguments {
    @Option(name: .long, help: ArgumentHelp("Identity provider host (and :port) for the request URL (mandatory). Column: domain.", valueName: "host"))
    var domain: String?

    @Option(name: .customLong("client-id"), help: ArgumentHelp("X-client-id (mandatory). Column: client_id.", valueName: "id"))
    var clientID: String?

    @Option(name: .long, help: ArgumentHelp("X-device-fingerprint (mandatory). Column: device_fingerprint.", valueName: "str"))
    var deviceFingerprint: String?

    @Option(name: .long, help: ArgumentHelp("X-operating-sys-version (mandatory). Column: os_version.", valueName: "str"))
    var osVersion: String?

    @Option(name: .long, help: ArgumentHelp("X-agent (mandatory). Column: agent.", valueName: "str"))
    var agent: String?

    @Option(name: .customLong("device-ip"), help: ArgumentHelp("X-device-ip (optional). Column: device_ip.", valueName: "ip"))
    var deviceIP: String?

    @Option(name: .long, help: ArgumentHelp("X-L, the language (optional). Column: lang.", valueName: "lang"))
    var lang: String?

    @Option(name: .customLong("tenant-id"), help: ArgumentHelp("X-tenant-id (optional). Column: tenant_id.", valueName: "id"))
    var tenantID: String?

    /// The given fields, each checked (the message names the flag, not the value).
    func fields() throws -> LogoutHeaderFields {
        var fields = LogoutHeaderFields()
        let given: [(LogoutHeaderField, String?)] = [
            (.domain, domain), (.clientID, clientID), (.deviceFingerprint, deviceFingerprint), (.osVersion, osVersion),
            (.agent, agent), (.deviceIP, deviceIP), (.language, lang), (.tenantID, tenantID),
        ]
        for (field, value) in given {
            guard let value else { continue }
            do { try LogoutHeaderFields.validate(value, for: field) } catch let error as XSigError {
                throw error.prefixed(field.flag)
            }
            fields[field] = value
        }
        return fields
    }
}
