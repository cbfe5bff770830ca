import FoundationEssentials

/// Epoch-millisecond timestamps as the server-date API hands them out.
public enum Timestamp {
    /// Parses a non-negative integer of milliseconds (decimal digits only, fits in 64 bits).
    public static func parse(_ text: String) throws -> UInt64 {
        guard !text.isEmpty else { throw XSigError(.invalidInput, "timestamp is empty") }
        guard text.utf8.allSatisfy({ (0x30...0x39).contains($0) }) else {
            throw XSigError(.invalidInput, "timestamp must be a non-negative integer of epoch milliseconds (digits only)")
        }
        guard let value = UInt64(text) else {
            throw XSigError(.invalidInput, "timestamp has \(text.count) digits and does not fit in 64 bits")
        }
        return value
    }

    /// Reads the body of `GET /api/v2/sdk/server-date`, `{"timestamp":"1628496895102"}`
    /// (the timestamp is a string of digits; a bare JSON number is accepted too).
    public static func parseServerDate(_ body: [UInt8]) throws -> UInt64 {
        struct Body: Decodable {
            let timestamp: Value
            enum Value: Decodable {
                case string(String), number(UInt64)
                init(from decoder: Decoder) throws {
                    let c = try decoder.singleValueContainer()
                    if let s = try? c.decode(String.self) { self = .string(s) } else { self = .number(try c.decode(UInt64.self)) }
                }
            }
        }
        let decoded: Body
        do {
            decoded = try JSONDecoder().decode(Body.self, from: Data(body))
        } catch {
            throw XSigError(.invalidInput, "server-time body is not JSON of the form {\"timestamp\":\"<epoch ms>\"}")
        }
        switch decoded.timestamp {
        case let .string(s): return try parse(s)
        case let .number(n): return n
        }
    }

    /// The current time in epoch milliseconds.
    public static func now() -> UInt64 {
        let seconds = Date().timeIntervalSince1970
        return UInt64(seconds * 1000)
    }
}
