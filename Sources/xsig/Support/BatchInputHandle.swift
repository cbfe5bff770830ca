import Glibc
import XSigBatch
import XSignature

/// The open --input: its descriptor, size when it is a regular file, and the record reader.
/// Errors from reading carry the input's name.
final class InputHandle {
    let name: String
    let size: UInt64?
    let source: NamedRecordSource
    private let descriptor: Int32
    private let owned: Bool

    init(path: String, format: BatchCommand.InputFormatChoice) throws {
        let isStdin = path == "-"
        name = isStdin ? "--input (stdin)" : "--input \(path)"
        let fd = isStdin ? STDIN_FILENO : open(path, O_RDONLY | O_CLOEXEC)
        guard fd >= 0 else { throw XSigError(.io, "\(name): \(errnoText())") }
        var info = stat()
        if fstat(fd, &info) == 0, (info.st_mode & S_IFMT) == S_IFDIR {
            if !isStdin { Glibc.close(fd) }
            throw XSigError(.io, "\(name): is a directory")
        }
        size = fstat(fd, &info) == 0 && (info.st_mode & S_IFMT) == S_IFREG ? UInt64(info.st_size) : nil
        descriptor = fd
        owned = !isStdin
        let chosen: BatchInputFormat? = format == .auto ? nil : BatchInputFormat(rawValue: format.rawValue)
        let reader = BatchInputReader(source: FileDescriptorByteSource(descriptor: fd, name: name),
                                      format: chosen, path: isStdin ? nil : path)
        source = NamedRecordSource(reader, name: name)
    }

    func close() {
        if owned { Glibc.close(descriptor) }
    }
}

/// Prefixes whole-input errors (unreadable input, unusable CSV header) with the input's name.
final class NamedRecordSource: BatchRecordSource {
    let reader: BatchInputReader
    let name: String

    init(_ reader: BatchInputReader, name: String) {
        self.reader = reader
        self.name = name
    }

    func nextRecord() throws -> Result<BatchRecord, BatchRecordError>? {
        do { return try reader.nextRecord() } catch let error as XSigError { throw named(error) }
    }

    func providedHeaderFields() throws -> Set<LogoutHeaderField>? {
        do { return try reader.providedHeaderFields() } catch let error as XSigError { throw named(error) }
    }

    var bytesConsumed: UInt64 { reader.bytesConsumed }

    var nextRecordIsReady: Bool { reader.nextRecordIsReady }

    func countRemainingRecords() throws -> UInt64 {
        do { return try reader.countRemainingRecords() } catch let error as XSigError { throw named(error) }
    }

    private func named(_ error: XSigError) -> XSigError {
        error.message.hasPrefix(name) ? error : error.prefixed(name)
    }
}
