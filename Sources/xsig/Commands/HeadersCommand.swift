import ArgumentParser
import Glibc
import XSigBatch
import XSignature

struct HeadersCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "headers",
        abstract: "Print the complete logout request for one session token: every header, X-signature included.",
        discussion: """
        GET /api/v2/sdk/logout needs X-operating-sys-version, X-device-fingerprint, X-agent, \
        X-client-id and X-signature, and optionally X-device-ip, X-L and X-tenant-id. This command \
        signs the token and prints the whole request as an HTTP/1.1 request head (CRLF line ends), a \
        runnable curl command, or JSON. A missing mandatory field is an error naming it. Other SDK \
        routes take the same headers: --base-url, --path and --method choose the route (default GET \
        https://<domain>/api/v2/sdk/logout). Only send requests to systems you are authorised to test.

        Examples:
          xsig headers --key pub.pem --session-token-file token.txt \\
              --domain idp.example.com --client-id C --device-fingerprint FP \\
              --os-version "Android 14" --agent "myapp/1.0" --format curl
          xsig headers ... --server-time now.json --format json
          xsig headers ... --base-url http://127.0.0.1:8080 --method POST \\
              --path /api/v2/sdk/profile/update

        For many tokens, see xsig batch (same header flags).
        """
    )

    @OptionGroup var keyOptions: PublicKeyOptions

    @OptionGroup var payloadOptions: PayloadOptions

    @OptionGroup var seedOptions: SeedOptions

    @OptionGroup(title: "Request fields") var headerOptions: HeaderOptions

    @Option(name: .long, help: encryptionBackendHelp)
    var backend: RSAEncryptor.Backend = .gmp

    @Option(name: .long, help: "Output: http (request head), curl (a command line), or json.")
    var format: HeadersFormat = .http

    enum HeadersFormat: String, ExpressibleByArgument, CaseIterable { case http, curl, json }

    func run() throws {
        try payloadOptions.checkStdinReaders(key: keyOptions.key)
        let padding = try payloadOptions.parsedPadding()
        let fields = try headerOptions.fields()
        let route = try headerOptions.route()
        // Name a missing field before touching the key or the clock.
        if let missing = fields.firstMissingMandatory {
            throw XSigError(.invalidArgument, "missing mandatory \(missing.missingName): give \(missing.flagHint)")
        }
        let key = try keyOptions.load().key
        let payload = try payloadOptions.payload()
        let signer = try XSignatureSigner(key: key, padding: padding, backend: backend)
        let signature = try signer.sign(payload, randomness: try seedOptions.randomness())
        let request = try fields.request(signature: signature, route: route)
        switch format {
        case .http:
            // Written as is: the request head ends with its own CRLF blank line.
            writeAll(request.httpRequest, to: STDOUT_FILENO)
        case .curl:
            var lines = ["curl -sS " + Self.curlMethod(request.method) + shellQuoted(request.url)]
            lines += request.headers.map { "  -H " + shellQuoted("\($0.name): \($0.value)") }
            emit(lines.joined(separator: " \\\n"))
        case .json:
            var json = JSONObjectWriter()
            json.add("method", request.method)
            json.add("url", request.url)
            json.add("session_token", payload.sessionToken)
            json.add("timestamp", String(payload.timestamp))
            json.add("nonce", payload.nonce)
            json.add("padding", padding.name)
            json.add("headers", headers: request.headers)
            emit(json.finish())
        }
    }

    /// Nothing for GET; `--head` for HEAD (`-X HEAD` would wait for a body); else `-X METHOD`.
    static func curlMethod(_ method: String) -> String {
        switch method {
        case "GET": return ""
        case "HEAD": return "--head "
        default: return "-X " + shellQuoted(method) + " "
        }
    }
}

/// POSIX shell single quoting: 'it'\''s'.
func shellQuoted(_ text: String) -> String {
    "'" + text.split(separator: "'", omittingEmptySubsequences: false).joined(separator: "'\\''") + "'"
}
