import XSignature

/// RFC 4180 rows from a ``LineReader``, the one CSV reader of xsig (`batch` input and `verify
/// --input`): comma-separated fields, `"`-quoted fields with `""` for a quote, quoted fields
/// spanning lines with their line breaks kept as written (line numbers stay physical because
/// every line comes through the line reader). Fields must be valid UTF-8; a row that is not, or
/// that breaks the grammar, comes back as a failure naming its line, and reading resumes at the
/// next line.
enum CSVRowReader {
    /// A record longer than this (all its lines) is over the limit (see ``OverlongPolicy``).
    static let maximumRecordBytes = 1 << 20

    struct Row {
        var fields: [String]
        var line: Int
    }

    /// What a record over ``maximumRecordBytes`` (a quote left open, most likely) does.
    enum OverlongPolicy {
        /// Throw: the input cannot be read on (`xsig batch`).
        case stop
        /// Drop the record's octets up to its end and return it as a failure (`xsig verify`).
        case skip
    }

    /// The next record's fields, skipping blank lines; nil at the end of input.
    /// - Parameter tokenColumn: the 0-based column of session tokens, if known: a token that is not
    ///   valid UTF-8 then gets the message every other input path gives it.
    static func next(_ lines: LineReader, overlong policy: OverlongPolicy, tokenColumn: Int? = nil) throws -> Result<Row, BatchRecordError>? {
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
        var dropping = false

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
        func invalidUTF8() -> Result<Row, BatchRecordError> {
            if fields.count == tokenColumn {
                do { _ = try SignaturePayload.decodeToken(field) } catch let error as XSigError {
                    return .failure(BatchInputReader.error(first, error.message))
                } catch {}
            }
            return malformed("field \(fields.count + 1) is not valid UTF-8")
        }

        while true {
            for byte in line.bytes {
                switch state {
                case .fieldStart:
                    if byte == UInt8(ascii: "\"") {
                        state = .quoted
                    } else if byte == UInt8(ascii: ",") {
                        guard finishField() else { return invalidUTF8() }
                    } else {
                        field.append(byte)
                        state = .unquoted
                    }
                case .unquoted:
                    if byte == UInt8(ascii: ",") {
                        guard finishField() else { return invalidUTF8() }
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
                        guard finishField() else { return invalidUTF8() }
                        state = .fieldStart
                    } else {
                        return malformed("text after the closing quote of field \(fields.count + 1)")
                    }
                }
            }
            guard state == .quoted else { break }
            // A quoted field runs on over the line break, which it keeps as written (LF or CRLF).
            let crlf = line.endsWithCarriageReturn
            total += line.bytes.count + (crlf ? 2 : 1)
            if total > maximumRecordBytes && !dropping {
                guard policy == .skip else {
                    throw XSigError(.invalidInput, "line \(first): CSV record is over \(maximumRecordBytes) bytes; is a quote left open?")
                }
                dropping = true
            }
            if dropping { field.removeAll(); fields.removeAll() }
            guard let next = try lines.next() else {
                return .failure(BatchInputReader.error(first, "malformed CSV: quoted field \(fields.count + 1) is not closed before the end of the input"))
            }
            if next.overlong {
                guard policy == .skip else {
                    throw XSigError(.invalidInput, "line \(next.number): CSV record is over \(maximumRecordBytes) bytes; is a quote left open?")
                }
                return .failure(BatchInputReader.error(first, "CSV record is over \(maximumRecordBytes) bytes"))
            }
            line = next
            if crlf { field.append(0x0D) }
            field.append(0x0A)
        }
        if dropping { return .failure(BatchInputReader.error(first, "CSV record is over \(maximumRecordBytes) bytes")) }
        guard finishField() else { return invalidUTF8() }
        return .success(Row(fields: fields, line: first))
    }
}
