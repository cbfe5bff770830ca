import ArgumentParser
import Glibc
import XSignature

@main
struct XSig: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "xsig",
        abstract: "Offline X-signature computation: RSA encryption (PKCS#1 v1.5, OAEP) on GMP, cross-checked against OpenSSL.",
        discussion: """
        X-signature = Base64(RSA-encrypt(public key, payload)) with payload \
        "session_token=<token>&timestamp=<ms>&nonce=<hex of ms>".

        Start here:
          xsig demo                       the whole job on the demo key
          xsig sign --key K --session-token-file T
          xsig batch --key K --input tokens.txt --output out.ndjson
          xsig verify --private-key P --signature S
          xsig mock --private-key P --listen 127.0.0.1:0
          xsig vectors generate --out DIR
          xsig bench

        Paddings (--padding): pkcs1; oaep-sha256 (MGF1-SHA-256, Java with BouncyCastle); \
        oaep-sha256-mgf1sha1 (Java's default SunJCE); oaep-sha1; generally oaep-<hash>[-mgf1<hash>], \
        hash one of sha1, sha224, sha256, sha384, sha512.

        Shell completions: xsig --generate-completion-script bash|zsh|fish prints the script for \
        that shell; the release tarball (scripts/release.sh) installs them and the man page xsig(1).
        """,
        version: VersionReport.text,
        subcommands: [SignCommand.self, EncryptCommand.self, InspectKeyCommand.self, DemoCommand.self, BatchCommand.self, HeadersCommand.self, BenchCommand.self, VectorsCommand.self, DecryptCommand.self, VerifyCommand.self, MockCommand.self, SidecarCommand.self, KeygenCommand.self]
    )

    /// Runs the command and turns every xsig error into one `xsig: ` line and an exit status.
    static func main() {
        do {
            try RawArguments.checkUTF8()
            if let sign = SignFastPath.request(Array(CommandLine.arguments.dropFirst())) {
                try sign.run()
                return
            }
            var command = try parseAsRoot()
            try command.run()
        } catch let error as XSigError {
            printError(error.message)
            Glibc.exit(ExitStatus.code(for: error))
        } catch let error as CommandFailure {
            if !error.message.isEmpty { printError(error.message) }
            Glibc.exit(error.status)
        } catch {
            // The argument parser's own errors (unknown flag, missing or malformed value, a
            // validate() refusal) follow the same rule as every other bad input: one `xsig: `
            // line naming the option, status 64 (EX_USAGE). Help and --version exit as usual.
            let code = exitCode(for: error)
            guard code != .success else { exit(withError: error) }
            printError(message(for: error) + " (see 'xsig help' for usage)")
            Glibc.exit(code.rawValue)
        }
    }
}

/// A failure whose message has been composed already (or printed, when empty).
struct CommandFailure: Error {
    let message: String
    let status: Int32
}
