import ArgumentParser
import XSigHTTP
import XSigSidecar
import XSignature

struct SidecarCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "sidecar",
        abstract: "Serve fresh X-signatures over HTTP on loopback, made at the moment each request asks, for load tools and proxies.",
        discussion: """
        GET /sign answers 200 with every X- header of the request (X-signature and the request-field headers given by the flags below) as response headers, and as JSON:
          {"session_token":"...","timestamp":"...","nonce":"...",
           "signature":"...","headers":{...}}
        The session token is the session_token query parameter, else the X-Session-Token header, else the next token of --tokens (round robin); with none of them: 400 missing_session_token. The timestamp is the clock at signing plus the offset of --server-time (the body's timestamp minus the file's modification time) or --clock-offset-ms. GET /metrics and GET /healthz as in xsig mock.

        On the lanes engine (--backend auto where the CPU has AVX-512 IFMA, or lanes), concurrent requests are signed up to eight per kernel call; a request alone is signed at once. Loopback only: the sidecar signs for anyone who can reach it. Session tokens are never logged. When ready it prints one line on stdout,
          xsig sidecar: listening on http://HOST:PORT
        SIGINT/SIGTERM: stop accepting, finish requests in flight, print a summary on stderr.

        Examples:
          xsig sidecar --key pub.pem --tokens tokens.txt --client-id C \\
              --device-fingerprint FP --os-version "Android 14" --agent app/1.0
          curl -s 'http://127.0.0.1:8081/sign?session_token=abc123'
          examples/nginx/run.sh 127.0.0.1:8088 http://127.0.0.1:8081 \\
              http://127.0.0.1:8080                  # see docs/sidecar.md
        """
    )

    static let defaultListen = "127.0.0.1:8081"

    @OptionGroup var keyOptions: PublicKeyOptions

    @OptionGroup var server: ServerOptions

    @Option(name: .long, help: ArgumentHelp("Session tokens, one per line, handed out round robin to requests that bring none.", valueName: "file"))
    var tokens: String?

    @Option(name: .long, help: ArgumentHelp("Padding: pkcs1, oaep-sha256, oaep-sha256-mgf1sha1, oaep-sha1, oaep-<hash>[-mgf1<hash>].", valueName: "padding"))
    var padding: String = "oaep-sha256"

    @Option(name: .long, help: ArgumentHelp(
        "The server-date body {\"timestamp\":\"<ms>\"} in a file; its timestamp minus the file's modification time is added to the clock.",
        valueName: "file"))
    var serverTime: String?

    @Option(name: .long, help: ArgumentHelp("Milliseconds added to the local clock at signing (server time minus local time).", valueName: "ms"))
    var clockOffsetMs: Int64?

    @Option(name: .long, help: encryptionBackendHelp)
    var backend: RSAEncryptor.Backend = .auto

    @Option(name: .long, help: ArgumentHelp(
        "Longest wait, in microseconds, for a lanes group to fill once concurrent requests have been seen (0 to 100000).",
        valueName: "us"))
    var groupWindowUs: Int = 100

    @OptionGroup(title: "Request fields") var headerOptions: HeaderOptions

    func validate() throws {
        // Flags that cannot go together are a usage error (status 64), as in batch and sign.
        if serverTime != nil && clockOffsetMs != nil { throw ValidationError("give --server-time or --clock-offset-ms, not both") }
    }

    func run() throws {
        var serverConfiguration = try server.configuration(name: "sidecar", defaultListen: Self.defaultListen, loopbackOnly: true)
        let signingThreads = serverConfiguration.workerThreads
        serverConfiguration.workerThreads = 1  // the HTTP layer's pool is unused: signing has its own threads
        guard (0...100_000).contains(groupWindowUs) else { throw XSigError(.invalidArgument, "--group-window-us must be 0 to 100000") }
        let padding = try parsePadding(self.padding)
        let fields = try headerOptions.fields()
        let route = try headerOptions.route()
        if let clockOffsetMs, clockOffsetMs.magnitude > 10 * 365 * 86_400_000 {
            throw XSigError(.invalidArgument, "--clock-offset-ms must be within ten years (315360000000 ms) either way")
        }
        var offset = clockOffsetMs ?? 0
        if let serverTime {
            let measured = try serverClockOffset(serverTime: serverTime)
            if let warning = measured.warning { printNote(warning) }
            offset = measured.milliseconds
        }
        let rotation = try tokens.map { path -> TokenRotation in
            let bytes = try InputFiles.read(path, what: "--tokens", limit: 64 << 20)
            do { return TokenRotation(tokens: try SessionTokenFile.parse(bytes)) } catch let error as XSigError {
                throw error.prefixed("--tokens \(path)")
            }
        }
        let key = try keyOptions.load().key
        let signer = try XSignatureSigner(key: key, padding: padding, backend: backend)
        let configuration = SidecarConfiguration(signer: signer, fields: fields, route: route, tokens: rotation, clockOffsetMilliseconds: offset,
                                                 signingThreads: signingThreads, groupWindowMicroseconds: groupWindowUs)
        let metrics = MetricsRegistry()
        let responder = SidecarResponder(configuration: configuration, metrics: metrics)
        defer { responder.shutdown() }
        do {
            try HTTPServer(configuration: serverConfiguration, responder: responder, metrics: metrics).run()
        } catch let error as HTTPServerBindError {
            throw XSigError(.io, "--listen \(server.listenAddress(default: Self.defaultListen)): \(error.underlying)")
        }
    }
}
