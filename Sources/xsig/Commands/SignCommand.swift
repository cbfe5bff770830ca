import ArgumentParser
import XSignature

struct SignCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "sign",
        abstract: "Compute one X-signature header value.",
        usage: "xsig sign --key <file> --session-token-file <file> [<options>]",
        discussion: """
        Encrypts "session_token=<token>&timestamp=<ms>&nonce=<nonce>" under the public key and prints \
        it Base64-encoded on one line. The timestamp defaults to the current time; servers compare it \
        with their own clock, so prefer --server-time with the body of GET /api/v2/sdk/server-date.

        The token comes from --session-token-file FILE or --session-token TOKEN (either takes - for \
        stdin), not both; without either flag, from the XSIG_SESSION_TOKEN environment variable. A \
        token given as --session-token TOKEN shows in ps and shell history. One trailing newline \
        (LF or CRLF) of a file or stdin is dropped. A --timestamp under 10^11 (it looks like \
        seconds) and a --server-time body more than an hour old are signed as given, with a \
        warning on stderr.

        Examples:
          xsig sign --key pub.pem --session-token-file token.txt
          xsig sign --key pub.pem --session-token-file token.txt \\
              --timestamp 1628496895102 --padding oaep-sha256-mgf1sha1
          curl -s https://IDP/api/v2/sdk/server-date > now.json
          xsig sign --key pub.pem --session-token-file token.txt --server-time now.json
          printf '%s' "$TOKEN" | xsig sign --key pub.pem --session-token -
          XSIG_SESSION_TOKEN="$TOKEN" xsig sign --key pub.pem
        """
    )

    @OptionGroup var keyOptions: PublicKeyOptions

    @OptionGroup var payloadOptions: PayloadOptions

    @OptionGroup var seedOptions: SeedOptions

    @Option(name: .long, help: encryptionBackendHelp)
    var backend: RSAEncryptor.Backend = SignCommand.defaultBackend

    static let defaultBackend = RSAEncryptor.Backend.gmp

    @Option(name: .long, help: "Output: base64 (the header value), hex, or json.")
    var output: SignOutput = SignCommand.defaultOutput

    static let defaultOutput = SignOutput.base64

    enum SignOutput: String, ExpressibleByArgument, CaseIterable { case base64, hex, json }

    /// The command as plain values; `run()` is the request's.
    var request: SignRequest {
        SignRequest(key: keyOptions.key, allowWeakKey: keyOptions.weakKey.allowWeakKey,
                    sessionToken: payloadOptions.token.sessionToken, sessionTokenFile: payloadOptions.token.sessionTokenFile,
                    timestamp: payloadOptions.timestamp, serverTime: payloadOptions.serverTime, nonce: payloadOptions.nonce,
                    padding: payloadOptions.padding, seed: seedOptions.seed, index: seedOptions.index,
                    backend: backend, output: output)
    }

    func run() throws { try request.run() }
}

/// --timestamp, --server-time or the clock. A value that looks like seconds, or a server-date
/// body more than an hour old, is used as given with a warning, which the caller prints once the
/// rest of the input is accepted (a refused command line gets its one error line only).
/// `alternatives`: the words besides `now` that the caller handles itself (batch: `clock`), for the message.
func resolveTimestamp(timestamp: String?, serverTime: String?, alternatives: [String] = []) throws -> (milliseconds: UInt64, warning: String?) {
    if timestamp == "now" { return (Timestamp.now(), nil) }   // the default, spelt out (as batch takes it)
    if let timestamp {
        let value: UInt64
        do { value = try Timestamp.parse(timestamp, alternatives: ["now"] + alternatives) } catch let error as XSigError {
            throw error.prefixed("--timestamp")
        }
        return (value, Timestamp.secondsWarning(value).map { "warning: --timestamp: \($0)" })
    }
    if let serverTime {
        let name = "--server-time \(serverTime == "-" ? "(stdin)" : serverTime)"
        let body = try InputFiles.read(serverTime, what: "--server-time")
        let value: UInt64
        do { value = try Timestamp.parseServerDate(body) } catch let error as XSigError { throw error.prefixed(name) }
        let warning = Timestamp.secondsWarning(value) ?? Timestamp.staleWarning(serverTime: value, now: Timestamp.now())
        return (value, warning.map { "warning: \(name): \($0)" })
    }
    return (Timestamp.now(), nil)
}
