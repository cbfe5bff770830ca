/// Why an X-signature was not accepted: the stable `reason` of `xsig verify`'s JSON. Reasons
/// name the check, never the values involved (no session token ever appears in one).
public enum VerificationFailure: String, Sendable, CaseIterable, CustomStringConvertible {
    /// The header value is not Base64.
    case malformedSignature = "malformed_signature"
    /// RSA decryption failed (wrong key or padding, tampered or truncated signature). Which
    /// check failed is deliberately not said.
    case decryptionError = "decryption_error"
    /// The plaintext is not UTF-8.
    case payloadNotUTF8 = "payload_not_utf8"
    /// Fewer than the three fields session_token, timestamp, nonce.
    case missingField = "missing_field"
    /// More than three fields.
    case extraFields = "extra_fields"
    /// Three fields, but not named session_token, timestamp, nonce in that order.
    case fieldOrder = "field_order"
    /// A field without '=' between its name and value.
    case malformedField = "malformed_field"
    /// The session token is empty or holds whitespace or control characters.
    case invalidSessionToken = "invalid_session_token"
    /// The timestamp is not a canonical decimal of epoch milliseconds (digits only, no leading zero, 64 bits).
    case invalidTimestamp = "invalid_timestamp"
    /// The nonce is not the lowercase hex of the timestamp.
    case nonceMismatch = "nonce_mismatch"
    /// Older than now minus the allowed skew.
    case staleTimestamp = "stale_timestamp"
    /// Newer than now plus the allowed skew.
    case futureTimestamp = "future_timestamp"
    /// The token differs from the expected one (--session-token, or the batch record's own).
    case sessionTokenMismatch = "session_token_mismatch"
    /// The batch record states another timestamp than the one signed.
    case timestampMismatch = "timestamp_mismatch"
    /// A batch record that is not readable (bad JSON or CSV row).
    case malformedRecord = "malformed_record"
    /// A batch record without a signature (e.g. an error record of the batch).
    case missingSignature = "missing_signature"

    public var description: String { rawValue }
}
