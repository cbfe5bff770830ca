import XSignature

/// A batch input record from one NDJSON line: `session_token` (string, required), `timestamp`
/// (digits as a string, or a non-negative integer), `nonce` and the request fields (strings).
/// `null` means "not set"; other keys are skipped whatever their value.
enum BatchNDJSONRecord {
    static func parse(_ bytes: UnsafeRawBufferPointer) -> Result<BatchRecord, JSONLineParser.ParseError> {
        var parser = JSONLineParser(bytes: bytes)
        var token: String?
        var record = BatchRecord(sessionToken: "")
        do {
            try parser.object(isWanted: isRecordField) { key, parser in
                switch key {
                case "timestamp":
                    if let value = try timestamp(&parser) { record.timestamp = value }
                case "session_token":
                    // The token rule's one message for bad UTF-8, as every other input gives it.
                    guard let octets = try parser.stringOctetsOrNull(field: key) else { return }
                    do { token = try SignaturePayload.decodeToken(octets) } catch let error as XSigError {
                        throw JSONLineParser.ParseError(message: error.message)
                    }
                case "nonce":
                    if let value = try parser.stringOrNull(field: key) { record.nonce = value }
                default:
                    guard let value = try parser.stringOrNull(field: key) else { return }
                    let field = LogoutHeaderField(column: key)!
                    do { try LogoutHeaderFields.validate(value, for: field) } catch let error as XSigError {
                        throw JSONLineParser.ParseError(message: error.message)
                    }
                    record.headers[field] = value
                }
            }
        } catch let error as JSONLineParser.ParseError {
            return .failure(error)
        } catch {
            return .failure(JSONLineParser.ParseError(message: "invalid JSON"))
        }
        guard let token else { return .failure(JSONLineParser.ParseError(message: "record has no session_token field")) }
        record.sessionToken = token
        return .success(record)
    }

    private static func isRecordField(_ key: String) -> Bool {
        key == "session_token" || key == "timestamp" || key == "nonce" || LogoutHeaderField(column: key) != nil
    }

    /// A timestamp given as "digits" or as a bare non-negative integer.
    private static func timestamp(_ parser: inout JSONLineParser) throws -> UInt64? {
        let column = parser.column
        let text: String
        if parser.peek() == UInt8(ascii: "\"") {
            text = try parser.string()
        } else if try parser.literal("null") {
            return nil
        } else if let number = try parser.numberText() {
            text = number
        } else {
            throw JSONLineParser.ParseError(message: "field timestamp must be a string of digits or an integer (column \(column))")
        }
        do { return try Timestamp.parse(text) } catch let error as XSigError { throw JSONLineParser.ParseError(message: error.message) }
    }
}
