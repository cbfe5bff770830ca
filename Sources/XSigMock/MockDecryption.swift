import XSignature

/// The mock's decryption engines and how a group of requests is spread over them.
///
/// RSA decryption is deterministic, so every engine gives the same answer for a ciphertext; what
/// differs is the cost. The lanes engine decrypts eight ciphertexts in one pass that costs the
/// same for one ciphertext as for eight, OpenSSL one at a time. So:
///
/// - `gmp`, `openssl`: one request per group, on that engine.
/// - `lanes`: groups of up to eight, each one lanes pass, whatever its size.
/// - `auto` where the lanes kernel is IFMA and suits the key: groups of up to eight; a group of
///   at least ``lanesFromGroupSize`` requests takes one lanes pass, a smaller one OpenSSL one
///   request at a time. The threshold is measured at start-up (one lanes pass against one OpenSSL
///   decryption of the same key), so it follows the key size and the CPU: about 5 at 2048 bits
///   and 2-3 at 3072-4096 on a Zen 4 core. Elsewhere `auto` is OpenSSL, one request per group.
public struct MockDecryption: Sendable {
    /// One verifier per accepted padding, in order, for each engine in use.
    private let single: [XSignatureVerifier]
    private let lanes: [XSignatureVerifier]?
    /// Requests per group (8 when the lanes engine is in use, else 1).
    public let groupCapacity: Int
    /// The smallest group that takes a lanes pass (`groupCapacity + 1`: never).
    public let lanesFromGroupSize: Int
    /// One line for the server's start-up message and docs: which engine serves which groups.
    public let plan: String

    public init(privateKey: RSAPrivateKey, paddings: [RSAEncryptionPadding], backend: RSADecryptor.Backend) throws {
        precondition(!paddings.isEmpty, "at least one padding")
        func verifiers(_ backend: RSADecryptor.Backend, batches: Bool) throws -> [XSignatureVerifier] {
            try paddings.map { try XSignatureVerifier(privateKey: privateKey, padding: $0, backend: backend, batches: batches) }
        }
        switch backend {
        case .lanes:
            single = try verifiers(.lanes, batches: true)
            lanes = single
            (groupCapacity, lanesFromGroupSize) = (8, 1)
            plan = "lanes (\(single[0].decryptor.lanesKernel?.rawValue ?? "?")), up to 8 requests per pass"
        case .auto where try RSADecryptor.autoChoice(for: privateKey, batches: true).backend == .lanes:
            let openssl = try verifiers(.openssl, batches: false)
            let lanes = try verifiers(.lanes, batches: true)
            let (threshold, tenths) = Self.breakEven(openssl: openssl[0].decryptor, lanes: lanes[0].decryptor)
            let cost = "one lanes pass costs \(tenths / 10).\(tenths % 10) openssl decryptions here"
            single = openssl
            if threshold <= 8 {
                self.lanes = lanes
                (groupCapacity, lanesFromGroupSize) = (8, threshold)
                let sizes = threshold == 8 ? "of 8 requests" : "of \(threshold) to 8 requests"
                plan = "auto: lanes (ifma) for groups \(sizes), openssl for fewer (\(cost))"
            } else {
                self.lanes = nil
                (groupCapacity, lanesFromGroupSize) = (1, 2)
                plan = "auto: openssl, one request at a time (\(cost))"
            }
        default:
            single = try verifiers(backend, batches: false)
            lanes = nil
            (groupCapacity, lanesFromGroupSize) = (1, 2)
            plan = "\(single[0].decryptor.backend.rawValue), one request at a time"
        }
    }

    /// `auto` with a forced threshold and lanes kernel (tests compare both paths on the same inputs).
    init(privateKey: RSAPrivateKey, paddings: [RSAEncryptionPadding], lanesKernel: LanesKernel, lanesFromGroupSize: Int) throws {
        single = try paddings.map { try XSignatureVerifier(privateKey: privateKey, padding: $0, backend: .openssl) }
        let decryptor = try RSADecryptor(privateKey: privateKey, lanesKernel: lanesKernel)
        lanes = paddings.map { XSignatureVerifier(decryptor: decryptor, padding: $0) }
        groupCapacity = 8
        self.lanesFromGroupSize = lanesFromGroupSize
        plan = "auto (forced): lanes (\(lanesKernel.rawValue)) from groups of \(lanesFromGroupSize)"
    }

    public var modulusOctets: Int { single[0].decryptor.modulusOctets }

    /// Verifies a group under the accepted paddings in order: each ciphertext gets the result of
    /// the first padding under which it verifies; failing that, the first failure after a
    /// decryption (a payload or freshness check), else `decryptionError`. A padding that decrypts
    /// to a payload that fails is not the end of the search: an OAEP ciphertext passes the
    /// PKCS#1 v1.5 checks by chance about once in 300 (second octet 02, then a zero octet), so
    /// with `pkcs1` accepted before `oaep-sha256` a good OAEP signature would otherwise be
    /// refused for the garbage PKCS#1 "payload". On the lanes engine each padding tried is one
    /// pass for the ciphertexts still undecided.
    public func verify(_ ciphertexts: [[UInt8]], expecting expectations: XSignatureVerifier.Expectations) -> [VerificationResult] {
        let verifiers = ciphertexts.count >= lanesFromGroupSize ? (lanes ?? single) : single
        var results = [VerificationResult](repeating: VerificationResult(failure: .decryptionError), count: ciphertexts.count)
        var undecided = Array(ciphertexts.indices)
        for verifier in verifiers where !undecided.isEmpty {
            let outcomes = verifier.verify(ciphertexts: undecided.map { ciphertexts[$0] },
                                           expecting: Array(repeating: expectations, count: undecided.count))
            var still: [Int] = []
            for (slot, index) in undecided.enumerated() {
                let outcome = outcomes[slot]
                if outcome.isValid {
                    results[index] = outcome
                    continue
                }
                // Keep the first failure that got past decryption; look on under the other paddings.
                if outcome.failure != .decryptionError && results[index].failure == .decryptionError { results[index] = outcome }
                still.append(index)
            }
            undecided = still
        }
        return results
    }

    /// The smallest group for which one lanes pass costs less than OpenSSL one ciphertext at a
    /// time: after one warm-up call of each, the best of five timings of each on a ciphertext of
    /// the key's size (decryption is constant time, so a ciphertext that fails its padding costs
    /// what a valid one does). About 20 ms at 2048 bits, 80 ms at 4096, once at start-up.
    /// Also returns the cost ratio in tenths, for the plan.
    private static func breakEven(openssl: RSADecryptor, lanes: RSADecryptor) -> (groupSize: Int, tenths: UInt64) {
        var random = SecureRandom()
        let k = openssl.modulusOctets
        let ciphertext = [0] + random.bytes(count: k - 1)  // below n: n's top octet is nonzero
        func best(_ body: () -> Void) -> UInt64 {
            body()
            var fastest = UInt64.max
            for _ in 0..<5 {
                let start = ContinuousClock.now
                body()
                let elapsed = ContinuousClock.now - start
                fastest = min(fastest, UInt64(elapsed.components.seconds) * 1_000_000_000 + UInt64(elapsed.components.attoseconds / 1_000_000_000))
            }
            return max(fastest, 1)
        }
        let one = best { _ = openssl.decrypt(batch: [ciphertext], padding: .oaepSHA256) }
        let pass = best { _ = lanes.decrypt(batch: Array(repeating: ciphertext, count: 8), padding: .oaepSHA256) }
        return (Int(min((pass + one - 1) / one, 9)), (pass * 10 + one / 2) / one)
    }
}
