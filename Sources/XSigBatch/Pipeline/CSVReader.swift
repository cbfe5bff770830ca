import XSignature
/// RFC 4180 records from a ``LineReader``: comma-separated fields, `"`-quoted fields with `""`
/// for a quote, quoted fields spanning lines (line numbers stay right because every physical
/// line comes through the line reader). The first record is the header row; it must name
/// `session_token` and may name `timestamp`, `nonce` and the request fields (`domain`,
/// `client_id`, `device_fingerprint`, `os_version`, `agent`, `device_ip`, `lang`, `tenant_id`).
/// Other columns are ignored. Empty optional values mean "not set for this record".
///
/// A malformed record (a stray quote, text after a closing quote, a wrong field count) is an
/// error record; reading resumes at the next line. An unterminated quote that reaches the end of
/// the input is one error record. A single record over ``maximumRecordBytes`` stops the input.
final class CSVReader {
    private enum Column {
        case sessionToken, timestamp, nonce, header(LogoutHeaderField), ignored
    }

    static let maximumRecordBytes = 1 << 20

    private let lines: LineReader
    private let columns: [Column]
    let headerFields: Set<LogoutHeaderField>
    /// Column names the reader does not use.
    let ignoredColumns: [String]

    init(lines: LineReader) throws {
        self.lines = lines
        guard let header = try Self.readRecord(lines) else {
            throw XSigError(.invalidInput, "CSV input is empty: it needs a header row naming session_token")
        }
        let names: [String]
        switch header {
        case let .failure(error): throw XSigError(.invalidInput, "CSV header row: \(error)")
        case let .success(row): names = row.fields.map { $0.trimmingSpaces() }
        }
        var seen = Set<String>()
        var columns: [Column] = []
        var ignored: [String] = []
        for name in names {
            guard seen.insert(name).inserted else {
                throw XSigError(.invalidInput, "CSV header row names column '\(name)' twice")
            }
            switch name {
            case "session_token": columns.append(.sessionToken)
            case "timestamp": columns.append(.timestamp)
            case "nonce": columns.append(.nonce)
            default:
                if let field = LogoutHeaderField(column: name) {
                    columns.append(.header(field))
                } else {
                    columns.append(.ignored)
                    ignored.append(name)
                }
            }
        }
        guard seen.contains("session_token") else {
            throw XSigError(.invalidInput, "CSV header row has no session_token column (columns: \(names.joined(separator: ", ")))")
        }
        self.columns = columns
        self.ignoredColumns = ignored
        self.headerFields = Set(columns.compactMap { if case let .header(f) = $0 { return f } else { return nil } })
    }

    func nextRecord() throws -> Result<BatchRecord, BatchRecordError>? {
        guard let row = try Self.readRecord(lines) else { return nil }
        switch row {
        case let .failure(error): return .failure(error)
        case let .success(row):
            guard row.fields.count == columns.count else {
                return .failure(BatchInputReader.error(row.line,
                    "CSV record has \(row.fields.count) field\(row.fields.count == 1 ? "" : "s"); the header row has \(columns.count)"))
            }
            var record = BatchRecord(sessionToken: "", line: row.line)
            for (column, value) in zip(columns, row.fields) {
                switch column {
                case .sessionToken:
                    record.sessionToken = value
                case .timestamp:
                    guard !value.isEmpty else { continue }
                    do { record.timestamp = try Timestamp.parse(value) } catch let error as XSigError {
                        return .failure(BatchInputReader.error(row.line, error.message))
                    }
                case .nonce:
                    if !value.isEmpty { record.nonce = value }
                case let .header(field):
                    guard !value.isEmpty else { continue }
                    do { try LogoutHeaderFields.validate(value, for: field) } catch let error as XSigError {
                        return .failure(BatchInputReader.error(row.line, error.message))
                    }
                    record.headers[field] = value
                case .ignored:
                    continue
                }
            }
            return .success(record)
        }
    }

    struct Row {
        var fields: [String]
        var line: Int
    }

    /// The next record's fields, skipping blank lines; nil at the end of input.
    static func readRecord(_ lines: LineReader) throws -> Result<Row, BatchRecordError>? {
        var line: LineReader.Line
        repeat {
            guard let next = try lines.next() else { return nil }
            line = next
        } while !line.overlong && line.bytes.isEmpty
        let first = line.number
        if line.overlong { return .failure(BatchInputReader.error(first, "line is over \(lines.maximumLineBytes) bytes")) }

        enum State { case fieldStart, unquoted, quoted, quoteInQuoted }
        var state = State.fieldStart
        var fields: [String] = []
        var field: [UInt8] = []
        var total = 0

        func finishField() -> Bool {
            guard let text = String(validating: field, as: UTF8.self) else { return false }
            fields.append(text)
            field.removeAll(keepingCapacity: true)
            return true
        }
        func malformed(_ message: String) -> Result<Row, BatchRecordError> {
            let where_ = line.number == first ? "" : " (on line \(line.number) of a record that starts on line \(first))"
            return .failure(BatchInputReader.error(first, "malformed CSV: \(message)\(where_)"))
        }

        while true {
            for byte in line.bytes {
                switch state {
                case .fieldStart:
                    if byte == UInt8(ascii: "\"") {
                        state = .quoted
                    } else if byte == UInt8(ascii: ",") {
                        guard finishField() else { return malformed("field \(fields.count + 1) is not valid UTF-8") }
                    } else {
                        field.append(byte)
                        state = .unquoted
                    }
                case .unquoted:
                    if byte == UInt8(ascii: ",") {
                        guard finishField() else { return malformed("field \(fields.count + 1) is not valid UTF-8") }
                        state = .fieldStart
                    } else if byte == UInt8(ascii: "\"") {
                        return malformed("a quote inside unquoted field \(fields.count + 1) (quote the whole field and double the quote)")
                    } else {
                        field.append(byte)
                    }
                case .quoted:
                    if byte == UInt8(ascii: "\"") { state = .quoteInQuoted } else { field.append(byte) }
                case .quoteInQuoted:
                    if byte == UInt8(ascii: "\"") {
                        field.append(byte)
                        state = .quoted
                    } else if byte == UInt8(ascii: ",") {
                        guard finishField() else { return malformed("field \(fields.count + 1) is not valid UTF-8") }
                        state = .fieldStart
                    } else {
                        return malformed("text after the closing quote of field \(fields.count + 1)")
                    }
                }
            }
            guard state == .quoted else { break }
            // A quoted field runs on over the line break.
            total += line.bytes.count + 1
            guard total <= maximumRecordBytes else {
                throw XSigError(.invalidInput, "line \(first): CSV record is over \(maximumRecordBytes) bytes; is a quote left open?")
            }
            guard let next = try lines.next() else {
                return .failure(BatchInputReader.error(first, "malformed CSV: quoted field \(fields.count + 1) is not closed before the end of the input"))
            }
            if next.overlong {
                throw XSigError(.invalidInput, "line \(next.number): CSV record is over \(maximumRecordBytes) bytes; is a quote left open?")
            }
            line = next
            field.append(0x0A)
        }
        guard finishField() else { return malformed("field \(fields.count + 1) is not valid UTF-8") }
        return .success(Row(fields: fields, line: first))
    }
}

extension String {
    func trimmingSpaces() -> String {
        var s = Substring(self)
        while s.first == " " || s.first == "\t" { s = s.dropFirst() }
        while s.last == " " || s.last == "\t" { s = s.dropLast() }
        return String(s)
    }
}
