import FoundationEssentials

/// Epoch-millisecond timestamps as the server-date API hands them out.
public enum Timestamp {
    /// Parses a non-negative integer of milliseconds (decimal digits only, fits in 64 bits).
    /// `alternatives`: the words the caller also takes in place of a number (`now`, `clock`), named
    /// in the message for text that is not digits.
    public static func parse(_ text: String, alternatives: [String] = []) throws -> UInt64 {
        guard !text.isEmpty else { throw XSigError(.invalidInput, "timestamp is empty") }
        guard text.utf8.allSatisfy({ (0x30...0x39).contains($0) }) else {
            let words = alternatives.count < 2 ? alternatives.map { "or " + $0 }.joined()
                : alternatives.dropLast().joined(separator: ", ") + " or " + alternatives.last!
            throw XSigError(.invalidInput, "timestamp must be a non-negative integer of epoch milliseconds (digits only)" + (words.isEmpty ? "" : ", " + words))
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

    /// 10^11 ms is 1973-03-03, while epoch *seconds* stay under 10^11 until the year 5138: a value
    /// below it is a timestamp in seconds given where milliseconds belong (the server-date API
    /// answers `1628496895102`; `1628496895` is the same instant in seconds).
    public static let secondsThreshold: UInt64 = 100_000_000_000

    /// How old a server-date body may be before it is worth a warning: servers commonly reject
    /// timestamps more than about five minutes from their clock, so an hour is surely stale.
    public static let staleServerTimeMilliseconds: UInt64 = 3_600_000

    /// The warning for a timestamp that looks like seconds, or nil.
    public static func secondsWarning(_ milliseconds: UInt64) -> String? {
        guard milliseconds < secondsThreshold else { return nil }
        return "timestamp \(milliseconds) is under 10^11 and looks like epoch seconds; X-signatures carry epoch milliseconds (13 digits today, e.g. \(milliseconds) s = \(milliseconds &* 1000) ms)"
    }

    /// The warning for a server-date body older than ``staleServerTimeMilliseconds`` by `now`, or nil.
    public static func staleWarning(serverTime: UInt64, now: UInt64) -> String? {
        guard now > serverTime, now - serverTime > staleServerTimeMilliseconds else { return nil }
        return "the server time is \(age(now - serverTime)) older than the local clock; servers reject stale timestamps, so fetch GET /api/v2/sdk/server-date again just before signing"
    }

    /// 90 minutes -> "1 h 30 min"; 3 days -> "3 days".
    static func age(_ milliseconds: UInt64) -> String {
        let minutes = milliseconds / 60_000
        if minutes >= 48 * 60 { return "\(minutes / (24 * 60)) days" }
        return "\(minutes / 60) h \(minutes % 60) min"
    }

    /// The current time in epoch milliseconds.
    public static func now() -> UInt64 {
        let seconds = Date().timeIntervalSince1970
        return UInt64(seconds * 1000)
    }
}
