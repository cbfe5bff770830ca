#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import XSignature


/// Writes to standard output with write(2), retrying until every byte is out.
public struct StandardOutputWriter {
    public init() {}

    public func write(_ bytes: UnsafeRawBufferPointer) throws {
        try writeFully(bytes, to: STDOUT_FILENO, name: "standard output")
    }
}

/// write(2) until every byte is out, retrying on EINTR; `name` labels the error.
public func writeFully(_ bytes: UnsafeRawBufferPointer, to descriptor: Int32, name: String) throws {
    var offset = 0
    while offset < bytes.count {
        #if canImport(Glibc)
        let n = Glibc.write(descriptor, bytes.baseAddress! + offset, bytes.count - offset)
        #else
        let n = Darwin.write(descriptor, bytes.baseAddress! + offset, bytes.count - offset)
        #endif
        if n < 0 && errno == EINTR { continue }
        guard n > 0 else { throw XSigError(.io, "\(name): write failed: \(AtomicOutputFile.errnoText())") }
        offset += n
    }
}
