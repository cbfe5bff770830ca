/// Minimal JSON string quoting (RFC 8259 section 7) for the HTTP layer's own error bodies. The
/// HTTP layer depends on SwiftNIO only, not on the crypto stack, so it does not use XSignature's
/// JSONObjectWriter; the routes above it (XSigMock) do.
public enum JSONString {
    public static func quote(_ text: String) -> String {
        var out = "\""
        for scalar in text.unicodeScalars {
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
        return out + "\""
    }
}
