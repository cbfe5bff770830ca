import XSignature

/// One NDJSON line as a JSON object (RFC 8259), read without Foundation: the reader of every
/// NDJSON input (`xsig batch` records, `xsig verify --input` records). `object(isWanted:field:)`
/// walks the members in order; a wanted member's value is left for the caller to read with the
/// typed readers (`stringOrNull`, `numberText`) and every other value is checked and skipped.
/// Errors give a column and never quote the line, which holds a session token.
///
/// Hand-written rather than Foundation's JSONDecoder: it runs once per record on the reader
/// thread, and it can say where a line is broken.
struct JSONLineParser {
    static let maximumDepth = 64

    struct ParseError: Error {
        let message: String
    }

    let bytes: UnsafeRawBufferPointer
    private(set) var i = 0

    init(bytes: UnsafeRawBufferPointer) { self.bytes = bytes }

    /// 1-based column of the next octet.
    var column: Int { i + 1 }

    /// Walks one object that must fill the line. `field` reads the value of each wanted member
    /// (it must consume it); a wanted member given twice is an error.
    mutating func object(isWanted: (String) -> Bool, field: (String, inout JSONLineParser) throws -> Void) throws {
        skipSpace()
        guard i < bytes.count, bytes[i] == UInt8(ascii: "{") else {
            throw ParseError(message: "not a JSON object (each NDJSON line must be one {...} object)")
        }
        i += 1
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
                if isWanted(key) {
                    guard seen.insert(key).inserted else { throw ParseError(message: "field \(key) appears twice") }
                    try field(key, &self)
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
    }

    /// A string member, or nil for `null`; anything else is an error naming the member.
    mutating func stringOrNull(field: String) throws -> String? {
        guard let out = try stringOctetsOrNull(field: field) else { return nil }
        return try utf8(out)
    }

    /// `stringOrNull` without the UTF-8 check: the caller applies its own.
    mutating func stringOctetsOrNull(field: String) throws -> [UInt8]? {
        let column = self.column
        if peek() == UInt8(ascii: "\"") { return try stringOctets() }
        if try literal("null") { return nil }
        throw ParseError(message: "field \(field) must be a string (column \(column))")
    }

    /// The text of a number member, when the value is one (nil, consuming nothing, otherwise).
    mutating func numberText() throws -> String? {
        guard let c = peek(), c == UInt8(ascii: "-") || (c >= 0x30 && c <= 0x39) else { return nil }
        let start = i
        try number()
        return String(decoding: UnsafeRawBufferPointer(rebasing: bytes[start..<i]), as: UTF8.self)
    }

    func peek() -> UInt8? { i < bytes.count ? bytes[i] : nil }

    func invalid(_ what: String) -> ParseError {
        ParseError(message: "invalid JSON at column \(i + 1): \(what)")
    }

    mutating func skipSpace() {
        while i < bytes.count, bytes[i] == 0x20 || bytes[i] == 0x09 || bytes[i] == 0x0D || bytes[i] == 0x0A { i += 1 }
    }

    mutating func literal(_ word: StaticString) throws -> Bool {
        let n = word.utf8CodeUnitCount
        guard i + n <= bytes.count else { return false }
        for k in 0..<n where bytes[i + k] != word.utf8Start[k] { return false }
        i += n
        return true
    }

    /// A JSON string at `i` (which is a quote), unescaped.
    mutating func string() throws -> String { try utf8(stringOctets()) }

    private func utf8(_ octets: [UInt8]) throws -> String {
        guard let text = String(validating: octets, as: UTF8.self) else { throw invalid("a string is not valid UTF-8") }
        return text
    }

    /// The octets of a string value, escapes decoded, not yet checked as UTF-8: for a member with
    /// its own rule for bad octets (the session token's one message).
    mutating func stringOctets() throws -> [UInt8] {
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
        return out
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
    mutating func number() throws {
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
    mutating func skipValue(depth: Int) throws {
        guard depth <= Self.maximumDepth else { throw invalid("nesting deeper than \(Self.maximumDepth)") }
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
