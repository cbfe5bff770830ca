import ArgumentParser
import XSignature

struct EncryptCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "encrypt",
        abstract: "RSA-encrypt raw bytes (the primitive under sign), optionally with injected padding bytes.",
        usage: "xsig encrypt --key <file> --message-hex <hex> [<options>]",
        discussion: """
        --ps-hex (pkcs1) and --oaep-seed-hex (OAEP) inject the padding randomness so that published \
        known-answer vectors can be replayed byte for byte. Without them the padding is random \
        (a CSPRNG: the kernel's, then OpenSSL's) or, with --seed, deterministic for test vectors.

        Examples:
          xsig encrypt --key pub.pem --message-hex 48656c6c6f --padding pkcs1
          xsig encrypt --key k.pem --allow-weak-key --padding oaep-sha1 \\
              --message-hex 6628194e... --oaep-seed-hex 18b776ea...
        """
    )

    @OptionGroup var keyOptions: PublicKeyOptions

    @Option(name: .long, help: ArgumentHelp("The message, hex (empty string for an empty message).", valueName: "hex"))
    var messageHex: String

    @Option(name: .long, help: ArgumentHelp("Padding: pkcs1, oaep-sha256, oaep-sha256-mgf1sha1, oaep-sha1, oaep-<hash>[-mgf1<hash>].", valueName: "padding"))
    var padding: String = "oaep-sha256"

    @Option(name: .long, help: ArgumentHelp("OAEP label, hex (default empty).", valueName: "hex"))
    var labelHex: String?

    @Option(name: .long, help: ArgumentHelp("Inject PS for pkcs1: exactly k - mLen - 3 nonzero bytes, hex.", valueName: "hex"))
    var psHex: String?

    @Option(name: .long, help: ArgumentHelp("Inject the OAEP seed: exactly hLen bytes, hex.", valueName: "hex"))
    var oaepSeedHex: String?

    @OptionGroup var seedOptions: SeedOptions

    @Option(name: .long, help: encryptionBackendHelp)
    var backend: RSAEncryptor.Backend = .gmp

    @Option(name: .long, help: "Output: hex or base64.")
    var output: EncryptOutput = .hex

    enum EncryptOutput: String, ExpressibleByArgument, CaseIterable { case hex, base64 }

    func validate() throws {
        let sources = [psHex != nil, oaepSeedHex != nil, seedOptions.seed != nil].filter { $0 }.count
        if sources > 1 { throw ValidationError("give at most one of --ps-hex, --oaep-seed-hex, --seed") }
    }

    func run() throws {
        let padding = try parsePadding(self.padding)
        if psHex != nil && padding.isOAEP {
            throw XSigError(.invalidArgument, "--ps-hex applies to pkcs1; for \(padding.name) use --oaep-seed-hex")
        }
        if oaepSeedHex != nil && !padding.isOAEP {
            throw XSigError(.invalidArgument, "--oaep-seed-hex applies to OAEP paddings; for pkcs1 use --ps-hex")
        }
        if labelHex != nil && !padding.isOAEP {
            throw XSigError(.invalidArgument, "--label-hex applies to OAEP paddings only")
        }
        let message = try decodeHexArgument(messageHex, flag: "--message-hex")
        let label = try labelHex.map { try decodeHexArgument($0, flag: "--label-hex") } ?? []
        let randomness: PaddingRandomness
        if let psHex {
            randomness = .injected(try decodeHexArgument(psHex, flag: "--ps-hex"))
        } else if let oaepSeedHex {
            randomness = .injected(try decodeHexArgument(oaepSeedHex, flag: "--oaep-seed-hex"))
        } else {
            randomness = try seedOptions.randomness()
        }
        let key = try keyOptions.load().key
        let encryptor = try RSAEncryptor(key: key, backend: backend)
        let ciphertext: [UInt8]
        do {
            ciphertext = try encryptor.encrypt(message, padding: padding, label: label, randomness: randomness)
        } catch let error as XSigError where error.code == .invalidArgument {
            throw error.prefixed(psHex != nil ? "--ps-hex" : oaepSeedHex != nil ? "--oaep-seed-hex" : "--message-hex")
        } catch let error as XSigError where error.code == .messageTooLong {
            throw error.prefixed("--message-hex")
        }
        emit(output == .hex ? Hex.encode(ciphertext) : Base64.encode(ciphertext))
    }
}
