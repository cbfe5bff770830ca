import ArgumentParser
import XSignature

/// What one X-signature is made of: token, timestamp (or server-date body), nonce, padding.
/// Shared by `sign` and `headers` so that both read the same flags the same way.
struct PayloadOptions: ParsableArguments {
    @OptionGroup(title: "Session token (one of these)") var token: SessionTokenOptions

    @Option(name: .long, help: ArgumentHelp("Server time in epoch milliseconds, or now (the default).", valueName: "ms"))
    var timestamp: String?

    @Option(name: .long, help: ArgumentHelp("File (or -) with the server-date body {\"timestamp\":\"<ms>\"}.", valueName: "file"))
    var serverTime: String?

    @Option(name: .long, help: ArgumentHelp("Nonce (default: lowercase hex of the timestamp).", valueName: "str"))
    var nonce: String?

    @Option(name: .long, help: ArgumentHelp("Padding: pkcs1, oaep-sha256, oaep-sha256-mgf1sha1, oaep-sha1, oaep-<hash>[-mgf1<hash>].", valueName: "padding"))
    var padding: String = PayloadOptions.defaultPadding

    static let defaultPadding = "oaep-sha256"

    func validate() throws { try Self.validate(timestamp: timestamp, serverTime: serverTime) }

    static func validate(timestamp: String?, serverTime: String?) throws {
        if timestamp != nil && serverTime != nil { throw ValidationError("give --timestamp or --server-time, not both") }
    }

    func parsedPadding() throws -> RSAEncryptionPadding { try parsePadding(padding) }

    /// Refuses two inputs on stdin (with `--key -`, say) before anything is read.
    func checkStdinReaders(key: String) throws {
        try requireOneStdinReader([("--key", key), token.stdinFlag, ("--server-time", serverTime)])
    }

    /// The payload, each failure prefixed with the flag (or variable) it came from.
    func payload() throws -> SignaturePayload {
        try Self.payload(token: token.required(), timestamp: timestamp, serverTime: serverTime, nonce: nonce)
    }

    static func payload(token sessionToken: (token: String, source: String), timestamp: String?, serverTime: String?,
                        nonce: String?) throws -> SignaturePayload {
        let time = try resolveTimestamp(timestamp: timestamp, serverTime: serverTime)
        let payload: SignaturePayload
        do {
            payload = try SignaturePayload(sessionToken: sessionToken.token, timestamp: time.milliseconds, nonce: nonce)
        } catch let error as XSigError {
            throw error.prefixed(error.message.hasPrefix("nonce") ? "--nonce" : sessionToken.source)
        }
        if let warning = time.warning { printNote(warning) }
        return payload
    }
}
