import ArgumentParser
import Glibc
import XSignature

@main
struct XSig: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "xsig",
        abstract: "Offline X-signature computation: RSA encryption (PKCS#1 v1.5, OAEP) on GMP, cross-checked against OpenSSL.",
        discussion: """
        The X-signature header of OneAccess-style SDK APIs is Base64(RSA-encrypt(public key,
        "session_token=<token>&timestamp=<ms>&nonce=<hex of ms>")).

        Start here:
          xsig demo                                   run the whole job on the bundled demo key
          xsig sign --key pub.pem --session-token T   one X-signature (padding oaep-sha256)
          xsig inspect-key --key pub.pem              what xsig reads from a key file

        Paddings (--padding): pkcs1, oaep-sha256 (MGF1-SHA-256, Java+BouncyCastle),
        oaep-sha256-mgf1sha1 (Java's default SunJCE provider), oaep-sha1, and generally
        oaep-<hash>[-mgf1<hash>] with sha1, sha224, sha256, sha384, sha512.
        """,
        version: "0.1.0",
        subcommands: [SignCommand.self, EncryptCommand.self, InspectKeyCommand.self, DemoCommand.self, BatchCommand.self, HeadersCommand.self, BenchCommand.self, VectorsCommand.self, DecryptCommand.self, VerifyCommand.self, KeygenCommand.self, DecryptBenchCommand.self]
    )

    /// Runs the command and turns every xsig error into one `xsig: ` line and an exit status.
    static func main() {
        do {
            var command = try parseAsRoot()
            try command.run()
        } catch let error as XSigError {
            printError(error.message)
            Glibc.exit(ExitStatus.code(for: error))
        } catch let error as CommandFailure {
            if !error.message.isEmpty { printError(error.message) }
            Glibc.exit(error.status)
        } catch {
            exit(withError: error)
        }
    }
}

/// A failure whose message has been composed already (or printed, when empty).
struct CommandFailure: Error {
    let message: String
    let status: Int32
}
