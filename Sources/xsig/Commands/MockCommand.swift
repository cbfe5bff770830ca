import ArgumentParser
import XSigHTTP
import XSigMock
import XSignature

struct MockCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "mock",
        abstract: "Serve the SDK API over HTTP and check every X-signature, for testing clients and load harnesses offline.",
        discussion: """
        Routes: GET /api/v2/sdk/server-date, GET /api/v2/sdk/public-key, GET /api/v2/sdk/logout, \
        POST /api/v2/sdk/profile/update, GET /metrics, GET /healthz. When ready it prints one line \
        on stdout:
          xsig mock: listening on http://HOST:PORT

        SIGINT/SIGTERM: stop accepting, finish requests in flight, print a summary on stderr, exit 0.

        Checks on logout and profile update, in order, each with its error_code in a 400 \
        {"error_code":"...","error_msg":"..."}: mandatory headers (missing_header, \
        client_id_mismatch); the signature (malformed_signature, decryption_error); the payload \
        (payload_not_utf8, missing_field, extra_fields, field_order, malformed_field, \
        invalid_session_token, invalid_timestamp, nonce_mismatch); freshness (stale_timestamp, \
        future_timestamp); replay (replayed_signature); --tokens (unknown_session_token, \
        session_logged_out). See docs/mock.md.

        Examples:
          xsig mock --private-key server.pem --listen 127.0.0.1:0
          xsig mock --private-key server.pem --tokens tokens.txt --client-id app1 \\
              --padding oaep-sha256,oaep-sha256-mgf1sha1
        """
    )

    static let defaultListen = "127.0.0.1:8080"

    @OptionGroup var keyOptions: PrivateKeyOptions
    @OptionGroup var server: ServerOptions

    @Option(name: .long, help: ArgumentHelp("Accepted paddings, comma-separated, tried in order.", valueName: "p[,p...]"))
    var padding: String = "oaep-sha256"

    @Option(name: .long, help: ArgumentHelp("Accepted |server clock - timestamp|, and the replay window.", valueName: "s"))
    var maxSkewSeconds: UInt64 = 300

    @Option(name: .customLong("client-id"), help: ArgumentHelp("Require X-client-id to equal this.", valueName: "id"))
    var clientID: String?

    @Option(name: .long, help: ArgumentHelp("File of valid session tokens, one per line; a logout ends a token's session.", valueName: "file"))
    var tokens: String?

    @Flag(name: .long, help: "Accept a signature again inside the window (no replay check).")
    var allowReplay = false

    @Flag(name: .long, help: "Accept ciphertexts shorter than k octets, left-padded with zeros, as Java, Node and openssl pkeyutl do (RFC 8017 refuses them).")
    var lenientLength = false

    @Option(name: .long, help: ArgumentHelp(
        "Decryption engine: gmp, openssl (one request at a time), lanes (groups of up to eight concurrent requests, one eight-lane pass each) or auto (with AVX-512 IFMA: lanes for groups big enough to pay for a pass, measured at start-up, openssl for smaller ones; else openssl). Every engine gives the same answers; GET /metrics shows the choice (xsig_mock_decryption_plan).",
        valueName: "engine"))
    var backend: DecryptionBackendChoice = .auto

    @Option(name: .long, help: ArgumentHelp(
        "Longest wait, in microseconds, for a lanes group to fill once concurrent requests have been seen (0 to 100000).",
        valueName: "us"))
    var groupWindowUs: Int = 100

    func run() throws {
        var serverConfiguration = try server.configuration(name: "mock", defaultListen: Self.defaultListen)
        let backend = try self.backend.resolve()
        guard (0...100_000).contains(groupWindowUs) else { throw XSigError(.invalidArgument, "--group-window-us must be 0 to 100000") }
        let paddings = try padding.split(separator: ",", omittingEmptySubsequences: false).map { try parsePadding(String($0)) }
        guard maxSkewSeconds <= 365 * 86_400 else { throw XSigError(.invalidArgument, "--max-skew-seconds must be at most 31536000 (a year)") }
        let tokenStore = try tokens.map { path -> TokenStore in
            let bytes = try InputFiles.read(path, what: "--tokens", limit: 64 << 20)
            do { return try TokenStore.parse(bytes) } catch let error as XSigError { throw error.prefixed("--tokens \(path)") }
        }
        let configuration = MockConfiguration(paddings: paddings, maximumSkewSeconds: maxSkewSeconds, clientID: clientID, tokens: tokenStore,
                                              allowReplay: allowReplay, length: lenientLength ? .lenient : .strict, backend: backend,
                                              decryptionThreads: serverConfiguration.workerThreads, groupWindowMicroseconds: groupWindowUs)
        let key = try keyOptions.load().key
        let metrics = MetricsRegistry()
        let responder = try MockResponder(privateKey: key, configuration: configuration, metrics: metrics)
        defer { responder.shutdown() }
        if responder.groupsRequests {
            serverConfiguration.workerThreads = 1  // the HTTP layer's pool is unused: groups have their own threads
        }
        do {
            try HTTPServer(configuration: serverConfiguration, responder: responder, metrics: metrics).run()
        } catch let error as HTTPServerBindError {
            throw XSigError(.io, "--listen \(server.listenAddress(default: Self.defaultListen)): \(error.underlying)")
        }
    }
}
