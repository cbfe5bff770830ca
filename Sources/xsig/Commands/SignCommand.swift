import ArgumentParser
import XSignature

struct SignCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "sign",
        abstract: "Compute one X-signature header value.",
        usage: "xsig sign --key <file> --session-token <token> [<options>]",
        discussion: """
        Encrypts "session_token=<token>&timestamp=<ms>&nonce=<nonce>" under the public key and prints \
        it Base64-encoded on one line. The timestamp defaults to the current time; servers compare it \
        with their own clock, so prefer --server-time with the body of GET /api/v2/sdk/server-date.

        Examples:
          xsig sign --key pub.pem --session-token abc123
          xsig sign --key pub.pem --session-token abc123 --timestamp 1628496895102 \\
              --padding oaep-sha256-mgf1sha1
          curl -s https://IDP/api/v2/sdk/server-date > now.json
          xsig sign --key pub.pem --session-token abc123 --server-time now.json
          xsig sign --key pub.pem --session-token abc123 --output json
        """
    )

    @OptionGroup var keyOptions: PublicKeyOptions

    @OptionGroup var payloadOptions: PayloadOptions

    @OptionGroup var seedOptions: SeedOptions

    @Option(name: .long, help: encryptionBackendHelp)
    var backend: RSAEncryptor.Backend = .gmp

    @Option(name: .long, help: "Output: base64 (the header value), hex, or json.")
    var output: SignOutput = .base64

    enum SignOutput: String, ExpressibleByArgument, CaseIterable { case base64, hex, json }

    func run() throws {
        let padding = try payloadOptions.parsedPadding()
        let key = try keyOptions.load().key
        let payload = try payloadOptions.payload()
        let signer = try XSignatureSigner(key: key, padding: padding, backend: backend)
        let ciphertext = try signer.ciphertext(payload, randomness: try seedOptions.randomness())
        let signature = Base64.encode(ciphertext)
        switch output {
        case .base64: emit(signature)
        case .hex: emit(Hex.encode(ciphertext))
        case .json:
            var json = JSONObjectWriter()
            json.add("session_token", payload.sessionToken)
            json.add("timestamp", String(payload.timestamp))
            json.add("nonce", payload.nonce)
            json.add("payload", payload.string)
            json.add("padding", padding.name)
            json.add("signature", signature)
            emit(json.finish())
        }
    }
}

/// --timestamp, --server-time or the clock.
func resolveTimestamp(timestamp: String?, serverTime: String?) throws -> UInt64 {
    if let timestamp {
        do { return try Timestamp.parse(timestamp) } catch let error as XSigError { throw error.prefixed("--timestamp") }
    }
    if let serverTime {
        let body = try InputFiles.read(serverTime, what: "--server-time")
        do { return try Timestamp.parseServerDate(body) } catch let error as XSigError {
            throw error.prefixed("--server-time \(serverTime == "-" ? "(stdin)" : serverTime)")
        }
    }
    return Timestamp.now()
}
