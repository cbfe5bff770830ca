import Glibc
import XSignature

/// Reads small inputs (keys, JSON bodies) from a path or `-` for stdin, with a size bound so that
/// a wrong path (a disk image, /dev/zero) is refused instead of swallowed.
enum InputFiles {
    static let maximumSmallFile = 1 << 20

    static func read(_ path: String, what: String, limit: Int = maximumSmallFile) throws -> [UInt8] {
        let isStdin = path == "-"
        let name = isStdin ? "\(what) (stdin)" : "\(what) \(path)"
        if !isStdin {
            var info = stat()
            guard stat(path, &info) == 0 else {
                throw XSigError(.io, "\(name): \(errnoText())")
            }
            if (info.st_mode & S_IFMT) == S_IFDIR { throw XSigError(.io, "\(name): is a directory") }
            if (info.st_mode & S_IFMT) == S_IFREG, Int(info.st_size) > limit {
                throw XSigError(.invalidInput, "\(name): file is \(info.st_size) bytes, over the \(limit)-byte limit for this input")
            }
        }
        guard let file = isStdin ? fdopen(dup(STDIN_FILENO), "rb") : fopen(path, "rb") else {
            throw XSigError(.io, "\(name): \(errnoText())")
        }
        defer { fclose(file) }
        var data = [UInt8]()
        var chunk = [UInt8](repeating: 0, count: 65536)
        while true {
            let n = fread(&chunk, 1, chunk.count, file)
            if n > 0 { data.append(contentsOf: chunk[0..<n]) }
            if data.count > limit {
                throw XSigError(.invalidInput, "\(name): over the \(limit)-byte limit for this input")
            }
            if n < chunk.count {
                if ferror(file) != 0 { throw XSigError(.io, "\(name): read error") }
                break
            }
        }
        return data
    }
}

func errnoText() -> String {
    String(decoding: Array(UnsafeBufferPointer(start: strerror(errno), count: Int(strlen(strerror(errno))))).map { UInt8(bitPattern: $0) }, as: UTF8.self)
}
