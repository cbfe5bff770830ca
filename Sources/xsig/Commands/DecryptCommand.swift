import ArgumentParser
import XSignature

struct DecryptCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "decrypt",
        abstract: "RSA-decrypt one ciphertext with a private key (the server side of encrypt and sign).",
        usage: """
        xsig decrypt --private-key <file> --ciphertext-base64 <b64> [<options>]
        xsig decrypt --private-key <file> --ciphertext-hex <hex> [<options>]
        """,
        discussion: """
        Prints the message as lowercase hex on stdout. An invalid ciphertext, whichever RFC 8017 \
        check it fails (length, c >= n, padding), prints the one generic line "xsig: decryption \
        error" and exits 1: telling the checks apart would hand a sender a padding oracle \
        (Bleichenbacher, Manger). --explain adds which check failed, on stderr, for debugging your \
        own ciphertexts only. Bad arguments or keys exit 2.

        The gmp backend blinds the ciphertext and exponentiates with CRT on GMP's \
        side-channel-silent mpn_sec functions; the lanes backend blinds it too, runs both CRT \
        halves in the constant-time lanes kernel and checks m^e = c before anything leaves \
        (SECURITY.md says what is constant time). Lanes pays off on groups of eight (verify \
        --input), so for one ciphertext --backend auto (the default) is openssl.

        Examples:
          SIG=$(xsig sign --key key.pub.pem --session-token-file token.txt)
          xsig decrypt --private-key key.pem --ciphertext-base64 "$SIG"
          xsig decrypt --private-key key.pem --padding pkcs1 --ciphertext-hex 5f3a...
          xsig decrypt --private-key key.pem --backend openssl \\
              --label-hex 6c6162656c --ciphertext-hex 9c2e...
          xsig decrypt --private-key key.pem --backend lanes --ciphertext-base64 "$SIG"
        """
    )

    @OptionGroup var decryption: DecryptionOptions

    @Option(name: .long, help: ArgumentHelp("The ciphertext, hex (k bytes).", valueName: "hex"))
    var ciphertextHex: String?

    @Option(name: .long, help: ArgumentHelp("The ciphertext, Base64 (k bytes; an X-signature header value).", valueName: "b64"))
    var ciphertextBase64: String?

    @Option(name: .long, help: ArgumentHelp("OAEP label, hex (default empty).", valueName: "hex"))
    var labelHex: String?

    @Flag(name: .long, help: "On a decryption error, also say which check failed (stderr; debugging only).")
    var explain = false

    func run() throws {
        let ciphertext = try readCiphertext()
        let padding = try decryption.parsedPadding()
        if labelHex != nil && !padding.isOAEP {
            throw XSigError(.invalidArgument, "--label-hex applies to OAEP paddings only")
        }
        let label = try labelHex.map { try decodeHexArgument($0, flag: "--label-hex") } ?? []
        let key = try decryption.key.load().key
        let decryptor = try RSADecryptor(privateKey: key, backend: decryption.backend)
        do {
            let message = try decryptor.decrypt(ciphertext, padding: padding, label: label)
            emit(Hex.encode(message))
        } catch let error as XSigError where error.code == .decryptionError {
            if explain { printExplanation(decryptor, ciphertext: ciphertext, padding: padding, label: label) }
            throw error
        }
    }

    private func readCiphertext() throws -> [UInt8] {
        switch (ciphertextHex, ciphertextBase64) {
        case let (hex?, nil):
            return try decodeHexArgument(hex, flag: "--ciphertext-hex")
        case let (nil, base64?):
            do {
                return try Base64.decode(base64.filter { !$0.isWhitespace })
            } catch let error as XSigError {
                throw error.prefixed("--ciphertext-base64")
            }
        case (nil, nil):
            throw XSigError(.invalidArgument, "give the ciphertext with --ciphertext-hex HEX or --ciphertext-base64 B64")
        case (_?, _?):
            throw XSigError(.invalidArgument, "give --ciphertext-hex or --ciphertext-base64, not both")
        }
    }
}

/// `xsig: explain: <check>` on stderr, for --explain.
func printExplanation(_ decryptor: RSADecryptor, ciphertext: [UInt8], padding: RSAEncryptionPadding, label: [UInt8]) {
    let line: String
    do {
        if let check = try decryptor.explain(ciphertext, padding: padding, label: label) {
            line = check.description
        } else {
            line = "xsig's decoder accepts this encoding; \(decryptor.backend.rawValue) rejected it"
        }
    } catch let error as XSigError {
        line = "could not analyse: \(error.message)"
    } catch {
        line = "could not analyse: \(error)"
    }
    printNote("explain: \(line)")
}
