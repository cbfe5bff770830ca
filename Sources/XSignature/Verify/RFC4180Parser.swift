/// A push parser for CSV as RFC 4180 defines it: fields separated by commas, records by CRLF
/// (a bare LF is accepted too), a field in double quotes may hold commas, line breaks and quotes
/// written twice (""). Bytes go in as they are read; whole rows come out, so a quoted field may
/// span any number of input chunks and lines.
///
/// A row that breaks the grammar (a quote inside an unquoted field, text after a closing quote,
/// end of input inside quotes) is returned marked malformed rather than stopping the stream.
struct RFC4180Parser {
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

    mutating func feed(_ bytes: UnsafeRawBufferPointer, into rows: inout [Row]) {
        for byte in bytes { consume(byte, into: &rows) }
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
                field.append(byte)
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
                field.append(byte)
                rowHasContent = true
                state = .unquoted
            }
        case .quoted:
            if byte == quote { state = .quoteInQuoted } else { field.append(byte) }
        case .quoteInQuoted:
            switch byte {
            case quote:
                field.append(quote)
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
                field.append(byte)
                state = .unquoted
            }
        }
    }

    private mutating func endField() {
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
        fields.removeAll(keepingCapacity: true)
        malformed = false
        rowHasContent = false
        rowLine = line
    }
}
