import XSignature
/// Anything that hands the batch engine its records one at a time, in input order.
/// A class so that the engine's reader thread can own it.
public protocol BatchRecordSource: AnyObject {
    /// The next record; a malformed one comes back as `.failure` (its `index` is filled in by
    /// the engine). nil at the end. Throws only when the input as a whole cannot be read on.
    func nextRecord() throws -> Result<BatchRecord, BatchRecordError>?

    /// The request fields every record can carry (CSV header columns), read before the first
    /// record; nil when unknown in advance (NDJSON, a Swift sequence).
    func providedHeaderFields() throws -> Set<LogoutHeaderField>?

    /// Input bytes consumed so far and the total when known, for progress.
    var bytesConsumed: UInt64 { get }

    /// False when ``nextRecord()`` might wait for input that has not arrived (a quiet pipe):
    /// a streaming batch then signs and writes what it holds instead of waiting.
    var nextRecordIsReady: Bool { get }
}

extension BatchRecordSource {
    public func providedHeaderFields() throws -> Set<LogoutHeaderField>? { nil }
    public var bytesConsumed: UInt64 { 0 }
    public var nextRecordIsReady: Bool { true }
}

/// The input formats of `xsig batch`.
public enum BatchInputFormat: String, CaseIterable, Sendable {
    /// One session token per line.
    case text
    /// RFC 4180 with a header row naming `session_token` and optional `timestamp`, `nonce` and
    /// request-field columns.
    case csv
    /// One JSON object per line with the same field names.
    case ndjson

    /// The format an input file's extension announces, if any.
    public static func fromExtension(of path: String) -> BatchInputFormat? {
        guard let dot = path.lastIndex(of: "."), !path[dot...].contains("/") else { return nil }
        switch path[path.index(after: dot)...].lowercased() {
        case "csv": return .csv
        case "ndjson", "jsonl", "json": return .ndjson
        case "txt", "text", "tokens", "lst": return .text
        default: return nil
        }
    }

    /// The format a first line looks like: a JSON object is NDJSON, a CSV row naming
    /// `session_token` is a CSV header, anything else is a token.
    public static func sniff(firstLine: UnsafeRawBufferPointer) -> BatchInputFormat {
        var i = 0
        while i < firstLine.count, firstLine[i] == 0x20 || firstLine[i] == 0x09 { i += 1 }
        if i < firstLine.count, firstLine[i] == UInt8(ascii: "{") { return .ndjson }
        let needle = Array("session_token".utf8)
        var field: [UInt8] = []
        func trim() {
            while field.last == 0x20 || field.last == 0x09 { field.removeLast() }
            while field.first == 0x20 || field.first == 0x09 { field.removeFirst() }
        }
        for j in 0...firstLine.count {
            if j == firstLine.count || firstLine[j] == UInt8(ascii: ",") {
                trim()
                if field.count >= 2, field.first == UInt8(ascii: "\""), field.last == UInt8(ascii: "\"") {
                    field = Array(field.dropFirst().dropLast())
                    trim()
                }
                if field == needle { return .csv }
                field.removeAll(keepingCapacity: true)
            } else {
                field.append(firstLine[j])
            }
        }
        return .text
    }
}

/// Streams the records of a text, CSV or NDJSON input with bounded memory, detecting the
/// format when asked (from the file name's extension, else from the first line).
///
/// Blank lines: in text input an empty line is a record whose token is empty (an error record,
/// since every line is meant to be a token); CSV and NDJSON skip blank lines, as their usual
/// readers do.
public final class BatchInputReader: BatchRecordSource {
    /// The format in use; settled by the first read when auto-detecting.
    public private(set) var format: BatchInputFormat?
    private let lines: LineReader
    private var csv: BatchCSVReader?
    private var detected = false
    /// Line numbers of blank lines read while detecting a text input, still to be reported.
    private var pendingBlankLines: [Int] = []

    /// - Parameters:
    ///   - format: nil to auto-detect.
    ///   - path: the input's name, for extension-based detection (nil for stdin and memory).
    public init(source: any BatchByteSource, format: BatchInputFormat? = nil, path: String? = nil,
                maximumLineBytes: Int = 1 << 20) {
        self.lines = LineReader(source: source, maximumLineBytes: maximumLineBytes)
        self.format = format ?? path.flatMap(BatchInputFormat.fromExtension(of:))
    }

    public var bytesConsumed: UInt64 { lines.bytesConsumed }

    /// A CSV record that runs over several lines may still wait after its first line: the
    /// records before it have gone out by then.
    public var nextRecordIsReady: Bool { !pendingBlankLines.isEmpty || lines.hasLineReady }

    public func providedHeaderFields() throws -> Set<LogoutHeaderField>? {
        try detect()
        switch format! {
        case .text: return []
        case .ndjson: return nil
        case .csv: return try csvReader().headerFields
        }
    }

    public func nextRecord() throws -> Result<BatchRecord, BatchRecordError>? {
        try detect()
        switch format! {
        case .text:
            if !pendingBlankLines.isEmpty {
                return .success(BatchRecord(sessionToken: "", line: pendingBlankLines.removeFirst()))
            }
            guard let line = try lines.next() else { return nil }
            if line.overlong { return .failure(Self.error(line.number, "line is over \(lines.maximumLineBytes) bytes")) }
            do {
                return .success(BatchRecord(sessionToken: try SignaturePayload.decodeToken(line.bytes), line: line.number))
            } catch let error as XSigError {
                return .failure(Self.error(line.number, error.message))
            }
        case .ndjson:
            while let line = try lines.next() {
                if line.overlong { return .failure(Self.error(line.number, "line is over \(lines.maximumLineBytes) bytes")) }
                if line.bytes.allSatisfy({ $0 == 0x20 || $0 == 0x09 }) { continue }
                return BatchNDJSONRecord.parse(line.bytes).mapError { Self.error(line.number, $0.message) }.map {
                    var record = $0
                    record.line = line.number
                    return record
                }
            }
            return nil
        case .csv:
            return try csvReader().nextRecord()
        }
    }

    /// Counts the records of an input without signing (the first pass of `--shard`):
    /// malformed records count too, as they do in the real run.
    public func countRemainingRecords() throws -> UInt64 {
        var count: UInt64 = 0
        while try nextRecord() != nil { count += 1 }
        return count
    }

    private func detect() throws {
        guard !detected else { return }
        detected = true
        if format != nil { return }
        // Peek at the first non-blank line, then let the parser read everything from the start.
        var skipped = 0
        while let line = try lines.next() {
            if line.overlong || !line.bytes.allSatisfy({ $0 == 0x20 || $0 == 0x09 }) {
                format = line.overlong ? .text : BatchInputFormat.sniff(firstLine: line.bytes)
                lines.pushBack()
                // The peek swallowed the leading blank lines; in text input they are records.
                if format == .text { pendingBlankLines = skipped > 0 ? Array(1...skipped) : [] }
                return
            }
            skipped += 1
        }
        format = .text
        pendingBlankLines = skipped > 0 ? Array(1...skipped) : []
    }

    private func csvReader() throws -> BatchCSVReader {
        if let csv { return csv }
        let reader = try BatchCSVReader(lines: lines)
        csv = reader
        return reader
    }

    static func error(_ line: Int, _ message: String) -> BatchRecordError {
        BatchRecordError(index: 0, line: line, message: message)
    }
}
