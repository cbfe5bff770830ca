/// Strict reader of a decrypted X-signature plaintext,
/// `session_token=<token>&timestamp=<ms>&nonce=<lowercase hex of ms>`.
///
/// Exactly these three fields in exactly this order; the timestamp canonical decimal (digits
/// only, no sign, no leading zero, fits in 64 bits); the nonce equal to the lowercase hex of the
/// timestamp, as the documented signer computes it. Anything else is refused, so that two
/// different strings never verify as the same payload.
public enum PayloadParser {
    /// The three values as they appear in the payload, once its structure is right.
    public struct Fields: Sendable, Hashable {
        public let sessionToken: String
        public let timestamp: String
        public let nonce: String

        package init(sessionToken: String, timestamp: String, nonce: String) {
            self.sessionToken = sessionToken
            self.timestamp = timestamp
            self.nonce = nonce
        }
    }

    public enum Outcome: Sendable, Hashable {
        case valid(SignaturePayload)
        /// `fields` is set when the structure parsed and a value check failed.
        case invalid(VerificationFailure, fields: Fields?)
    }

    static let fieldNames = ["session_token", "timestamp", "nonce"]

    public static func parse(_ bytes: [UInt8]) -> Outcome {
        guard let text = String(validating: bytes, as: UTF8.self) else { return .invalid(.payloadNotUTF8, fields: nil) }
        return parse(text)
    }

    public static func parse(_ text: String) -> Outcome {
        let parts = text.split(separator: "&", omittingEmptySubsequences: false)
        guard parts.count >= fieldNames.count else { return .invalid(.missingField, fields: nil) }
        guard parts.count == fieldNames.count else { return .invalid(.extraFields, fields: nil) }
        var values: [String] = []
        for part in parts {
            // The value runs from the first '=' to the end: tokens may end in Base64 '=' padding.
            guard let equals = part.firstIndex(of: "=") else { return .invalid(.malformedField, fields: nil) }
            values.append(String(part[part.index(after: equals)...]))
        }
        let names = parts.map { String($0.prefix(while: { $0 != "=" })) }
        guard names == fieldNames else { return .invalid(.fieldOrder, fields: nil) }
        let fields = Fields(sessionToken: values[0], timestamp: values[1], nonce: values[2])
        do {
            try SignaturePayload.validateToken(fields.sessionToken)
        } catch {
            return .invalid(.invalidSessionToken, fields: fields)
        }
        guard let timestamp = canonicalTimestamp(fields.timestamp) else { return .invalid(.invalidTimestamp, fields: fields) }
        guard fields.nonce == SignaturePayload.nonce(for: timestamp) else { return .invalid(.nonceMismatch, fields: fields) }
        guard let payload = try? SignaturePayload(sessionToken: fields.sessionToken, timestamp: timestamp, nonce: fields.nonce) else {
            return .invalid(.invalidSessionToken, fields: fields)
        }
        return .valid(payload)
    }

    /// Digits only, no leading zero (except "0" itself), at most UInt64.max.
    static func canonicalTimestamp(_ text: String) -> UInt64? {
        let utf8 = text.utf8
        guard let first = utf8.first, utf8.allSatisfy({ (0x30...0x39).contains($0) }) else { return nil }
        guard first != 0x30 || utf8.count == 1 else { return nil }
        return UInt64(text)
    }
}
