import Glibc
import XSignature

/// The command line as the kernel handed it over. Swift's `CommandLine.arguments` has already
/// replaced every invalid UTF-8 sequence with U+FFFD, so `--session-token $'a\xffb'` would sign
/// `a`, U+FFFD, `b` without a word; the raw `argv` bytes are checked before the argument parser
/// sees them. The session token gets the message every other input path gives
/// (``SignaturePayload/decodeToken(_:)``); any other argument is refused naming its flag or
/// position. No message repeats the value: it may be a secret.
enum RawArguments {
    static func checkUTF8() throws {
        let argv = CommandLine.unsafeArgv
        func argument(_ i: Int) -> [UInt8] {
            guard i >= 1, let pointer = argv[i] else { return [] }
            return Array(UnsafeBufferPointer(start: UnsafeRawPointer(pointer).assumingMemoryBound(to: UInt8.self), count: strlen(pointer)))
        }
        for i in 1..<Int(CommandLine.argc) {
            // The C-string check is not generic: the common case (every argument valid) asks the
            // runtime for no metadata, which matters to start-up (docs/startup.md).
            guard let pointer = argv[i], String(validatingCString: pointer) == nil else { continue }
            let bytes = argument(i)
            let flag = flagName(bytes: bytes, previous: argument(i - 1))
            if flag == "--session-token" {
                do { _ = try SignaturePayload.decodeToken(bytes.dropFirst(bytes.starts(with: Array("--session-token=".utf8)) ? 16 : 0)) }
                catch let error as XSigError { throw error.prefixed("--session-token") }
            }
            throw XSigError(.invalidArgument, "\(flag.map { "the value of \($0)" } ?? "argument \(i)") is not valid UTF-8")
        }
    }

    /// `--flag` for `--flag=VALUE` or for a value that follows `--flag`; nil for a bare argument.
    private static func flagName(bytes: [UInt8], previous: [UInt8]) -> String? {
        if bytes.starts(with: Array("--".utf8)), let equals = bytes.firstIndex(of: UInt8(ascii: "=")),
           let name = String(validating: bytes[..<equals], as: UTF8.self) {
            return name
        }
        if previous.starts(with: Array("-".utf8)), !previous.contains(UInt8(ascii: "=")),
           let name = String(validating: previous, as: UTF8.self) {
            return name
        }
        return nil
    }
}
