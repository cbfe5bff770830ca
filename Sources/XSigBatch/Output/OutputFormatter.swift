import XSignature
/// The output formats of `xsig batch`.
public enum BatchOutputFormat: String, CaseIterable, Sendable {
    /// One JSON object per record: index, session_token, timestamp, nonce, signature and, when
    /// the batch has request fields, method, url and headers.
    case ndjson
    /// RFC 4180 CSV with a header row (JMeter's CSV Data Set, k6 with papaparse).
    case csv
    /// vegeta's HTTP targets format: request line, header lines, a blank line.
    case vegeta
    /// One raw HTTP header block per record (Host and the X- headers, CRLF, blank-line terminated).
    case headers

    /// Formats that are the request itself, so every mandatory request field must be given.
    public var needsRequest: Bool { self == .vegeta || self == .headers }
}

/// Turns signed records into output bytes. Every record's text ends with its own terminator
/// and the CSV header row is separate, so the outputs of consecutive shards concatenate into
/// the output of the whole batch when only shard 0 writes the CSV header row (`--csv-header first`).
public struct BatchOutputFormatter: Sendable {
    public let format: BatchOutputFormat
    /// False for the CSV output of shards after the first.
    public let writesCSVHeader: Bool

    /// The CSV columns: the record's fields, then every request field (empty when not set), so
    /// that rows stay rectangular whatever each record overrides.
    public static let csvColumns = ["index", "session_token", "timestamp", "nonce", "signature"]
        + LogoutHeaderField.allCases.map(\.column)

    public init(format: BatchOutputFormat, writesCSVHeader: Bool = true) {
        self.format = format
        self.writesCSVHeader = writesCSVHeader
    }

    /// What comes before the first record (the CSV header row), possibly nothing.
    public func prologue() -> [UInt8] {
        guard format == .csv, writesCSVHeader else { return [] }
        return Array((Self.csvColumns.joined(separator: ",") + "\r\n").utf8)
    }

    /// A rough size of one record's text, for buffer reservations.
    public func estimatedBytes(signatureLength: Int) -> Int {
        switch format {
        case .ndjson, .vegeta, .headers: return 2 * signatureLength + 512
        case .csv: return signatureLength + 256
        }
    }

    /// Appends one record's text, terminator included.
    public func append(_ record: SignedRecord, to out: inout [UInt8]) {
        switch format {
        case .ndjson:
            // The bytes JSONObjectWriter would produce (same field order, same escaping; a test
            // compares them), written straight into the buffer: JSONObjectWriter appends scalar
            // by scalar to a String, which cost a third of the batch's time in profiles.
            appendRaw("{\"index\":", to: &out)
            Self.appendDecimal(record.index, to: &out)
            appendRaw(",\"session_token\":", to: &out)
            JSONObjectWriter.appendQuoted(record.sessionToken, to: &out)
            appendRaw(",\"timestamp\":\"", to: &out)
            Self.appendDecimal(record.timestamp, to: &out)
            appendRaw("\",\"nonce\":", to: &out)
            JSONObjectWriter.appendQuoted(record.nonce, to: &out)
            appendRaw(",\"signature\":", to: &out)
            JSONObjectWriter.appendQuoted(record.signature, to: &out)
            if let request = record.request {
                appendRaw(",\"method\":", to: &out)
                JSONObjectWriter.appendQuoted(request.method, to: &out)
                appendRaw(",\"url\":", to: &out)
                JSONObjectWriter.appendQuoted(request.url, to: &out)
                appendRaw(",\"headers\":{", to: &out)
                for (i, header) in request.headers.enumerated() {
                    if i > 0 { out.append(UInt8(ascii: ",")) }
                    JSONObjectWriter.appendQuoted(header.name, to: &out)
                    out.append(UInt8(ascii: ":"))
                    JSONObjectWriter.appendQuoted(header.value, to: &out)
                }
                out.append(UInt8(ascii: "}"))
            }
            out.append(UInt8(ascii: "}"))
            out.append(0x0A)
        case .csv:
            appendCSV(String(record.index), to: &out)
            for value in [record.sessionToken, String(record.timestamp), record.nonce, record.signature] {
                out.append(UInt8(ascii: ","))
                appendCSV(value, to: &out)
            }
            for field in LogoutHeaderField.allCases {
                out.append(UInt8(ascii: ","))
                if let request = record.request, let value = Self.value(of: field, in: request) { appendCSV(value, to: &out) }
            }
            out.append(0x0D)
            out.append(0x0A)
        case .vegeta:
            // The engine guarantees a request for the request formats.
            guard let request = record.request else { return }
            appendLine(request.method + " " + request.url, terminator: [0x0A], to: &out)
            for header in request.headers { appendLine(header.name + ": " + header.value, terminator: [0x0A], to: &out) }
            out.append(0x0A)
        case .headers:
            guard let request = record.request else { return }
            appendLine("Host: " + request.domain, terminator: [0x0D, 0x0A], to: &out)
            for header in request.headers { appendLine(header.name + ": " + header.value, terminator: [0x0D, 0x0A], to: &out) }
            out.append(0x0D)
            out.append(0x0A)
        }
    }

    /// The whole text of one record as a String (for tests and callers formatting one by one).
    public func text(of record: SignedRecord) -> String {
        var bytes: [UInt8] = []
        append(record, to: &bytes)
        return String(decoding: bytes, as: UTF8.self)
    }

    static func value(of field: LogoutHeaderField, in request: LogoutRequest) -> String? {
        switch field {
        case .domain: return request.domain
        case .clientID: return request.clientID
        case .deviceFingerprint: return request.deviceFingerprint
        case .osVersion: return request.osVersion
        case .agent: return request.agent
        case .deviceIP: return request.deviceIP
        case .language: return request.language
        case .tenantID: return request.tenantID
        }
    }

    /// Decimal digits straight into the buffer (String(n) would build a String per number).
    static func appendDecimal(_ value: UInt64, to out: inout [UInt8]) {
        var digits: (UInt64, UInt64, UInt64) = (0, 0, 0)  // 24 bytes >= the 20 digits of UInt64.max
        withUnsafeMutableBytes(of: &digits) { d in
            var v = value
            var n = 0
            repeat {
                d[23 - n] = UInt8(ascii: "0") + UInt8(v % 10)
                v /= 10
                n += 1
            } while v > 0
            out.append(contentsOf: UnsafeRawBufferPointer(rebasing: d[(24 - n)...]))
        }
    }

    private func appendRaw(_ text: String, to out: inout [UInt8]) {
        var text = text
        text.withUTF8 { out.append(contentsOf: $0) }
    }

    private func appendLine(_ line: String, terminator: [UInt8], to out: inout [UInt8]) {
        var line = line
        line.withUTF8 { out.append(contentsOf: $0) }
        out.append(contentsOf: terminator)
    }

    /// RFC 4180: a field is quoted when it holds a comma, a quote, CR or LF; quotes are doubled.
    private func appendCSV(_ value: String, to out: inout [UInt8]) {
        var value = value
        value.withUTF8 { bytes in
            let needsQuotes = bytes.contains { $0 == UInt8(ascii: ",") || $0 == UInt8(ascii: "\"") || $0 == 0x0A || $0 == 0x0D }
            guard needsQuotes else {
                out.append(contentsOf: bytes)
                return
            }
            out.append(UInt8(ascii: "\""))
            for byte in bytes {
                if byte == UInt8(ascii: "\"") { out.append(byte) }
                out.append(byte)
            }
            out.append(UInt8(ascii: "\""))
        }
    }
}
