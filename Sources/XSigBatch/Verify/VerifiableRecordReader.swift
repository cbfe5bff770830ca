import FoundationEssentials
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import XSignature

/// Reads ``VerifiableRecord``s from a batch output file fed in chunks (streaming: memory holds one
/// chunk and the records not yet taken). The format is detected from the first non-blank octet:
/// `{` starts NDJSON (one JSON object per line), anything else CSV with a header row naming the
/// columns (`index`, `session_token`, `timestamp`, `nonce`, `signature`, `headers`; only
/// `signature` is required, the order is free, unknown columns are ignored).
public struct VerifiableRecordReader {
    public enum Format: String, Sendable { case ndjson, csv }

    /// An NDJSON line (or a CSV row) longer than this is one malformed record; its octets are
    /// dropped as they arrive instead of being held.
    public static let maximumRecordBytes = 1 << 20

    public private(set) var format: Format?
    private var pendingLine: [UInt8] = []
    /// The line being read is over ``maximumRecordBytes``; its octets are being dropped.
    private var pendingOverlong = false
    private var lineNumber = 0
    private var position: UInt64 = 0
    private var csv = RFC4180Parser()
    private var columns: [String: Int]?
    private var rows: [RFC4180Parser.Row] = []

    public init() {}

    /// Records completed by these octets. Throws only for a file that is not a batch output at
    /// all (a CSV header without a signature column); bad records come back marked malformed.
    public mutating func feed(_ bytes: UnsafeRawBufferPointer) throws -> [VerifiableRecord] {
        var rest = bytes
        if format == nil {
            guard let first = rest.firstIndex(where: { !($0 == 0x20 || $0 == 0x09 || $0 == 0x0a || $0 == 0x0d || $0 == 0xef || $0 == 0xbb || $0 == 0xbf) }) else {
                // Only blank octets so far; keep them for the line count.
                lineNumber += rest.filter { $0 == 0x0a }.count
                return []
            }
            format = rest[first] == UInt8(ascii: "{") ? .ndjson : .csv
            // Skip the leading blank lines and BOM (so that a CSV header is the first row), for
            // NDJSON too: earlier chunks of only such octets were dropped above, so the records
            // must not depend on where the input was split into chunks (found by fuzzing).
            lineNumber += rest[..<first].filter { $0 == 0x0a }.count
            rest = UnsafeRawBufferPointer(rebasing: rest[first...])
        }
        switch format! {
        case .ndjson: return feedLines(rest)
        case .csv:
            csv.feed(rest, into: &rows)
            return try takeRows()
        }
    }

    /// The records left at the end of the input.
    public mutating func finish() throws -> [VerifiableRecord] {
        switch format {
        case nil: return []
        case .ndjson?:
            guard !pendingLine.isEmpty || pendingOverlong else { return [] }
            lineNumber += 1
            defer { pendingLine.removeAll(); pendingOverlong = false }
            if pendingOverlong { return [overlongRecord()] }
            return record(fromLine: pendingLine).map { [$0] } ?? []
        case .csv?:
            csv.finish(into: &rows)
            let records = try takeRows()
            if columns == nil { throw XSigError(.invalidInput, "CSV input has no header row") }
            return records
        }
    }

    // MARK: - NDJSON

    private mutating func feedLines(_ bytes: UnsafeRawBufferPointer) -> [VerifiableRecord] {
        var records: [VerifiableRecord] = []
        var start = bytes.startIndex
        // memchr: a byte-by-byte generic search is far too slow on a 100 MB line in debug builds.
        func newline(from offset: Int) -> Int? {
            guard offset < bytes.endIndex, let base = bytes.baseAddress,
                  let found = memchr(base + offset, 0x0a, bytes.endIndex - offset) else { return nil }
            return bytes.startIndex + (UnsafeRawPointer(found) - base)
        }
        while let newline = newline(from: start) {
            appendPending(bytes[start..<newline])
            lineNumber += 1
            if let record = pendingOverlong ? overlongRecord() : record(fromLine: pendingLine) { records.append(record) }
            pendingLine.removeAll(keepingCapacity: pendingLine.count <= 1 << 16)
            pendingOverlong = false
            start = newline + 1
        }
        appendPending(bytes[start...])
        return records
    }

    private mutating func appendPending(_ bytes: Slice<UnsafeRawBufferPointer>) {
        guard !pendingOverlong else { return }
        if pendingLine.count + bytes.count > Self.maximumRecordBytes {
            pendingOverlong = true
            pendingLine.removeAll()
        } else {
            pendingLine.append(contentsOf: bytes)
        }
    }

    private mutating func overlongRecord() -> VerifiableRecord {
        defer { position += 1 }
        return VerifiableRecord(index: position, line: lineNumber, isMalformed: true)
    }

    private struct JSONRecord: Decodable {
        var index: UInt64?
        var session_token: String?
        var timestamp: Flexible?
        var nonce: String?
        var signature: String?

        /// The batch writes the timestamp as a string; a bare number is accepted too.
        enum Flexible: Decodable {
            case text(String)
            init(from decoder: Decoder) throws {
                let c = try decoder.singleValueContainer()
                if let s = try? c.decode(String.self) { self = .text(s) } else { self = .text(String(try c.decode(UInt64.self))) }
            }
            var string: String { switch self { case let .text(s): return s } }
        }
    }

    /// nil for a blank line.
    private mutating func record(fromLine bytes: [UInt8]) -> VerifiableRecord? {
        var line = bytes
        if line.last == 0x0d { line.removeLast() }
        guard line.contains(where: { $0 != 0x20 && $0 != 0x09 }) else { return nil }
        defer { position += 1 }
        guard let decoded = try? JSONDecoder().decode(JSONRecord.self, from: Data(line)) else {
            return VerifiableRecord(index: position, line: lineNumber, isMalformed: true)
        }
        return VerifiableRecord(index: decoded.index ?? position, sessionToken: decoded.session_token,
                                timestamp: decoded.timestamp?.string, nonce: decoded.nonce,
                                signature: decoded.signature, line: lineNumber)
    }

    // MARK: - CSV

    private mutating func takeRows() throws -> [VerifiableRecord] {
        defer { rows.removeAll(keepingCapacity: true) }
        var records: [VerifiableRecord] = []
        for row in rows {
            guard let columns else {
                var named: [String: Int] = [:]
                for (i, name) in row.fields.enumerated() {
                    let trimmed = String(name.drop(while: { $0 == " " }).reversed().drop(while: { $0 == " " }).reversed())
                    if named[trimmed] == nil { named[trimmed] = i }
                }
                guard named["signature"] != nil else {
                    throw XSigError(.invalidInput, "CSV header (line \(row.line + lineNumber)) has no signature column; expected index, session_token, timestamp, nonce, signature, headers")
                }
                self.columns = named
                continue
            }
            defer { position += 1 }
            let line = row.line + lineNumber
            guard !row.isMalformed, row.fields.count >= columns.values.max()! + 1 else {
                records.append(VerifiableRecord(index: position, line: line, isMalformed: true))
                continue
            }
            func field(_ name: String) -> String? { columns[name].map { row.fields[$0] } }
            let index: UInt64
            if let text = field("index"), !text.isEmpty {
                guard let value = UInt64(text) else {
                    records.append(VerifiableRecord(index: position, line: line, isMalformed: true))
                    continue
                }
                index = value
            } else {
                index = position
            }
            records.append(VerifiableRecord(index: index, sessionToken: field("session_token"), timestamp: field("timestamp"),
                                            nonce: field("nonce"), signature: field("signature"), line: line))
        }
        return records
    }
}
