import FuzzSupport
import XSigBatch
import XSignature

/// The batch input reader of `xsig batch` (text, CSV, NDJSON, auto-detected) and the record reader
/// of `xsig verify --input` (NDJSON, CSV).
///
/// Input: byte 0 picks the format (auto, text, csv, ndjson), byte 1 the line limit (16...1036,
/// small so that overlong lines are reached), byte 2 a chunk split for the verify reader; the rest
/// is the file.
///
/// Invariants, batch: errors are XSigErrors; every record and record error carries a line number
/// >= 1, strictly increasing; in text format there is exactly one record (or record error) per
/// input line: no line is lost or invented. Verify: the records do not depend on how the input is
/// split into chunks; their lines are >= 1 and non-decreasing.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzz(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    var cursor = ByteCursor(Array(UnsafeBufferPointer(start: data, count: size)))
    let formats: [BatchInputFormat?] = [nil, .text, .csv, .ndjson]
    let format = formats[Int(cursor.next() & 3)]
    let maximumLine = 16 + Int(cursor.next()) * 4
    let split = Int(cursor.next())
    let body = cursor.rest
    checkBatch(body, format: format, maximumLine: maximumLine)
    checkVerify(body, split: split)
    return 0
}

/// Physical lines as LineReader defines them: LF-terminated, a trailing unterminated line if
/// non-empty, a leading UTF-8 BOM dropped.
func physicalLines(_ bytes: [UInt8]) -> Int {
    var bytes = bytes[...]
    if bytes.starts(with: [0xEF, 0xBB, 0xBF]) { bytes = bytes.dropFirst(3) }
    let newlines = bytes.reduce(0) { $0 + ($1 == 0x0A ? 1 : 0) }
    return newlines + (bytes.last.map { $0 != 0x0A } ?? false ? 1 : 0)
}

func checkBatch(_ body: [UInt8], format: BatchInputFormat?, maximumLine: Int) {
    let reader = BatchInputReader(source: MemoryByteSource(body), format: format, maximumLineBytes: maximumLine)
    let lines = physicalLines(body)
    var count = 0
    var lastLine = 0
    while true {
        let next: Result<BatchRecord, BatchRecordError>?
        do { next = try reader.nextRecord() } catch {
            requireXSigError(error, "batch \(String(describing: reader.format))")
            require(reader.format == .csv, "only CSV stops the whole input (header, record over the limit); format \(String(describing: reader.format))")
            return
        }
        guard let next else { break }
        count += 1
        let line: Int
        switch next {
        case let .success(record): line = record.line
        case let .failure(error):
            line = error.line
            require(!error.message.isEmpty, "record error without a message")
        }
        require(line >= 1 && line <= max(lines, 1), "line \(line) outside 1...\(lines)")
        require(line > lastLine, "line numbers not increasing: \(lastLine) then \(line)")
        lastLine = line
        require(count <= lines, "more records (\(count)) than lines (\(lines))")
    }
    if reader.format == .text {
        require(count == lines, "text input: \(count) records for \(lines) lines")
    }
}

/// The verify reader over reads of at most `readSize` octets.
func readAll(_ body: [UInt8], readSize: Int) -> Result<[VerifiableRecord], XSigError> {
    let reader = VerifiableRecordReader(source: MemoryByteSource(body, readSize: readSize))
    var records: [VerifiableRecord] = []
    do {
        while let record = try reader.next() { records.append(record) }
    } catch let error as XSigError {
        return .failure(error)
    } catch {
        require(false, "verify reader threw \(type(of: error))")
    }
    return .success(records)
}

func checkVerify(_ body: [UInt8], split: Int) {
    let whole = readAll(body, readSize: max(1, body.count))
    let cut = body.isEmpty ? 1 : max(1, split % (body.count + 1))
    let two = readAll(body, readSize: cut)
    let bytewise = body.count <= 512 ? readAll(body, readSize: 1) : whole
    switch (whole, two, bytewise) {
    case let (.success(a), .success(b), .success(c)):
        require(a == b, "verify records depend on the chunk split at \(cut)")
        require(a == c, "verify records differ when fed byte by byte")
        var last = 0
        for record in a {
            require(record.line >= 1, "verify record line \(record.line)")
            require(record.line >= last, "verify record lines decrease: \(last) then \(record.line)")
            last = record.line
        }
    case let (.failure(a), .failure(b), .failure(c)):
        require(a.code == b.code && a.code == c.code, "verify errors differ by chunking")
    default:
        require(false, "verify reader succeeds or fails depending on the chunk split at \(cut)")
    }
}

/// The entry point SwiftPM's debug link expects (see FuzzSupport.runFuzzer).
@_cdecl("FuzzBatchReader_main")
public func FuzzBatchReaderMain(_ argc: CInt, _ argv: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>?) -> CInt {
    runFuzzer(argc, argv) { data, size in fuzz(data ?? UnsafePointer(bitPattern: 1)!, size) }
}
