import XSignature
/// A JSON value with ordered object members, and the one deterministic text form the vector files
/// are written in: two-space indentation, `"name": value`, members in the order given, non-ASCII
/// written as UTF-8 (not `\u` escapes), `/` not escaped, LF line ends, a final newline.
/// The same value always gives the same bytes, whatever the Foundation version.
public indirect enum VectorJSON: Equatable, Sendable {
    case string(String)
    case integer(Int)
    case unsigned(UInt64)
    case bool(Bool)
    case array([VectorJSON])
    case object([(String, VectorJSON)])

    public static func == (a: VectorJSON, b: VectorJSON) -> Bool { a.text == b.text }

    /// The file text, ending in a newline.
    public var text: String {
        var out = ""
        write(to: &out, indent: 0)
        out += "\n"
        return out
    }

    private func write(to out: inout String, indent: Int) {
        switch self {
        case let .string(value): JSONObjectWriter.appendQuoted(value, to: &out)
        case let .integer(value): out += String(value)
        case let .unsigned(value): out += String(value)
        case let .bool(value): out += value ? "true" : "false"
        case let .array(items):
            guard !items.isEmpty else { out += "[]"; return }
            out += "[\n"
            for (i, item) in items.enumerated() {
                out += String(repeating: " ", count: indent + 2)
                item.write(to: &out, indent: indent + 2)
                out += i + 1 < items.count ? ",\n" : "\n"
            }
            out += String(repeating: " ", count: indent) + "]"
        case let .object(members):
            guard !members.isEmpty else { out += "{}"; return }
            out += "{\n"
            for (i, (name, value)) in members.enumerated() {
                out += String(repeating: " ", count: indent + 2)
                JSONObjectWriter.appendQuoted(name, to: &out)
                out += ": "
                value.write(to: &out, indent: indent + 2)
                out += i + 1 < members.count ? ",\n" : "\n"
            }
            out += String(repeating: " ", count: indent) + "}"
        }
    }
}

/// Builds an ordered JSON object, leaving out members whose value is nil.
struct VectorJSONObject {
    private(set) var members: [(String, VectorJSON)] = []

    mutating func add(_ name: String, _ value: String?) { if let value { members.append((name, .string(value))) } }
    mutating func add(_ name: String, _ value: Int?) { if let value { members.append((name, .integer(value))) } }
    mutating func add(_ name: String, _ value: UInt64?) { if let value { members.append((name, .unsigned(value))) } }
    mutating func add(_ name: String, _ value: [String]?) { if let value { members.append((name, .array(value.map { .string($0) }))) } }
    mutating func add(_ name: String, _ value: VectorJSON?) { if let value { members.append((name, value)) } }

    var json: VectorJSON { .object(members) }
}
