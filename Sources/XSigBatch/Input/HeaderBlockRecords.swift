import XSignature

/// Verifiable records from the request outputs of `xsig batch`: `--format vegeta` (a request
/// line `METHOD URL`, then `Name: value` lines, a blank line after each target) and
/// `--format headers` (`Host:` and the X- lines, CRLF, a blank line after each block). A block's
/// signature is its `X-signature` line (the name in any case); such a record claims no token,
/// timestamp or nonce, so the signature and its payload rules are what is checked.
enum HeaderBlockRecords {
    /// The whole block is read, whatever is wrong with it, so that the next record starts at
    /// the next block: a bad line makes the record malformed, no `X-signature` line makes it
    /// `missing_signature`.
    static func next(_ lines: LineReader, requestLine: Bool, position: UInt64,
                     maximumBytes: Int) throws -> VerifiableRecord? {
        var first: Int?
        var record = VerifiableRecord(index: position)
        var bytes = 0
        var lineInBlock = 0
        while let line = try lines.next() {
            let blank = !line.overlong && line.bytes.isEmpty
            if first == nil {
                if blank { continue }
                first = line.number
                record.line = line.number
            } else if blank {
                break
            }
            defer { lineInBlock += 1 }
            bytes += line.bytes.count + 1
            if record.isMalformed { continue }
            if line.overlong || bytes > maximumBytes {
                record.isMalformed = true
                continue
            }
            if requestLine && lineInBlock == 0 {
                record.isMalformed = !isRequestLine(line.bytes)
                continue
            }
            // vegeta's `@body-file` line (for POST routes) carries no header.
            if requestLine, line.bytes.first == UInt8(ascii: "@") { continue }
            guard let (name, value) = header(line.bytes) else {
                record.isMalformed = true
                continue
            }
            if name.lowercased() == "x-signature" {
                if record.signature != nil { record.isMalformed = true } else { record.signature = value }
            }
        }
        guard first != nil else { return nil }
        if record.isMalformed { record.signature = nil }
        return record
    }

    /// `GET https://host/path`: an upper-case method, one space, an http(s) URL.
    static func isRequestLine(_ bytes: UnsafeRawBufferPointer) -> Bool {
        guard let space = bytes.firstIndex(of: 0x20), space > 0 else { return false }
        let method = bytes[..<space]
        guard method.allSatisfy({ (0x41...0x5A).contains($0) || $0 == UInt8(ascii: "-") }) else { return false }
        let url = String(decoding: bytes[(space + 1)...], as: UTF8.self)
        return (url.hasPrefix("http://") || url.hasPrefix("https://")) && !url.contains(" ")
    }

    /// `Name: value` (the value's surrounding spaces dropped); nil when the line is not one.
    static func header(_ bytes: UnsafeRawBufferPointer) -> (String, String)? {
        guard let colon = bytes.firstIndex(of: UInt8(ascii: ":")), colon > 0,
              let name = String(validating: bytes[..<colon], as: UTF8.self),
              !name.contains(where: { $0 == " " || $0 == "\t" }),
              let value = String(validating: bytes[(colon + 1)...], as: UTF8.self) else { return nil }
        return (name, String(value.drop(while: { $0 == " " || $0 == "\t" }).reversed().drop(while: { $0 == " " || $0 == "\t" }).reversed()))
    }
}
