import ArgumentParser
import Glibc
import XSigBatch
import XSignature

/// Exit statuses: 0 success, 1 a negative answer (decryption error, invalid signature, batch
/// records skipped under --on-error skip),
/// 2 bad input (arguments, keys, records, unreadable input files), 3 an internal failure.
enum ExitStatus {
    static let negative: Int32 = 1
    static let badInput: Int32 = 2
    static let failure: Int32 = 3

    static func code(for error: XSigError) -> Int32 {
        switch error.code {
        case .decryptionError: return negative
        case .openSSL: return failure
        default: return badInput
        }
    }
}

/// Writes `xsig: <message>` on stderr as one line.
func printError(_ message: String) {
    let line = "xsig: " + message.split(whereSeparator: \.isNewline).joined(separator: " ") + "\n"
    writeAll(line, to: STDERR_FILENO)
}

func printNote(_ message: String) {
    writeAll("xsig: \(message)\n", to: STDERR_FILENO)
}

/// Whole stdout output written at once, so a failure never leaves half a result.
func emit(_ text: String) {
    writeAll(text.hasSuffix("\n") ? text : text + "\n", to: STDOUT_FILENO)
}

/// write(2) until everything is out; a failing descriptor (e.g. a closed pipe) ends it quietly,
/// since there is nowhere left to report to.
func writeAll(_ text: String, to fd: Int32) {
    var text = text
    text.withUTF8 { buffer in try? writeFully(UnsafeRawBufferPointer(buffer), to: fd, name: "output") }
}
