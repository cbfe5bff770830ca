import XSignature

/// The checks of a signed SDK request, in the documented order; the first that fails is the
/// answer. CPU-heavy (RSA decryption): run it on the server's worker pool, never on an event loop.
///
/// 1. mandatory headers present (non-empty) and X-client-id equal to the configured one;
/// 2. X-signature is Base64 and decrypts under one of the accepted paddings;
/// 3. the payload parses strictly (``PayloadParser``);
/// 4. the timestamp is within the skew of the server clock;
/// 5. the signature was not accepted before inside the window (unless replay is allowed);
/// 6. with a tokens file: the token is known and not logged out (a logout ends it).
public struct SignatureChecks: Sendable {
    public enum Purpose: Sendable {
        /// Ends the session of a tokens-file token.
        case logout
        /// Requires an active session, changes nothing.
        case profileUpdate
    }

    /// A request whose headers passed checks 1 and 2's Base64 part: what the decryption needs.
    public struct Pending: Sendable {
        let ciphertext: [UInt8]
        /// The octets the header's Base64 decoded to (before `--lenient-length` padding), for messages.
        let decodedOctets: Int
        let purpose: Purpose
    }

    public let configuration: MockConfiguration
    public let replayCache: ReplayCache?
    public let decryption: MockDecryption

    public init(privateKey: RSAPrivateKey, configuration: MockConfiguration) throws {
        try self.init(configuration: configuration,
                      decryption: MockDecryption(privateKey: privateKey, paddings: configuration.paddings, backend: configuration.backend))
    }

    init(configuration: MockConfiguration, decryption: MockDecryption) {
        precondition(!configuration.paddings.isEmpty, "at least one padding")
        self.configuration = configuration
        self.decryption = decryption
        replayCache = configuration.allowReplay ? nil : ReplayCache(windowSeconds: configuration.maximumSkewSeconds)
    }

    /// Runs the checks on a request's headers (`header` looks a name up case-insensitively).
    /// Returns the verified payload or the first failed check.
    public func check(header: (String) -> String?, purpose: Purpose) -> Result<SignaturePayload, MockRejection> {
        precheck(header: header, purpose: purpose).flatMap { finish([$0])[0] }
    }

    /// Checks 1 and the Base64 of 2: cheap, no RSA (an event loop may run it).
    public func precheck(header: (String) -> String?, purpose: Purpose) -> Result<Pending, MockRejection> {
        for name in MockConfiguration.mandatoryHeaders where (header(name) ?? "").isEmpty {
            return .failure(MockRejection(.missingHeader, "mandatory header \(name) is missing or empty"))
        }
        if let expected = configuration.clientID, header("X-client-id") != expected {
            return .failure(MockRejection(.clientIDMismatch, "X-client-id is not the client id this server expects"))
        }
        // Spaces or tabs inside a folded or hand-pasted value are dropped; on octets, because a
        // Character-level filter (Unicode properties per character) cost 5% of a request's CPU.
        let raw = header("X-signature")!
        let signature = raw.utf8.contains(where: { $0 == 0x20 || $0 == 0x09 })
            ? String(decoding: raw.utf8.filter { $0 != 0x20 && $0 != 0x09 }, as: UTF8.self) : raw
        guard let decoded = try? Base64.decode(signature) else {
            return .failure(MockRejection(.malformedSignature, MockErrorCode.malformedSignature.payloadMessage))
        }
        let ciphertext = configuration.length.normalize(decoded, modulusOctets: decryption.modulusOctets)
        return .success(Pending(ciphertext: ciphertext, decodedOctets: decoded.count, purpose: purpose))
    }

    /// The rest of the checks (decryption, payload, freshness, replay, tokens) for a group of
    /// requests: one decryption call for the group (``MockDecryption``), then each request's
    /// remaining checks in order, so a replay or a logout inside the group is seen by the
    /// requests after it. One result per request, in order.
    public func finish(_ group: [Pending]) -> [Result<SignaturePayload, MockRejection>] {
        let now = configuration.clock()
        let expectations = XSignatureVerifier.Expectations(now: now, maximumSkewSeconds: configuration.maximumSkewSeconds)
        let results = decryption.verify(group.map(\.ciphertext), expecting: expectations)
        return zip(group, results).map { finish($0, result: $1, now: now) }
    }

    private func finish(_ pending: Pending, result: VerificationResult, now: UInt64) -> Result<SignaturePayload, MockRejection> {
        let (ciphertext, purpose) = (pending.ciphertext, pending.purpose)
        if let failure = result.failure {
            return .failure(rejection(for: failure, ciphertextOctets: pending.decodedOctets, timestamp: result.timestamp, now: now))
        }
        let payload = try! SignaturePayload(sessionToken: result.sessionToken!, timestamp: UInt64(result.timestamp!)!, nonce: result.nonce)
        if let cache = replayCache, !cache.insert(ciphertext: ciphertext, timestamp: payload.timestamp, now: now) {
            return .failure(MockRejection(.replayedSignature, "this X-signature was already used inside the \(configuration.maximumSkewSeconds)-second window"))
        }
        if let tokens = configuration.tokens {
            let status = purpose == .logout ? tokens.logout(payload.sessionToken) : tokens.status(of: payload.sessionToken)
            switch status {
            case .active: break
            case .unknown: return .failure(MockRejection(.unknownSessionToken, "the session token is not one of this server's tokens"))
            case .loggedOut: return .failure(MockRejection(.sessionLoggedOut, "the session of this token has ended (logged out)"))
            }
        }
        return .success(payload)
    }

    private func rejection(for failure: VerificationFailure, ciphertextOctets: Int, timestamp: String?, now: UInt64) -> MockRejection {
        let code = MockErrorCode(failure)
        switch code {
        case .decryptionError:
            let k = decryption.modulusOctets
            let length = ciphertextOctets == k ? "" : configuration.length == .strict && ciphertextOctets < k
                ? " (it is \(ciphertextOctets) octets, the key needs \(k); see --lenient-length)"
                : " (it is \(ciphertextOctets) octets, the key needs \(k))"
            let names = configuration.paddings.map(\.name).joined(separator: ", ")
            return MockRejection(code, "X-signature does not decrypt under the accepted paddings (\(names))\(length)")
        case .staleTimestamp, .futureTimestamp:
            let signed = timestamp.flatMap { UInt64($0) } ?? now
            let seconds = (signed > now ? signed - now : now - signed) / 1000
            let direction = code == .staleTimestamp ? "behind" : "ahead of"
            return MockRejection(code, "the timestamp is \(seconds) s \(direction) the server clock; at most \(configuration.maximumSkewSeconds) s is accepted")
        default:
            return MockRejection(code, code.payloadMessage)
        }
    }
}
