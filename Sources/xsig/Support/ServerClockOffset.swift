import Glibc
import XSignature

/// The server's clock minus the local one, in milliseconds, from a saved server-date body
/// (`curl -s https://HOST/api/v2/sdk/server-date > now.json`): the body's timestamp minus the
/// file's modification time, the moment it was written; for stdin, minus the moment it is read.
/// Unlike a fixed base timestamp, the offset stays right however long ago the file was fetched,
/// so only a timestamp that looks like seconds is warned about, not an old file.
func serverClockOffset(serverTime path: String) throws -> (milliseconds: Int64, warning: String?) {
    let name = "--server-time \(path == "-" ? "(stdin)" : path)"
    let body = try InputFiles.read(path, what: "--server-time")
    var written = Timestamp.now()
    if path != "-" {
        var info = stat()
        guard stat(path, &info) == 0 else { throw XSigError(.io, "\(name): \(errnoText())") }
        written = UInt64(max(0, info.st_mtim.tv_sec)) * 1000 + UInt64(max(0, info.st_mtim.tv_nsec)) / 1_000_000
    }
    let server: UInt64
    do { server = try Timestamp.parseServerDate(body) } catch let error as XSigError { throw error.prefixed(name) }
    guard server <= UInt64(Int64.max), written <= UInt64(Int64.max) else {
        throw XSigError(.invalidInput, "\(name): timestamp \(server) is too large for a clock offset")
    }
    return (Int64(server) - Int64(written), Timestamp.secondsWarning(server).map { "warning: \(name): \($0)" })
}
