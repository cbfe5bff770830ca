import ArgumentParser
import XSignature

/// What one X-signature is made of: token, timestamp (or server-date body), nonce, padding.
/// Shared by `sign` and `headers` so that both read the same flags the same way.
struct PayloadOptions: ParsableArguments {
    @Option(name: .long, help: ArgumentHelp("The session token to sign (no '&', whitespace or control characters).", valueName: "token"))
    var sessionToken: String

    @Option(name: .long, help: ArgumentHelp("Server time in epoch milliseconds (default: now).", valueName: "ms"))
    var timestamp: String?

    @Option(name: .long, help: ArgumentHelp("File (or -) with the server-date body {\"timestamp\":\"<ms>\"}.", valueName: "file"))
    var serverTime: String?

    @Option(name: .long, help: ArgumentHelp("Nonce (default: lowercase hex of the timestamp).", valueName: "str"))
    var nonce: String?

    @Option(name: .long, help: ArgumentHelp("Padding: pkcs1, oaep-sha256, oaep-sha256-mgf1sha1, oaep-sha1, oaep-<hash>[-mgf1<hash>].", valueName: "padding"))
    var padding: String = "oaep-sha256"

    func validate() throws {
        if timestamp != nil && serverTime != nil { throw ValidationError("give --timestamp or --server-time, not both") }
    }

    func parsedPadding() throws -> RSAEncryptionPadding { try parsePadding(padding) }

    /// The payload, each failure prefixed with the flag it came from.
    func payload() throws -> SignaturePayload {
        let ms = try resolveTimestamp(timestamp: timestamp, serverTime: serverTime)
        do {
            return try SignaturePayload(sessionToken: sessionToken, timestamp: ms, nonce: nonce)
        } catch let error as XSigError {
            throw error.prefixed(error.message.hasPrefix("nonce") ? "--nonce" : "--session-token")
        }
    }
}
