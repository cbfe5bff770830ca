/// The server side of the X-signature: decrypts a header value with the application's private
/// key, parses the payload strictly (``PayloadParser``) and checks freshness and the expected
/// session token. Never throws for a bad signature: the answer is a ``VerificationResult``.
///
/// ```swift
/// let key = try PrivateKeyDecoder().decode(pemBytes).key
/// let verifier = try XSignatureVerifier(privateKey: key)           // oaep-sha256, GMP
/// let result = verifier.verify(signature: header, expecting: .init(now: Timestamp.now(), maximumSkewSeconds: 300))
/// if result.isValid { ... result.sessionToken ... }
/// ```
public struct XSignatureVerifier: Sendable {
    public let decryptor: RSADecryptor
    public let padding: RSAEncryptionPadding

    /// `batches`: whether the caller verifies in groups (``verify(ciphertexts:expecting:)``), which
    /// lets `backend: .auto` pick the lanes engine (``RSADecryptor/autoChoice(for:batches:)``).
    public init(privateKey: RSAPrivateKey, padding: RSAEncryptionPadding = XSignatureSigner.defaultPadding,
                backend: RSADecryptor.Backend = .gmp, batches: Bool = false) throws {
        decryptor = try RSADecryptor(privateKey: privateKey, backend: backend, batches: batches)
        self.padding = padding
    }

    /// A verifier on a decryptor built elsewhere (a lanes kernel chosen by name, say).
    public init(decryptor: RSADecryptor, padding: RSAEncryptionPadding = XSignatureSigner.defaultPadding) {
        self.decryptor = decryptor
        self.padding = padding
    }

    /// What the caller requires beyond a well-formed payload.
    public struct Expectations: Sendable, Hashable {
        /// The current time in epoch milliseconds, for the freshness check.
        public var now: UInt64?
        /// With `now`: the largest accepted |now - timestamp|, in seconds. nil: no freshness check.
        public var maximumSkewSeconds: UInt64?
        /// The token the payload must carry, compared in constant time. nil: any token.
        public var sessionToken: String?

        public init(now: UInt64? = nil, maximumSkewSeconds: UInt64? = nil, sessionToken: String? = nil) {
            self.now = now
            self.maximumSkewSeconds = maximumSkewSeconds
            self.sessionToken = sessionToken
        }
    }

    /// Verifies a header value (standard or URL-safe Base64 of the k-octet ciphertext).
    public func verify(signature: String, expecting expectations: Expectations = Expectations()) -> VerificationResult {
        guard let ciphertext = try? Base64.decode(signature) else { return VerificationResult(failure: .malformedSignature) }
        return verify(ciphertext: ciphertext, expecting: expectations)
    }

    public func verify(ciphertext: [UInt8], expecting expectations: Expectations = Expectations()) -> VerificationResult {
        let plaintext: [UInt8]
        do {
            plaintext = try decryptor.decrypt(ciphertext, padding: padding)
        } catch {
            return VerificationResult(failure: .decryptionError)
        }
        return Self.result(of: plaintext, expecting: expectations)
    }

    /// Many ciphertexts at once, one result per ciphertext in order, each as
    /// ``verify(ciphertext:expecting:)`` gives it: on the lanes backend eight share one kernel
    /// pass (``RSADecryptor/decrypt(batch:padding:label:)``); nil entries (a signature that was
    /// not Base64) fail as `malformedSignature` without disturbing the others.
    public func verify(ciphertexts: [[UInt8]?], expecting expectations: [Expectations]) -> [VerificationResult] {
        precondition(ciphertexts.count == expectations.count, "one Expectations per ciphertext")
        let present = ciphertexts.indices.filter { ciphertexts[$0] != nil }
        let decrypted = decryptor.decrypt(batch: present.map { ciphertexts[$0]! }, padding: padding)
        var results = [VerificationResult](repeating: VerificationResult(failure: .malformedSignature), count: ciphertexts.count)
        for (slot, i) in present.enumerated() {
            switch decrypted[slot] {
            case let .success(plaintext): results[i] = Self.result(of: plaintext, expecting: expectations[i])
            case .failure: results[i] = VerificationResult(failure: .decryptionError)
            }
        }
        return results
    }

    /// The payload checks on a decrypted plaintext.
    static func result(of plaintext: [UInt8], expecting expectations: Expectations) -> VerificationResult {
        switch PayloadParser.parse(plaintext) {
        case let .invalid(failure, fields):
            return VerificationResult(failure: failure, fields: fields)
        case let .valid(payload):
            let fields = PayloadParser.Fields(sessionToken: payload.sessionToken, timestamp: String(payload.timestamp), nonce: payload.nonce)
            if let failure = Self.check(payload, against: expectations) {
                return VerificationResult(failure: failure, fields: fields)
            }
            return VerificationResult(failure: nil, fields: fields)
        }
    }

    static func check(_ payload: SignaturePayload, against expectations: Expectations) -> VerificationFailure? {
        if let skew = expectations.maximumSkewSeconds, let now = expectations.now {
            let window = skew.multipliedReportingOverflow(by: 1000)
            let allowed = window.overflow ? UInt64.max : window.partialValue
            if payload.timestamp < now, now - payload.timestamp > allowed { return .staleTimestamp }
            if payload.timestamp > now, payload.timestamp - now > allowed { return .futureTimestamp }
        }
        if let expected = expectations.sessionToken, !constantTimeEqual(Array(expected.utf8), Array(payload.sessionToken.utf8)) {
            return .sessionTokenMismatch
        }
        return nil
    }

    /// Equality whose time depends on the lengths only, not on where the octets differ.
    package static func constantTimeEqual(_ a: [UInt8], _ b: [UInt8]) -> Bool {
        guard a.count == b.count else { return false }
        var difference: UInt8 = 0
        for i in a.indices { difference |= a[i] ^ b[i] }
        return difference == 0
    }
}

/// The answer of ``XSignatureVerifier``: valid or the first failed check, with the payload's
/// fields when they could be read.
public struct VerificationResult: Sendable, Hashable {
    public let failure: VerificationFailure?
    public let sessionToken: String?
    public let timestamp: String?
    public let nonce: String?

    public var isValid: Bool { failure == nil }

    public init(failure: VerificationFailure?, fields: PayloadParser.Fields? = nil) {
        self.failure = failure
        sessionToken = fields?.sessionToken
        timestamp = fields?.timestamp
        nonce = fields?.nonce
    }

    /// `{"valid":true,"reason":null,"session_token":"...","timestamp":"...","nonce":"..."}`,
    /// fields in this fixed order, null where unknown. The timestamp is a string, as in the
    /// server-date API and the batch output.
    public var json: String {
        var writer = JSONObjectWriter()
        writer.add("valid", isValid)
        if let failure { writer.add("reason", failure.rawValue) } else { writer.addNull("reason") }
        for (name, value) in [("session_token", sessionToken), ("timestamp", timestamp), ("nonce", nonce)] {
            if let value { writer.add(name, value) } else { writer.addNull(name) }
        }
        return writer.finish()
    }
}
