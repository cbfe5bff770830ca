import XSignature

/// Everything `xsig sign` runs on, as plain values. `SignCommand` (the parser's view, property
/// wrappers) and `SignFastPath` (no parser) both end here, so the work and its checks exist once.
/// Building this struct touches none of swift-argument-parser's types: constructing a
/// `SignCommand`, even without parsing, instantiates a property wrapper per option and their
/// generic metadata, which was a tenth of a whole `xsig sign` process (docs/startup.md).
struct SignRequest {
    var key: String
    var allowWeakKey = false
    var sessionToken: String?
    var sessionTokenFile: String?
    var timestamp: String?
    var serverTime: String?
    var nonce: String?
    var padding = PayloadOptions.defaultPadding
    var seed: String?
    var index: UInt64?
    var backend = SignCommand.defaultBackend
    var output = SignCommand.defaultOutput

    /// The checks the parser runs through the option groups' `validate()`, in the same order.
    func validate() throws {
        try PayloadOptions.validate(timestamp: timestamp, serverTime: serverTime)
        try SeedOptions.validate(seed: seed, index: index)
    }

    func run() throws {
        let tokenStdin = SessionTokenOptions.stdinFlag(sessionToken: sessionToken, sessionTokenFile: sessionTokenFile)
        try requireOneStdinReader([("--key", key), tokenStdin, ("--server-time", serverTime)])
        let padding = try parsePadding(self.padding)
        let key = try PublicKeyOptions.load(key, policy: KeyPolicy(allowWeakKey: allowWeakKey)).key
        let token = try SessionTokenOptions.required(sessionToken: sessionToken, sessionTokenFile: sessionTokenFile)
        let payload = try PayloadOptions.payload(token: token, timestamp: timestamp, serverTime: serverTime, nonce: nonce)
        let signer = try XSignatureSigner(key: key, padding: padding, backend: backend)
        let ciphertext = try signer.ciphertext(payload, randomness: try SeedOptions.randomness(seed: seed, index: index))
        let signature = Base64.encode(ciphertext)
        switch output {
        case .base64: emit(signature)
        case .hex: emit(Hex.encode(ciphertext))
        case .json:
            var json = JSONObjectWriter()
            json.add("session_token", payload.sessionToken)
            json.add("timestamp", String(payload.timestamp))
            json.add("nonce", payload.nonce)
            json.add("payload", payload.string)
            json.add("padding", padding.name)
            json.add("signature", signature)
            emit(json.finish())
        }
    }
}
