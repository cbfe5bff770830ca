/// A lenient PEM reader for keys pasted from anywhere: accepts armor whose body has its line
/// breaks, none at all, or the literal two-character `\n` sequences of a JSON string (the
/// vendor's Java sample strips those the same way). Everything else is strict: matching BEGIN and
/// END labels, a Base64 body that decodes.
struct PEMBlock {
    let label: String
    let der: [UInt8]

    /// The first PEM block in `text`, nil when there is no `-----BEGIN ` line at all.
    ///
    /// Searches the UTF-8 bytes: the armor is ASCII, and byte search costs a fraction of
    /// `String`'s generic algorithms at start-up (docs/startup.md).
    static func first(in text: String) throws -> PEMBlock? {
        let bytes = unescaped(Array(text.utf8))
        guard let begin = find("-----BEGIN ", in: bytes, from: 0) else { return nil }
        let labelStart = begin + 11
        guard let labelEnd = find("-----", in: bytes, from: labelStart) else {
            throw XSigError(.invalidKey, "PEM BEGIN line is not closed with '-----'")
        }
        let labelBytes = bytes[labelStart..<labelEnd]
        // RFC 7468 labels are short printable ASCII on the BEGIN line. Anything else is not
        // echoed: it may be a line break away from pasted secrets, and is unbounded in length.
        guard labelBytes.count <= 64, labelBytes.allSatisfy({ $0 >= 0x20 && $0 < 0x7f }) else {
            throw XSigError(.invalidKey, "PEM BEGIN line has no valid label (expected e.g. -----BEGIN PUBLIC KEY-----)")
        }
        let label = String(decoding: labelBytes, as: UTF8.self)
        let endMarker = "-----END \(label)-----"
        guard let end = find(endMarker, in: bytes, from: labelEnd + 5) else {
            throw XSigError(.invalidKey, "PEM '\(label)' block has no matching '\(endMarker)' line (truncated?)")
        }
        let bodyBytes = bytes[(labelEnd + 5)..<end]
        if find("Proc-Type:", in: bodyBytes, from: bodyBytes.startIndex) != nil
            || find("DEK-Info:", in: bodyBytes, from: bodyBytes.startIndex) != nil {
            throw XSigError(.invalidKey, "PEM '\(label)' is encrypted (legacy Proc-Type/DEK-Info); decrypt it first, e.g. openssl pkey -in FILE -out plain.pem")
        }
        // Whitespace as Character.isWhitespace has it: for ASCII bytes directly, else through String.
        let body = bodyBytes.allSatisfy({ $0 < 0x80 })
            ? String(decoding: bodyBytes.filter { !($0 == 0x20 || (0x09...0x0d).contains($0)) }, as: UTF8.self)
            : String(decoding: bodyBytes, as: UTF8.self).filter { !$0.isWhitespace }
        guard !body.isEmpty else { throw XSigError(.invalidKey, "PEM '\(label)' block is empty") }
        do {
            return PEMBlock(label: label, der: try Base64.decode(body))
        } catch let error as XSigError {
            throw XSigError(.invalidKey, "PEM '\(label)' body is not valid Base64: \(error.message)")
        }
    }

    /// The literal two-character `\\n` of a JSON string becomes a line break, `\\r` goes.
    private static func unescaped(_ bytes: [UInt8]) -> [UInt8] {
        guard bytes.contains(UInt8(ascii: "\\")) else { return bytes }
        var out: [UInt8] = []
        out.reserveCapacity(bytes.count)
        var i = 0
        while i < bytes.count {
            if bytes[i] == UInt8(ascii: "\\"), i + 1 < bytes.count, bytes[i + 1] == UInt8(ascii: "n") || bytes[i + 1] == UInt8(ascii: "r") {
                if bytes[i + 1] == UInt8(ascii: "n") { out.append(0x0a) }
                i += 2
            } else {
                out.append(bytes[i])
                i += 1
            }
        }
        return out
    }

    /// The index where `needle` (ASCII) first occurs in `haystack` at or after `from`.
    private static func find<C: RandomAccessCollection>(_ needle: String, in haystack: C, from: C.Index) -> C.Index?
    where C.Element == UInt8, C.Index == Int {
        let pattern = Array(needle.utf8)
        guard haystack.endIndex - from >= pattern.count else { return nil }
        var i = from
        while i <= haystack.endIndex - pattern.count {
            if haystack[i] == pattern[0] {
                var j = 1
                while j < pattern.count && haystack[i + j] == pattern[j] { j += 1 }
                if j == pattern.count { return i }
            }
            i += 1
        }
        return nil
    }
}

