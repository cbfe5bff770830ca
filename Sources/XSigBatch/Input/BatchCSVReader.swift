import XSignature
/// Batch input records from CSV rows (``CSVRowReader``). The first row is the header row; it must name
/// `session_token` and may name `timestamp`, `nonce` and the request fields (`domain`,
/// `client_id`, `device_fingerprint`, `os_version`, `agent`, `device_ip`, `lang`, `tenant_id`).
/// Other columns are ignored. Empty optional values mean "not set for this record".
///
/// A malformed record (a stray quote, text after a closing quote, a wrong field count, invalid
/// UTF-8) is an error record; reading resumes at the next line. An unterminated quote that
/// reaches the end of the input is one error record. A single record over
/// ``CSVRowReader/maximumRecordBytes`` stops the input.
final class BatchCSVReader {
    private enum Column {
        case sessionToken, timestamp, nonce, header(LogoutHeaderField), ignored
    }

    private let lines: LineReader
    private let columns: [Column]
    let headerFields: Set<LogoutHeaderField>
    /// Column names the reader does not use.
    let ignoredColumns: [String]

    init(lines: LineReader) throws {
        self.lines = lines
        guard let header = try CSVRowReader.next(lines, overlong: .stop) else {
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
        let tokenColumn = columns.firstIndex { if case .sessionToken = $0 { return true } else { return false } }
        guard let row = try CSVRowReader.next(lines, overlong: .stop, tokenColumn: tokenColumn) else { return nil }
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
}

extension String {
    func trimmingSpaces() -> String {
        var s = Substring(self)
        while s.first == " " || s.first == "\t" { s = s.dropFirst() }
        while s.last == " " || s.last == "\t" { s = s.dropLast() }
        return String(s)
    }
}
