/// RFC 4648 Base64: the standard alphabet with `=` padding and no line breaks (the X-signature
/// form), and the URL-safe alphabet without padding (JWK members).
///
/// Written out rather than going through Foundation's `Data` because the batch signer encodes
/// one signature per record: this version encodes straight into a caller's buffer.
public enum Base64 {
    private static let standard = Array("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/".utf8)
    private static let urlSafe = Array("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_".utf8)

    /// Encoded length with padding.
    public static func encodedLength(_ count: Int) -> Int { (count + 2) / 3 * 4 }

    /// Encodes into `output` (at least encodedLength octets); returns the number written.
    @discardableResult
    public static func encode(_ input: UnsafeRawBufferPointer, into output: UnsafeMutableRawBufferPointer, urlSafe: Bool = false) -> Int {
        let table = urlSafe ? Self.urlSafe : Self.standard
        return table.withUnsafeBufferPointer { t in
            var o = 0
            var i = 0
            let n = input.count
            while i + 3 <= n {
                let v = UInt32(input[i]) << 16 | UInt32(input[i + 1]) << 8 | UInt32(input[i + 2])
                output[o] = t[Int(v >> 18)]
                output[o + 1] = t[Int(v >> 12 & 63)]
                output[o + 2] = t[Int(v >> 6 & 63)]
                output[o + 3] = t[Int(v & 63)]
                i += 3
                o += 4
            }
            let rest = n - i
            if rest > 0 {
                let v = UInt32(input[i]) << 16 | (rest == 2 ? UInt32(input[i + 1]) << 8 : 0)
                output[o] = t[Int(v >> 18)]
                output[o + 1] = t[Int(v >> 12 & 63)]
                if rest == 2 {
                    output[o + 2] = t[Int(v >> 6 & 63)]
                } else if !urlSafe {
                    output[o + 2] = UInt8(ascii: "=")
                }
                if !urlSafe { output[o + 3] = UInt8(ascii: "=") }
                o += urlSafe ? rest + 1 : 4
            }
            return o
        }
    }

    public static func encode<Bytes: Collection>(_ bytes: Bytes, urlSafe: Bool = false) -> String where Bytes.Element == UInt8 {
        let input = Array(bytes)
        return String(unsafeUninitializedCapacity: encodedLength(input.count)) { out in
            input.withUnsafeBytes { encode($0, into: UnsafeMutableRawBufferPointer(out), urlSafe: urlSafe) }
        }
    }

    /// Strict decoding: standard or URL-safe alphabet (not mixed), padding optional but correct,
    /// no characters outside the alphabet. Whitespace must be removed by the caller.
    public static func decode(_ text: some StringProtocol) throws -> [UInt8] {
        let chars = Array(text.utf8)
        var end = chars.count
        var padding = 0
        while end > 0, chars[end - 1] == UInt8(ascii: "=") {
            end -= 1
            padding += 1
        }
        guard padding <= 2, padding == 0 || chars.count % 4 == 0 else {
            throw XSigError(.invalidArgument, "Base64 has misplaced '=' padding")
        }
        guard end % 4 != 1 else {
            throw XSigError(.invalidArgument, "Base64 length \(chars.count) is not valid (truncated?)")
        }
        var out = [UInt8]()
        out.reserveCapacity(end * 3 / 4)
        var accumulator: UInt32 = 0
        var bits = 0
        var sawStandard = false
        var sawURL = false
        for (position, c) in chars[0..<end].enumerated() {
            let v: UInt8
            switch c {
            case UInt8(ascii: "A")...UInt8(ascii: "Z"): v = c - UInt8(ascii: "A")
            case UInt8(ascii: "a")...UInt8(ascii: "z"): v = c - UInt8(ascii: "a") + 26
            case UInt8(ascii: "0")...UInt8(ascii: "9"): v = c - UInt8(ascii: "0") + 52
            case UInt8(ascii: "+"): v = 62; sawStandard = true
            case UInt8(ascii: "/"): v = 63; sawStandard = true
            case UInt8(ascii: "-"): v = 62; sawURL = true
            case UInt8(ascii: "_"): v = 63; sawURL = true
            default:
                throw XSigError(.invalidArgument, "invalid Base64 character at position \(position + 1)")
            }
            accumulator = accumulator << 6 | UInt32(v)
            bits += 6
            if bits >= 8 {
                bits -= 8
                out.append(UInt8(truncatingIfNeeded: accumulator >> UInt32(bits)))
            }
        }
        guard !(sawStandard && sawURL) else {
            throw XSigError(.invalidArgument, "Base64 mixes the standard and URL-safe alphabets")
        }
        return out
    }
}
