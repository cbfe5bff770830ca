/// Minimal JSON text building for xsig's line-oriented outputs (one object per line, fields in a
/// fixed order so that outputs are byte-for-byte reproducible).
public struct JSONObjectWriter {
    private var text = "{"
    private var first = true

    public init() {}

    public mutating func add(_ name: String, _ value: String) {
        key(name)
        JSONObjectWriter.appendQuoted(value, to: &text)
    }

    public mutating func add(_ name: String, _ value: Int) {
        key(name)
        text += String(value)
    }

    public mutating func add(_ name: String, _ value: UInt64) {
        key(name)
        text += String(value)
    }

    public mutating func add(_ name: String, _ value: Bool) {
        key(name)
        text += value ? "true" : "false"
    }

    public mutating func addNull(_ name: String) {
        key(name)
        text += "null"
    }

    /// Adds a nested object or array that is already JSON text.
    public mutating func addRaw(_ name: String, _ json: String) {
        key(name)
        text += json
    }

    public mutating func add(_ name: String, headers: [(name: String, value: String)]) {
        var nested = JSONObjectWriter()
        for header in headers { nested.add(header.name, header.value) }
        addRaw(name, nested.finish())
    }

    public func finish() -> String { text + "}" }

    private mutating func key(_ name: String) {
        if !first { text += "," }
        first = false
        JSONObjectWriter.appendQuoted(name, to: &text)
        text += ":"
    }

    /// RFC 8259 string escaping, the one escaper of every JSON xsig writes: `\"`, `\\`, `\n`,
    /// `\r`, `\t`, other controls as `\u00xx`, everything else (UTF-8 included) verbatim.
    /// Works on octets, with unescaped runs copied whole: the batch writer calls it per field.
    public static func appendQuoted(_ value: String, to out: inout [UInt8]) {
        var value = value
        out.append(UInt8(ascii: "\""))
        value.withUTF8 { bytes in
            var run = 0
            var i = 0
            while i < bytes.count {
                // Eight octets at a time while none needs escaping (every Base64 signature, most tokens).
                if i + 8 <= bytes.count, !needsEscape(UnsafeRawPointer(bytes.baseAddress! + i).loadUnaligned(as: UInt64.self)) {
                    i += 8
                    continue
                }
                let b = bytes[i]
                i += 1
                guard b < 0x20 || b == UInt8(ascii: "\"") || b == UInt8(ascii: "\\") else { continue }
                let at = i - 1
                if run < at { out.append(contentsOf: UnsafeBufferPointer(rebasing: bytes[run..<at])) }
                run = at + 1
                out.append(UInt8(ascii: "\\"))
                switch b {
                case UInt8(ascii: "\""), UInt8(ascii: "\\"): out.append(b)
                case 0x0A: out.append(UInt8(ascii: "n"))
                case 0x0D: out.append(UInt8(ascii: "r"))
                case 0x09: out.append(UInt8(ascii: "t"))
                default:
                    let hex = Array("0123456789abcdef".utf8)
                    out.append(contentsOf: [UInt8(ascii: "u"), UInt8(ascii: "0"), UInt8(ascii: "0"), hex[Int(b >> 4)], hex[Int(b & 15)]])
                }
            }
            if run < bytes.count { out.append(contentsOf: UnsafeBufferPointer(rebasing: bytes[run..<bytes.count])) }
        }
        out.append(UInt8(ascii: "\""))
    }

    /// True when one of the eight octets of `word` is a control (< 0x20), `"` or `\\`
    /// (the classic "has a zero byte" / "has a byte less than n" bit tricks).
    @inline(__always)
    static func needsEscape(_ word: UInt64) -> Bool {
        let ones: UInt64 = 0x0101_0101_0101_0101, highs: UInt64 = 0x8080_8080_8080_8080
        func hasZero(_ v: UInt64) -> UInt64 { (v &- ones) & ~v & highs }
        let control = (word &- ones &* 0x20) & ~word & highs
        return (control | hasZero(word ^ (ones &* 0x22)) | hasZero(word ^ (ones &* 0x5c))) != 0
    }

    /// ``appendQuoted(_:to:)`` onto text.
    public static func appendQuoted(_ value: String, to out: inout String) {
        var bytes: [UInt8] = []
        appendQuoted(value, to: &bytes)
        out += String(decoding: bytes, as: UTF8.self)
    }

    public static func quoted(_ value: String) -> String {
        var out = ""
        appendQuoted(value, to: &out)
        return out
    }
}
