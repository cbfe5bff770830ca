import XSignature
/// A push parser for CSV as RFC 4180 defines it: fields separated by commas, records by CRLF
/// (a bare LF is accepted too), a field in double quotes may hold commas, line breaks and quotes
/// written twice (""). Bytes go in as they are read; whole rows come out, so a quoted field may
/// span any number of input chunks and lines.
///
/// A row that breaks the grammar (a quote inside an unquoted field, text after a closing quote,
/// end of input inside quotes) is returned marked malformed rather than stopping the stream.
struct RFC4180Parser {
    /// A row longer than this (all its octets, separators included) is returned malformed with
    /// its content dropped, so that a quote left open cannot pull the rest of a huge file into
    /// memory.
    static let maximumRowBytes = 1 << 20

    struct Row: Sendable {
        var fields: [String]
        var isMalformed: Bool
        /// 1-based line where the row starts.
        var line: Int
    }

    private enum State { case fieldStart, unquoted, quoted, quoteInQuoted, afterCarriageReturn }

    private var state = State.fieldStart
    private var field: [UInt8] = []
    private var fields: [String] = []
    private var malformed = false
    private var line = 1
    private var rowLine = 1
    private var rowHasContent = false
    private var rowBytes = 0

    mutating func feed(_ bytes: UnsafeRawBufferPointer, into rows: inout [Row]) {
        guard let base = bytes.baseAddress else { return }
        var i = 0
        while i < bytes.count {
            if rowBytes > Self.maximumRowBytes && (state == .quoted || state == .unquoted) {
                // Dropping an overlong row: skip the octets that cannot change the state in a
                // tight loop (a byte-wise consume() takes minutes on a 100 MB line in debug builds).
                let start = i
                if state == .quoted {
                    while i < bytes.count, base.load(fromByteOffset: i, as: UInt8.self) != 0x22 {
                        if base.load(fromByteOffset: i, as: UInt8.self) == 0x0a { line += 1 }
                        i += 1
                    }
                } else {
                    while i < bytes.count {
                        let byte = base.load(fromByteOffset: i, as: UInt8.self)
                        if byte == 0x22 || byte == 0x2c || byte == 0x0a || byte == 0x0d { break }
                        i += 1
                    }
                }
                rowBytes += i - start
                if i == bytes.count { break }
            }
            consume(base.load(fromByteOffset: i, as: UInt8.self), into: &rows)
            i += 1
        }
    }

    /// Ends the input: the last row, if the file does not end with a line break.
    mutating func finish(into rows: inout [Row]) {
        if state == .quoted { malformed = true }
        if rowHasContent || !fields.isEmpty || !field.isEmpty { endRow(into: &rows) }
        state = .fieldStart
    }

    private mutating func consume(_ byte: UInt8, into rows: inout [Row]) {
        let quote = UInt8(ascii: "\""), comma = UInt8(ascii: ","), cr = UInt8(ascii: "\r"), lf = UInt8(ascii: "\n")
        if byte == lf { line += 1 }
        rowBytes += 1
        if rowBytes > Self.maximumRowBytes && !malformed {
            malformed = true
            field.removeAll()
            fields.removeAll()
        }
        switch state {
        case .afterCarriageReturn:
            state = .fieldStart
            if byte == lf { return }
            consume(byte, into: &rows)
        case .fieldStart, .unquoted:
            switch byte {
            case quote where state == .fieldStart:
                state = .quoted
                rowHasContent = true
            case quote:
                malformed = true
                append(byte)
            case comma:
                endField()
                state = .fieldStart
            case cr:
                endRow(into: &rows)
                state = .afterCarriageReturn
            case lf:
                endRow(into: &rows)
                state = .fieldStart
            default:
                append(byte)
                rowHasContent = true
                state = .unquoted
            }
        case .quoted:
            if byte == quote { state = .quoteInQuoted } else { append(byte) }
        case .quoteInQuoted:
            switch byte {
            case quote:
                append(quote)
                state = .quoted
            case comma:
                endField()
                state = .fieldStart
            case cr:
                endRow(into: &rows)
                state = .afterCarriageReturn
            case lf:
                endRow(into: &rows)
                state = .fieldStart
            default:
                malformed = true
                append(byte)
                state = .unquoted
            }
        }
    }

    private mutating func append(_ byte: UInt8) {
        if rowBytes <= Self.maximumRowBytes { field.append(byte) }
    }

    private mutating func endField() {
        if rowBytes > Self.maximumRowBytes {
            // Over the limit: the row is malformed already; keep no content.
            field.removeAll(keepingCapacity: false)
            rowHasContent = true
            return
        }
        fields.append(String(decoding: field, as: UTF8.self))
        field.removeAll(keepingCapacity: true)
        rowHasContent = true
    }

    private mutating func endRow(into rows: inout [Row]) {
        // A line break right after another one is an empty line, not a record: skip it.
        if rowHasContent || !field.isEmpty || !fields.isEmpty {
            endField()
            rows.append(Row(fields: fields, isMalformed: malformed, line: rowLine))
        }
        fields.removeAll(keepingCapacity: rowBytes <= Self.maximumRowBytes)
        rowBytes = 0
        malformed = false
        rowHasContent = false
        rowLine = line
    }
}
