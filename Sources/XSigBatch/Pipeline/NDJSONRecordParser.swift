import XSignature
/// Reads one NDJSON line into a ``BatchRecord``: a JSON object (RFC 8259) with `session_token`
/// (string, required), `timestamp` (digits as a string, or a non-negative integer), `nonce` and
/// the request fields (strings). `null` means "not set"; other keys are skipped whatever their
/// value. Errors give a column and never quote the line, which holds a session token.
///
/// Hand-written rather than Foundation's JSONDecoder: it runs once per record on the reader
/// thread, and it can say where a line is broken.
enum NDJSONRecordParser {
    static let maximumDepth = 64

    static func parse(_ bytes: UnsafeRawBufferPointer) -> Result<BatchRecord, ParseError> {
        var parser = Parser(bytes: bytes)
        do {
            return .success(try parser.record())
        } catch let error as ParseError {
            return .failure(error)
        } catch {
            return .failure(ParseError(message: "invalid JSON"))
        }
    }

    struct ParseError: Error {
        let message: String
    }

    private struct Parser {
        let bytes: UnsafeRawBufferPointer
        var i = 0

        init(bytes: UnsafeRawBufferPointer) { self.bytes = bytes }

        mutating func record() throws -> BatchRecord {
            skipSpace()
            guard i < bytes.count, bytes[i] == UInt8(ascii: "{") else {
                throw ParseError(message: "not a JSON object (each NDJSON line must be one {...} object)")
            }
            i += 1
            var token: String?
            var record = BatchRecord(sessionToken: "")
            var seen = Set<String>()
            skipSpace()
            if peek() == UInt8(ascii: "}") {
                i += 1
            } else {
                while true {
                    skipSpace()
                    guard peek() == UInt8(ascii: "\"") else { throw invalid("expected a field name") }
                    let key = try string()
                    skipSpace()
                    guard peek() == UInt8(ascii: ":") else { throw invalid("expected ':' after a field name") }
                    i += 1
                    skipSpace()
                    let known = key == "session_token" || key == "timestamp" || key == "nonce" || LogoutHeaderField(column: key) != nil
                    if known {
                        guard seen.insert(key).inserted else { throw ParseError(message: "field \(key) appears twice") }
                        let column = i + 1
                        if key == "timestamp" {
                            if let value = try timestampValue(column: column) { record.timestamp = value }
                        } else if let value = try stringOrNull(field: key, column: column) {
                            switch key {
                            case "session_token": token = value
                            case "nonce": record.nonce = value
                            default:
                                let field = LogoutHeaderField(column: key)!
                                do { try LogoutHeaderFields.validate(value, for: field) } catch let error as XSigError {
                                    throw ParseError(message: error.message)
                                }
                                record.headers[field] = value
                            }
                        }
                    } else {
                        try skipValue(depth: 1)
                    }
                    skipSpace()
                    guard let c = peek() else { throw invalid("the object is not closed") }
                    i += 1
                    if c == UInt8(ascii: "}") { break }
                    guard c == UInt8(ascii: ",") else { i -= 1; throw invalid("expected ',' or '}'") }
                }
            }
            skipSpace()
            guard i == bytes.count else { throw invalid("text after the JSON object") }
            guard let token else { throw ParseError(message: "record has no session_token field") }
            record.sessionToken = token
            return record
        }

        private func peek() -> UInt8? { i < bytes.count ? bytes[i] : nil }

        private func invalid(_ what: String) -> ParseError {
            ParseError(message: "invalid JSON at column \(i + 1): \(what)")
        }

        private mutating func skipSpace() {
            while i < bytes.count, bytes[i] == 0x20 || bytes[i] == 0x09 || bytes[i] == 0x0D || bytes[i] == 0x0A { i += 1 }
        }

        private mutating func stringOrNull(field: String, column: Int) throws -> String? {
            if peek() == UInt8(ascii: "\"") { return try string() }
            if try literal("null") { return nil }
            throw ParseError(message: "field \(field) must be a string (column \(column))")
        }

        /// A timestamp given as "digits" or as a bare non-negative integer.
        private mutating func timestampValue(column: Int) throws -> UInt64? {
            let text: String
            if peek() == UInt8(ascii: "\"") {
                text = try string()
            } else if try literal("null") {
                return nil
            } else if let c = peek(), c == UInt8(ascii: "-") || (c >= 0x30 && c <= 0x39) {
                let start = i
                try number()
                text = String(decoding: UnsafeRawBufferPointer(rebasing: bytes[start..<i]), as: UTF8.self)
            } else {
                throw ParseError(message: "field timestamp must be a string of digits or an integer (column \(column))")
            }
            do { return try Timestamp.parse(text) } catch let error as XSigError { throw ParseError(message: error.message) }
        }

        private mutating func literal(_ word: StaticString) throws -> Bool {
            let n = word.utf8CodeUnitCount
            guard i + n <= bytes.count else { return false }
            for k in 0..<n where bytes[i + k] != word.utf8Start[k] { return false }
            i += n
            return true
        }

