import XSignature

/// Reads ``VerifiableRecord``s from a batch output file with bounded memory, through the same
/// readers as `xsig batch` input (``LineReader``, ``CSVRowReader``, ``JSONLineParser``): lines
/// are numbered physically, invalid UTF-8 and broken rows are malformed records that name their
/// line, and reading goes on after them.
///
/// Every `xsig batch --format` is read, detected from the first non-blank line:
/// - `{` starts NDJSON (one JSON object per line);
/// - `Host:` starts header blocks (`--format headers`), `METHOD http(s)://...` vegeta targets;
///   each block's `X-signature` line is its signature (``HeaderBlockRecords``);
/// - otherwise CSV: with a header row naming the columns (`index`, `session_token`, `timestamp`,
///   `nonce`, `signature`; only `signature` is required, the order is free, unknown columns are
///   ignored, and a repeat of the header row, as `cat` of shard files gives, is skipped), or
///   without one (a shard written with `--csv-header first`): rows of exactly the batch's
///   columns, ``BatchOutputFormatter/csvColumns``, recognised by a first row whose index is digits.
public final class VerifiableRecordReader {
    public enum Format: String, Sendable, CaseIterable { case ndjson, csv, vegeta, headers }

    /// An NDJSON line (or a CSV record) longer than this is one malformed record; its octets are
    /// dropped as they arrive instead of being held.
    public static let maximumRecordBytes = CSVRowReader.maximumRecordBytes

    public private(set) var format: Format?
    private let lines: LineReader
    private var columns: [String: Int]?
    /// The header row's fields, to skip its repeats; nil for a headerless CSV.
    private var headerRow: [String]?
    /// A headerless CSV's first row, read while looking for a header.
    private var pendingRow: CSVRowReader.Row?
    /// 0-based position of the next record, its index when it has none of its own.
    private var position: UInt64 = 0

    /// - Parameter format: nil to detect it from the first non-blank line.
    public init(source: any BatchByteSource, format: Format? = nil) {
        lines = LineReader(source: source, maximumLineBytes: Self.maximumRecordBytes)
        self.format = format
    }

    /// Input bytes consumed so far, for progress.
    public var bytesConsumed: UInt64 { lines.bytesConsumed }

    /// The next record, nil at the end. Throws only for a file that is not a batch output at all
    /// (a CSV header without a signature column) or that cannot be read.
    public func next() throws -> VerifiableRecord? {
        if format == nil {
            guard try detect() else { return nil }
        }
        switch format! {
        case .ndjson: return try nextJSONRecord()
        case .csv: return try nextCSVRecord()
        case .vegeta, .headers: return try nextBlockRecord()
        }
    }

    /// Peeks at the first non-blank line; false when there is none.
    private func detect() throws -> Bool {
        while let line = try lines.next() {
            if line.overlong {
                format = .ndjson
            } else if let first = line.bytes.first(where: { $0 != 0x20 && $0 != 0x09 }) {
                if first == UInt8(ascii: "{") {
                    format = .ndjson
                } else if HeaderBlockRecords.isRequestLine(line.bytes) {
                    format = .vegeta
                } else if let (name, _) = HeaderBlockRecords.header(line.bytes), name.lowercased() == "host" {
                    format = .headers
                } else {
                    format = .csv
                }
            } else {
                continue
            }
            lines.pushBack()
            return true
        }
        return false
    }

    private func malformed(line: Int) -> VerifiableRecord {
        defer { position += 1 }
        return VerifiableRecord(index: position, line: line, isMalformed: true)
    }

    // MARK: - NDJSON

    private func nextJSONRecord() throws -> VerifiableRecord? {
        while let line = try lines.next() {
            if line.overlong { return malformed(line: line.number) }
            if line.bytes.allSatisfy({ $0 == 0x20 || $0 == 0x09 }) { continue }
            guard let record = Self.jsonRecord(line.bytes, line: line.number, position: position) else {
                return malformed(line: line.number)
            }
            position += 1
            return record
        }
        return nil
    }

    private static let jsonFields: Set<String> = ["index", "session_token", "timestamp", "nonce", "signature"]

