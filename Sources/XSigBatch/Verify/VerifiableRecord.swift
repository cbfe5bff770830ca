import FoundationEssentials
import XSignature

/// One record of a batch output file (the NDJSON or CSV of `xsig batch`, or `xsig sign --output
/// json` lines) as `xsig verify --input` sees it: the signature plus what the record claims it
/// signs. Every field but the signature is optional; claims that are present must match.
public struct VerifiableRecord: Sendable, Hashable {
    /// The record's own `index` when it has one, else its 0-based position in the file.
    public var index: UInt64
    public var sessionToken: String?
    public var timestamp: String?
    public var nonce: String?
    public var signature: String?
    /// 1-based line of the input where the record starts.
    public var line: Int
    /// Set when the line or row could not be read; the record then fails as `malformed_record`.
    public var isMalformed: Bool

    public init(index: UInt64, sessionToken: String? = nil, timestamp: String? = nil, nonce: String? = nil,
                signature: String? = nil, line: Int = 0, isMalformed: Bool = false) {
        self.index = index
        self.sessionToken = sessionToken
        self.timestamp = timestamp
        self.nonce = nonce
        self.signature = signature
        self.line = line
        self.isMalformed = isMalformed
    }
}

extension XSignatureVerifier {
    /// Verifies one batch record: the signature as ``verify(signature:expecting:)`` does, then the
    /// record's own claims (token, timestamp, nonce) against what was signed.
    public func verify(record: VerifiableRecord, expecting expectations: Expectations = Expectations()) -> VerificationResult {
        verify(records: [record], expecting: expectations)[0]
    }

    /// Verifies records as a group: their signatures go through one batch decryption
    /// (``verify(ciphertexts:expecting:)``, eight per lanes pass), then each record's own claims
    /// are checked as ``verify(record:expecting:)`` does. Results in record order.
    public func verify(records: [VerifiableRecord], expecting expectations: Expectations = Expectations()) -> [VerificationResult] {
        var early = [VerificationResult?](repeating: nil, count: records.count)
        var ciphertexts: [[UInt8]?] = [], perRecord: [Expectations] = [], slots: [Int] = []
        for (i, record) in records.enumerated() {
            guard !record.isMalformed else { early[i] = VerificationResult(failure: .malformedRecord); continue }
            guard let signature = record.signature, !signature.isEmpty else { early[i] = VerificationResult(failure: .missingSignature); continue }
            var own = expectations
            if own.sessionToken == nil { own.sessionToken = record.sessionToken }
            ciphertexts.append(try? Base64.decode(signature))
            perRecord.append(own)
            slots.append(i)
        }
        let decrypted = verify(ciphertexts: ciphertexts, expecting: perRecord)
        for (slot, i) in slots.enumerated() { early[i] = Self.claims(of: records[i], against: decrypted[slot]) }
        return early.map { $0! }
    }

    /// The record's own claims (token, timestamp, nonce) against what was signed.
    static func claims(of record: VerifiableRecord, against result: VerificationResult) -> VerificationResult {
        guard result.isValid else { return result }
        // A record whose own token differs from --session-token fails too, though the payload matched the flag.
        if let claimed = record.sessionToken, !constantTimeEqual(Array(claimed.utf8), Array((result.sessionToken ?? "").utf8)) {
            return VerificationResult(failure: .sessionTokenMismatch, fields: result.fields)
        }
        if let claimed = record.timestamp, claimed != result.timestamp {
            return VerificationResult(failure: .timestampMismatch, fields: result.fields)
        }
        if let claimed = record.nonce, claimed != result.nonce {
            return VerificationResult(failure: .nonceMismatch, fields: result.fields)
        }
        return result
    }
}

extension VerificationResult {
    var fields: PayloadParser.Fields? {
        guard let sessionToken, let timestamp, let nonce else { return nil }
        return PayloadParser.Fields(sessionToken: sessionToken, timestamp: timestamp, nonce: nonce)
    }
}
