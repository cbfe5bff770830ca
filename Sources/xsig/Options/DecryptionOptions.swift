import ArgumentParser
import XSignature

/// The receiving side's options, shared by `decrypt` and `verify`: the private key, the padding
/// and the backend. (`--label-hex` is decrypt's alone: X-signatures always use the empty label.)
struct DecryptionOptions: ParsableArguments {
    @OptionGroup var key: PrivateKeyOptions

    @Option(name: .long, help: ArgumentHelp("Padding: pkcs1, oaep-sha256, oaep-sha256-mgf1sha1, oaep-sha1, oaep-<hash>[-mgf1<hash>].", valueName: "padding"))
    var padding: String = "oaep-sha256"

    @Option(name: .long, help: ArgumentHelp("Decryption engine: gmp, openssl, lanes (eight ciphertexts per pass, constant time) or auto: for verify --input lanes where the AVX-512 IFMA kernel runs and the key has balanced CRT primes, else (and for one ciphertext) openssl.", valueName: "backend"))
    var backend: RSADecryptor.Backend = .auto

    func parsedPadding() throws -> RSAEncryptionPadding { try parsePadding(padding) }
}
