import ArgumentParser
import XSignature

/// `--key FILE` (public key, any form, auto-detected) and `--allow-weak-key`.
struct PublicKeyOptions: ParsableArguments {
    @Option(name: .long, help: ArgumentHelp(
        "Public key file, or - for stdin. Auto-detected: PEM PUBLIC KEY or RSA PUBLIC KEY, the same as DER, bare Base64 of either DER (Java getEncoded()), the public-key API's JSON body, an RSA JWK, an X.509 certificate.",
        valueName: "file"))
    var key: String

    @OptionGroup var weakKey: WeakKeyOption

    func load() throws -> PublicKeyDecoder.Result { try Self.load(key, policy: weakKey.policy) }

    /// The key in file `key` (or stdin), each failure prefixed with `--key FILE`.
    static func load(_ key: String, policy: KeyPolicy) throws -> PublicKeyDecoder.Result {
        let bytes = try InputFiles.read(key, what: "--key")
        do {
            return try PublicKeyDecoder(policy: policy).decode(bytes)
        } catch let error as XSigError {
            throw error.prefixed("--key \(key == "-" ? "(stdin)" : key)")
        }
    }
}

/// `--allow-weak-key`, for the public and the private key alike.
struct WeakKeyOption: ParsableArguments {
    @Flag(name: .long, help: "Accept a modulus under 2048 bits (1024 and up), for test vectors only.")
    var allowWeakKey = false

    var policy: KeyPolicy { KeyPolicy(allowWeakKey: allowWeakKey) }
}

extension RSAEncryptor.Backend: ExpressibleByArgument {}

/// The help of every encrypting command's `--backend`.
let encryptionBackendHelp = ArgumentHelp(
    "Engine: gmp (one operation at a time), openssl, lanes (eight per call: AVX-512 IFMA, or the portable kernel) or auto (lanes where the CPU has IFMA, else gmp). Every engine gives the same bytes for the same padding.",
    valueName: "engine")

/// Padding parsed by xsig itself so that an unknown name gets xsig's message listing the forms.
func parsePadding(_ name: String) throws -> RSAEncryptionPadding {
    do { return try RSAEncryptionPadding(name: name) } catch let error as XSigError { throw error.prefixed("--padding") }
}

/// `--seed HEX [--index N]`: the deterministic test-vector stream.
struct SeedOptions: ParsableArguments {
    @Option(name: .long, help: ArgumentHelp(
        "Deterministic padding from this seed (hex): for TEST VECTORS ONLY. Stream = ChaCha20(key SHA-256(seed), nonce 0^4 || index as 8 bytes big-endian, counter 0).",
        valueName: "hex"))
    var seed: String?

    @Option(name: .long, help: ArgumentHelp("Record index of the deterministic stream (with --seed).", valueName: "n"))
    var index: UInt64?

    func validate() throws { try Self.validate(seed: seed, index: index) }

    static func validate(seed: String?, index: UInt64?) throws {
        if index != nil && seed == nil { throw ValidationError("--index needs --seed") }
    }

    /// The randomness to use, announcing deterministic mode on stderr.
    func randomness() throws -> PaddingRandomness { try Self.randomness(seed: seed, index: index) }

    static func randomness(seed: String?, index: UInt64?) throws -> PaddingRandomness {
        guard let seed else { return .secure }
        let bytes: [UInt8]
        do { bytes = try Hex.decode(seed) } catch let error as XSigError { throw error.prefixed("--seed") }
        printNote("warning: --seed makes the padding deterministic; the output is for test vectors only, never for real traffic")
        return .deterministic(seed: bytes, index: index ?? 0)
    }
}

func decodeHexArgument(_ value: String, flag: String) throws -> [UInt8] {
    do { return try Hex.decode(value) } catch let error as XSigError { throw error.prefixed(flag) }
}
