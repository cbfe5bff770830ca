/// The plaintext of an X-signature:
/// `session_token=<token>&timestamp=<ms>&nonce=<lowercase hex of ms>`
/// (OneAccess SDK APIs, appendix "Signing a Session Token").
public struct SignaturePayload: Sendable, Hashable {
    public let sessionToken: String
    /// Server time in epoch milliseconds (`GET /api/v2/sdk/server-date`).
    public let timestamp: UInt64
    public let nonce: String

    /// Longest session token accepted; real tokens are tens to hundreds of characters.
    public static let maximumTokenLength = 4096

    /// A payload whose nonce defaults to the documented choice, the lowercase hex of the timestamp.
    public init(sessionToken: String, timestamp: UInt64, nonce: String? = nil) throws {
        try Self.validateToken(sessionToken)
        let nonce = nonce ?? Self.nonce(for: timestamp)
        try Self.validateField(nonce, name: "nonce")
        self.sessionToken = sessionToken
        self.timestamp = timestamp
        self.nonce = nonce
    }

    /// The documented nonce: lowercase hexadecimal of the timestamp, no prefix
    /// (1628496895102 -> `17b29fa9c7e`, as Java's `Long.toHexString`).
    public static func nonce(for timestamp: UInt64) -> String { String(timestamp, radix: 16, uppercase: false) }

    /// The exact string that is encrypted.
    public var string: String { "session_token=\(sessionToken)&timestamp=\(timestamp)&nonce=\(nonce)" }

    public var bytes: [UInt8] { Array(string.utf8) }

    /// Writes the payload's octets into `buffer` without building a String; returns the count.
    /// The buffer must hold at least ``byteCount`` octets.
    public func write(into buffer: UnsafeMutableRawBufferPointer) -> Int {
        var o = 0
        func put(_ s: StaticString) {
            s.withUTF8Buffer { for b in $0 { buffer[o] = b; o += 1 } }
        }
        func put(_ s: String) {
            var s = s
            s.withUTF8 { for b in $0 { buffer[o] = b; o += 1 } }
        }
        put("session_token=")
        put(sessionToken)
        put("&timestamp=")
        var digits: (UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8,
                     UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8) =
            (0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0)
        withUnsafeMutableBytes(of: &digits) { d in
            var t = timestamp
            var n = 0
            repeat {
                d[n] = UInt8(ascii: "0") + UInt8(t % 10)
                t /= 10
                n += 1
            } while t > 0
            while n > 0 { n -= 1; buffer[o] = d[n]; o += 1 }
        }
        put("&nonce=")
        put(nonce)
        return o
    }

    public var byteCount: Int { 14 + sessionToken.utf8.count + 11 + Self.decimalDigits(timestamp) + 7 + nonce.utf8.count }

    static func decimalDigits(_ value: UInt64) -> Int {
        var digits = 1, v = value
        while v >= 10 { v /= 10; digits += 1 }
        return digits
    }

    /// A token must be non-empty and free of `&`, whitespace and control characters: any of them
    /// would change how a server splits the payload. The message never repeats the token.
    public static func validateToken(_ token: String) throws {
        guard !token.isEmpty else { throw XSigError(.invalidInput, "session token is empty") }
        guard token.utf8.count <= maximumTokenLength else {
            throw XSigError(.invalidInput, "session token is \(token.utf8.count) bytes, over the \(maximumTokenLength)-byte limit")
        }
        try validateField(token, name: "session token")
    }

    /// A session token given as bytes (a command-line argument, a file, stdin, the environment, a
    /// batch line): refused unless it is valid UTF-8, with one message wherever it comes from, so
    /// that no path silently replaces a bad byte with U+FFFD. The message names the offset only.
    public static func decodeToken(_ bytes: some Collection<UInt8>) throws -> String {
        guard let token = String(validating: bytes, as: UTF8.self) else {
            throw XSigError(.invalidInput, "session token is not valid UTF-8 (first bad byte at offset \(firstInvalidUTF8Offset(bytes)))")
        }
        return token
    }

    /// Offset of the first byte that does not start or continue a valid UTF-8 sequence.
    static func firstInvalidUTF8Offset(_ bytes: some Collection<UInt8>) -> Int {
        let array = Array(bytes)
        var i = 0
        while i < array.count {
            let b = array[i]
            let length = b < 0x80 ? 1 : b >= 0xC2 && b <= 0xDF ? 2 : b >= 0xE0 && b <= 0xEF ? 3 : b >= 0xF0 && b <= 0xF4 ? 4 : 0
            guard length > 0, i + length <= array.count,
                  String(validating: array[i..<(i + length)], as: UTF8.self) != nil else { return i }
            i += length
        }
        return i
    }

    static func validateField(_ value: String, name: String) throws {
        guard !value.isEmpty else { throw XSigError(.invalidInput, "\(name) is empty") }
        // Fast path: printable ASCII without '&' (every real token) needs no scalar walk.
        var value = value
        let plain = value.withUTF8 { bytes in
            var ok = true
            for b in bytes { ok = ok && b > 0x20 && b < 0x7f && b != UInt8(ascii: "&") }
            return ok
        }
        if plain { return }
        for (i, scalar) in value.unicodeScalars.enumerated() {
            let v = scalar.value
            if scalar == "&" {
                throw XSigError(.invalidInput, "\(name) contains '&' at character \(i + 1); it would split the payload")
            }
            if v < 0x20 || v == 0x7f || (0x80..<0xa0).contains(v) {
                throw XSigError(.invalidInput, "\(name) contains a control character (U+\(String(v, radix: 16, uppercase: true))) at character \(i + 1)")
            }
            if v == 0x20 || (v >= 0x80 && scalar.properties.isWhitespace) {  // ASCII: only U+0020 (the rest are controls, refused above)
                throw XSigError(.invalidInput, "\(name) contains whitespace at character \(i + 1)")
            }
        }
    }
}
