import XSignature

/// The `error_code` of a 400 answer from `/api/v2/sdk/logout` or `/api/v2/sdk/profile/update`:
/// the first check that failed. Each is documented in docs/mock.md with a request that triggers
/// it. Messages name the check and public numbers, never a token, a signature or key material.
public enum MockErrorCode: String, Sendable, CaseIterable {
    // 1. headers
    case missingHeader = "missing_header"
    case clientIDMismatch = "client_id_mismatch"
    // 2. signature
    case malformedSignature = "malformed_signature"
    case decryptionError = "decryption_error"
    // 3. payload (the reasons of `xsig verify`)
    case payloadNotUTF8 = "payload_not_utf8"
    case missingField = "missing_field"
    case extraFields = "extra_fields"
    case fieldOrder = "field_order"
    case malformedField = "malformed_field"
    case invalidSessionToken = "invalid_session_token"
    case invalidTimestamp = "invalid_timestamp"
    case nonceMismatch = "nonce_mismatch"
    // 4. freshness
    case staleTimestamp = "stale_timestamp"
    case futureTimestamp = "future_timestamp"
    // 5. replay
    case replayedSignature = "replayed_signature"
    // 6. tokens (--tokens FILE)
    case unknownSessionToken = "unknown_session_token"
    case sessionLoggedOut = "session_logged_out"

    /// The payload checks' codes, from the verifier's reason.
    init(_ failure: VerificationFailure) {
        switch failure {
        case .malformedSignature: self = .malformedSignature
        case .decryptionError: self = .decryptionError
        case .payloadNotUTF8: self = .payloadNotUTF8
        case .missingField: self = .missingField
        case .extraFields: self = .extraFields
        case .fieldOrder: self = .fieldOrder
        case .malformedField: self = .malformedField
        case .invalidSessionToken: self = .invalidSessionToken
        case .invalidTimestamp: self = .invalidTimestamp
        case .nonceMismatch: self = .nonceMismatch
        case .staleTimestamp: self = .staleTimestamp
        case .futureTimestamp: self = .futureTimestamp
        // Not produced without expectations of a token or a batch record.
        case .sessionTokenMismatch, .timestampMismatch, .malformedRecord, .missingSignature: self = .malformedField
        }
    }

    /// The generic message of a payload check (the other checks compose their own).
    var payloadMessage: String {
        switch self {
        case .payloadNotUTF8: return "the decrypted payload is not UTF-8"
        case .missingField: return "the payload has fewer than the three fields session_token, timestamp, nonce"
        case .extraFields: return "the payload has more than the three fields session_token, timestamp, nonce"
        case .fieldOrder: return "the payload's fields are not session_token, timestamp, nonce in this order"
        case .malformedField: return "a payload field has no '=' between its name and value"
        case .invalidSessionToken: return "the session token is empty or holds '&', whitespace or control characters"
        case .invalidTimestamp: return "the timestamp is not canonical decimal epoch milliseconds"
        case .nonceMismatch: return "the nonce is not the lowercase hexadecimal of the timestamp"
        case .malformedSignature: return "X-signature is not Base64"
        default: return String(rawValue.map { $0 == "_" ? " " : $0 })
        }
    }
}