    /// nil when the line is not a JSON object with members of the right types.
    private static func jsonRecord(_ bytes: UnsafeRawBufferPointer, line: Int, position: UInt64) -> VerifiableRecord? {
        var parser = JSONLineParser(bytes: bytes)
        var record = VerifiableRecord(index: position, line: line)
        struct WrongType: Error {}
        do {
            try parser.object(isWanted: jsonFields.contains) { key, parser in
                switch key {
                case "index":
                    if try parser.literal("null") { return }
                    guard let text = try parser.numberText(), let index = UInt64(text) else { throw WrongType() }
                    record.index = index
                case "timestamp":
                    // The batch writes the timestamp as a string; a bare number is accepted too.
                    if let text = try parser.numberText() {
                        guard let value = UInt64(text) else { throw WrongType() }
                        record.timestamp = String(value)
                    } else {
                        record.timestamp = try parser.stringOrNull(field: key)
                    }
                case "session_token": record.sessionToken = try parser.stringOrNull(field: key)
                case "nonce": record.nonce = try parser.stringOrNull(field: key)
                default: record.signature = try parser.stringOrNull(field: key)
                }
            }
        } catch {
            return nil
        }
        return record
    }

    // MARK: - vegeta targets and header blocks

    private func nextBlockRecord() throws -> VerifiableRecord? {
        guard let record = try HeaderBlockRecords.next(lines, requestLine: format == .vegeta, position: position,
                                                       maximumBytes: Self.maximumRecordBytes) else { return nil }
        position += 1
        return record
    }

    // MARK: - CSV

    private func nextCSVRecord() throws -> VerifiableRecord? {
        if columns == nil { try readHeader() }
        while true {
            let next: Result<CSVRowReader.Row, BatchRecordError>?
            if let row = pendingRow {
                next = .success(row)
                pendingRow = nil
            } else {
                next = try CSVRowReader.next(lines, overlong: .skip)
            }
            guard let columns, let next else { return nil }
            let row: CSVRowReader.Row
            switch next {
            case let .failure(error): return malformed(line: error.line)
            case let .success(value): row = value
            }
            if let headerRow, row.fields == headerRow { continue }
            let complete = headerRow == nil ? row.fields.count == Self.batchColumns.count : row.fields.count >= columns.values.max()! + 1
            guard complete else { return malformed(line: row.line) }
            func field(_ name: String) -> String? { columns[name].map { row.fields[$0] } }
            var index = position
            if let text = field("index"), !text.isEmpty {
                guard let value = UInt64(text) else { return malformed(line: row.line) }
                index = value
            }
            position += 1
            return VerifiableRecord(index: index, sessionToken: field("session_token"), timestamp: field("timestamp"),
                                    nonce: field("nonce"), signature: field("signature"), line: row.line)
        }
    }

    /// The columns `xsig batch --format csv` writes, by position, for a file without a header row.
    private static let batchColumns = BatchOutputFormatter.csvColumns
    private static let positional: [String: Int] = Dictionary(uniqueKeysWithValues: batchColumns.enumerated().map { ($1, $0) })

    private func readHeader() throws {
        guard let header = try CSVRowReader.next(lines, overlong: .skip) else {
            throw XSigError(.invalidInput, "CSV input has no header row")
        }
        let row: CSVRowReader.Row
        switch header {
        case let .failure(error): throw XSigError(.invalidInput, "CSV header row (line \(error.line)): \(error.message)")
        case let .success(value): row = value
        }
        var named: [String: Int] = [:]
        for (i, name) in row.fields.enumerated() {
            let trimmed = String(name.drop(while: { $0 == " " }).reversed().drop(while: { $0 == " " }).reversed())
            if named[trimmed] == nil { named[trimmed] = i }
        }
        if named["signature"] != nil {
            columns = named
            headerRow = row.fields
            return
        }
        // No header row: a shard written with --csv-header first starts with a record.
        if row.fields.count == Self.batchColumns.count, let first = row.fields.first, !first.isEmpty,
           first.utf8.allSatisfy({ (0x30...0x39).contains($0) }) {
            columns = Self.positional
            pendingRow = row
            return
        }
        throw XSigError(.invalidInput,
            "line \(row.line): not a batch output: a CSV header row needs a signature column, a CSV without one needs the \(Self.batchColumns.count) columns of xsig batch --format csv (index first); NDJSON starts with {, vegeta targets with GET https://..., header blocks with Host:")
    }
}
