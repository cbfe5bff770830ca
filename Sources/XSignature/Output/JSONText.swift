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

    /// RFC 8259 string escaping.
    public static func appendQuoted(_ value: String, to out: inout String) {
        out += "\""
        for scalar in value.unicodeScalars {
            switch scalar {
            case "\"": out += "\\\""
            case "\\": out += "\\\\"
            case "\n": out += "\\n"
            case "\r": out += "\\r"
            case "\t": out += "\\t"
            default:
                if scalar.value < 0x20 {
                    let hex = String(scalar.value, radix: 16)
                    out += "\\u" + String(repeating: "0", count: 4 - hex.count) + hex
                } else {
                    out.unicodeScalars.append(scalar)
                }
            }
        }
        out += "\""
    }

    public static func quoted(_ value: String) -> String {
        var out = ""
        appendQuoted(value, to: &out)
        return out
    }
}
