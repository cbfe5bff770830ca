#if canImport(Glibc)
import Glibc
#endif
import XSignature

func printError(_ text: String) {
    var text = text
    text.withUTF8 { _ = write(2, $0.baseAddress, $0.count) }
}

/// An invariant of a fuzz target: on violation, print what broke and abort, so that libFuzzer
/// records the input as a crash.
public func require(_ condition: @autoclosure () -> Bool, _ message: @autoclosure () -> String,
                    file: StaticString = #fileID, line: UInt = #line) {
    if !condition() {
        printError("fuzz invariant violated at \(file):\(line): \(message())\n")
        abort()
    }
}

/// Every error xsig throws on bad input is an XSigError with a one-line, non-empty message.
public func requireXSigError(_ error: any Error, _ context: String, file: StaticString = #fileID, line: UInt = #line) {
    guard let error = error as? XSigError else {
        require(false, "\(context): threw \(type(of: error)), not XSigError: \(error)", file: file, line: line)
        return
    }
    require(!error.message.isEmpty, "\(context): empty message (\(error.code))", file: file, line: line)
}

/// The repository root (fuzz/Sources/FuzzSupport/ -> ../../..), for vectors/keys.
public let repositoryRoot: String = {
    var parts = "\(#filePath)".split(separator: "/", omittingEmptySubsequences: false)
    parts.removeLast(4)
    return parts.joined(separator: "/")
}()

public func readFile(_ relative: String) -> [UInt8] {
    guard let file = fopen(repositoryRoot + "/" + relative, "rb") else {
        printError("fuzz: cannot open \(repositoryRoot)/\(relative)\n")
        abort()
    }
    defer { fclose(file) }
    var bytes: [UInt8] = []
    var chunk = [UInt8](repeating: 0, count: 4096)
    while true {
        let n = fread(&chunk, 1, chunk.count, file)
        bytes += chunk[0..<n]
        if n < chunk.count { break }
    }
    return bytes
}

/// A small deterministic byte cursor over the fuzz input, for choosing options.
public struct ByteCursor {
    private let bytes: [UInt8]
    private var offset = 0
    public init(_ bytes: [UInt8]) { self.bytes = bytes }
    public mutating func next() -> UInt8 {
        guard offset < bytes.count else { return 0 }
        defer { offset += 1 }
        return bytes[offset]
    }
    public var rest: [UInt8] { Array(bytes[min(offset, bytes.count)...]) }
}

/// libFuzzer's driver (`-sanitize=fuzzer` links it in).
@_silgen_name("LLVMFuzzerRunDriver")
func LLVMFuzzerRunDriver(_ argc: UnsafeMutablePointer<CInt>,
                         _ argv: UnsafeMutablePointer<UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>?>,
                         _ callback: @convention(c) (UnsafePointer<UInt8>?, Int) -> CInt) -> CInt

/// Debug builds of SwiftPM executables on Linux link with `--defsym main=<Target>_main` (so that
/// tests can import executables); with `-parse-as-library` and no `@main` that symbol is missing.
/// Each target therefore exports `<Target>_main`, which hands over to libFuzzer's driver: the
/// same as libFuzzer's own main().
public func runFuzzer(_ argc: CInt, _ argv: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>?,
                      _ callback: @convention(c) (UnsafePointer<UInt8>?, Int) -> CInt) -> CInt {
    var argc = argc
    var argv = argv
    return LLVMFuzzerRunDriver(&argc, &argv, callback)
}
