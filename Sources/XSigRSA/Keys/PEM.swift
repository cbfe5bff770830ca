/// A lenient PEM reader for keys pasted from anywhere: accepts armor whose body has its line
/// breaks, none at all, or the literal two-character `\n` sequences of a JSON string (the
/// vendor's Java sample strips those the same way). Everything else is strict: matching BEGIN and
/// END labels, a Base64 body that decodes.
struct PEMBlock {
    let label: String
    let der: [UInt8]

    /// The first PEM block in `text`, nil when there is no `-----BEGIN ` line at all.
    static func first(in text: String) throws -> PEMBlock? {
        let normalized = text.replacing("\\n", with: "\n").replacing("\\r", with: "")
        guard let begin = normalized.firstRange(of: "-----BEGIN ") else { return nil }
        guard let labelEnd = normalized[begin.upperBound...].firstRange(of: "-----") else {
            throw XSigError(.invalidKey, "PEM BEGIN line is not closed with '-----'")
        }
        let label = String(normalized[begin.upperBound..<labelEnd.lowerBound])
        // RFC 7468 labels are short printable ASCII on the BEGIN line. Anything else is not
        // echoed: it may be a line break away from pasted secrets, and is unbounded in length.
        guard label.utf8.count <= 64, label.utf8.allSatisfy({ $0 >= 0x20 && $0 < 0x7f }) else {
            throw XSigError(.invalidKey, "PEM BEGIN line has no valid label (expected e.g. -----BEGIN PUBLIC KEY-----)")
        }
        let endMarker = "-----END \(label)-----"
        guard let end = normalized[labelEnd.upperBound...].firstRange(of: endMarker) else {
            throw XSigError(.invalidKey, "PEM '\(label)' block has no matching '\(endMarker)' line (truncated?)")
        }
        let bodyText = normalized[labelEnd.upperBound..<end.lowerBound]
        if bodyText.contains("Proc-Type:") || bodyText.contains("DEK-Info:") {
            throw XSigError(.invalidKey, "PEM '\(label)' is encrypted (legacy Proc-Type/DEK-Info); decrypt it first, e.g. openssl pkey -in FILE -out plain.pem")
        }
        let body = bodyText.filter { !$0.isWhitespace }
        guard !body.isEmpty else { throw XSigError(.invalidKey, "PEM '\(label)' block is empty") }
        do {
            return PEMBlock(label: label, der: try Base64.decode(body))
        } catch let error as XSigError {
            throw XSigError(.invalidKey, "PEM '\(label)' body is not valid Base64: \(error.message)")
        }
    }
}

