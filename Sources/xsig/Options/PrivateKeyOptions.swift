import ArgumentParser
import Glibc
import XSignature

/// `--private-key FILE` (any private form, auto-detected), `--allow-weak-key`, and the passphrase of an
/// encrypted key from `--passphrase-file FILE|-` or `XSIG_KEY_PASSPHRASE`, never from argv.
struct PrivateKeyOptions: ParsableArguments {
    @Option(name: .long, help: ArgumentHelp(
        "Private key file, or - for stdin. Auto-detected: PEM PRIVATE KEY (PKCS#8) or RSA PRIVATE KEY (PKCS#1), the same as DER or bare Base64, an RSA JWK with d (CRT members optional), ENCRYPTED PRIVATE KEY with --passphrase-file.",
        valueName: "file"))
    var privateKey: String

    @OptionGroup var weakKey: WeakKeyOption

    @Option(name: .long, help: ArgumentHelp(
        "File holding the passphrase of an encrypted PKCS#8 key, or - for stdin (its first line, as openssl's -passin file: reads it). Without it, XSIG_KEY_PASSPHRASE is used if set. There is no flag that takes the passphrase itself: argv shows in ps.",
        valueName: "file"))
    var passphraseFile: String?

    static let passphraseVariable = "XSIG_KEY_PASSPHRASE"

    func load() throws -> PrivateKeyDecoder.Result {
        try requireOneStdinReader([("--private-key", privateKey), ("--passphrase-file", passphraseFile)])
        var passphrase = try passphraseFile.map { try Self.readPassphrase($0) } ?? Self.environmentPassphrase()
        defer { if passphrase != nil { for i in passphrase!.indices { passphrase![i] = 0 } } }
        var bytes = try InputFiles.read(privateKey, what: "--private-key")
        defer { for i in bytes.indices { bytes[i] = 0 } }
        do {
            return try PrivateKeyDecoder(policy: weakKey.policy, passphrase: passphrase).decode(bytes)
        } catch let error as XSigError {
            throw error.prefixed("--private-key \(privateKey == "-" ? "(stdin)" : privateKey)")
        }
    }

    /// XSIG_KEY_PASSPHRASE, taken as it is (no newline to strip in an environment value).
    static func environmentPassphrase() -> [UInt8]? {
        guard let value = getenv(passphraseVariable) else { return nil }
        return Array(UnsafeBufferPointer(start: UnsafeRawPointer(value).assumingMemoryBound(to: UInt8.self), count: strlen(value)))
    }

    /// The first line of the file, as `openssl -passin file:` reads it.
    static func readPassphrase(_ path: String) throws -> [UInt8] {
        var bytes = try InputFiles.read(path, what: "--passphrase-file", limit: 4096)
        defer { for i in bytes.indices { bytes[i] = 0 } }
        let line = bytes.prefix(while: { $0 != 0x0a && $0 != 0x0d })
        return Array(line)
    }
}