        /// A JSON string at `i` (which is a quote), unescaped.
        private mutating func string() throws -> String {
            i += 1
            var out: [UInt8] = []
            while true {
                guard i < bytes.count else { throw invalid("a string is not closed") }
                let c = bytes[i]
                if c == UInt8(ascii: "\"") { i += 1; break }
                if c < 0x20 { throw invalid("a control character inside a string (escape it)") }
                if c != UInt8(ascii: "\\") {
                    out.append(c)
                    i += 1
                    continue
                }
                i += 1
                guard i < bytes.count else { throw invalid("a string is not closed") }
                let e = bytes[i]
                i += 1
                switch e {
                case UInt8(ascii: "\""), UInt8(ascii: "\\"), UInt8(ascii: "/"): out.append(e)
                case UInt8(ascii: "b"): out.append(0x08)
                case UInt8(ascii: "f"): out.append(0x0C)
                case UInt8(ascii: "n"): out.append(0x0A)
                case UInt8(ascii: "r"): out.append(0x0D)
                case UInt8(ascii: "t"): out.append(0x09)
                case UInt8(ascii: "u"):
                    var scalar = try hex4()
                    if (0xD800..<0xDC00).contains(scalar) {
                        guard i + 1 < bytes.count, bytes[i] == UInt8(ascii: "\\"), bytes[i + 1] == UInt8(ascii: "u") else {
                            throw invalid("a lone surrogate in \\u escape")
                        }
                        i += 2
                        let low = try hex4()
                        guard (0xDC00..<0xE000).contains(low) else { throw invalid("a lone surrogate in \\u escape") }
                        scalar = 0x10000 + ((scalar - 0xD800) << 10) + (low - 0xDC00)
                    } else if (0xDC00..<0xE000).contains(scalar) {
                        throw invalid("a lone surrogate in \\u escape")
                    }
                    out.append(contentsOf: Array(String(Character(Unicode.Scalar(scalar)!)).utf8))
                default:
                    i -= 1
                    throw invalid("an unknown escape")
                }
            }
            guard let text = String(validating: out, as: UTF8.self) else { throw invalid("a string is not valid UTF-8") }
            return text
        }

        private mutating func hex4() throws -> UInt32 {
            guard i + 4 <= bytes.count else { throw invalid("a short \\u escape") }
            var v: UInt32 = 0
            for _ in 0..<4 {
                let c = bytes[i]
                let d: UInt32
                switch c {
                case 0x30...0x39: d = UInt32(c - 0x30)
                case 0x41...0x46: d = UInt32(c - 0x41 + 10)
                case 0x61...0x66: d = UInt32(c - 0x61 + 10)
                default: throw invalid("a bad hex digit in a \\u escape")
                }
                v = v << 4 | d
                i += 1
            }
            return v
        }

        /// -?(0|[1-9][0-9]*)(\.[0-9]+)?([eE][+-]?[0-9]+)?
        private mutating func number() throws {
            if peek() == UInt8(ascii: "-") { i += 1 }
            guard let first = peek(), first >= 0x30 && first <= 0x39 else { throw invalid("a malformed number") }
            i += 1
            if first != 0x30 { while let c = peek(), c >= 0x30 && c <= 0x39 { i += 1 } }
            if peek() == UInt8(ascii: ".") {
                i += 1
                guard let c = peek(), c >= 0x30 && c <= 0x39 else { throw invalid("a malformed number") }
                while let c = peek(), c >= 0x30 && c <= 0x39 { i += 1 }
            }
            if let e = peek(), e == UInt8(ascii: "e") || e == UInt8(ascii: "E") {
                i += 1
                if let s = peek(), s == UInt8(ascii: "+") || s == UInt8(ascii: "-") { i += 1 }
                guard let c = peek(), c >= 0x30 && c <= 0x39 else { throw invalid("a malformed number") }
                while let c = peek(), c >= 0x30 && c <= 0x39 { i += 1 }
            }
        }

        /// Any JSON value, checked but not kept.
        private mutating func skipValue(depth: Int) throws {
            guard depth <= NDJSONRecordParser.maximumDepth else { throw invalid("nesting deeper than \(NDJSONRecordParser.maximumDepth)") }
            guard let c = peek() else { throw invalid("expected a value") }
            switch c {
            case UInt8(ascii: "\""): _ = try string()
            case UInt8(ascii: "{"), UInt8(ascii: "["):
                let close = c == UInt8(ascii: "{") ? UInt8(ascii: "}") : UInt8(ascii: "]")
                i += 1
                skipSpace()
                if peek() == close { i += 1; return }
                while true {
                    skipSpace()
                    if c == UInt8(ascii: "{") {
                        guard peek() == UInt8(ascii: "\"") else { throw invalid("expected a field name") }
                        _ = try string()
                        skipSpace()
                        guard peek() == UInt8(ascii: ":") else { throw invalid("expected ':' after a field name") }
                        i += 1
                        skipSpace()
                    }
                    try skipValue(depth: depth + 1)
                    skipSpace()
                    guard let next = peek() else { throw invalid("\(close == UInt8(ascii: "}") ? "an object" : "an array") is not closed") }
                    i += 1
                    if next == close { return }
                    guard next == UInt8(ascii: ",") else { i -= 1; throw invalid("expected ',' or '\(Character(Unicode.Scalar(close)))'") }
                }
            case UInt8(ascii: "-"), 0x30...0x39: try number()
            default:
                if try literal("true") || literal("false") || literal("null") { return }
                throw invalid("expected a value")
            }
        }
    }
}
