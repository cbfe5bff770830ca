import ArgumentParser
import Glibc
import XSignature

/// Where the session token comes from. A token on the command line is visible to every user in
/// `ps` and stays in shell history, so it can also come from a file, stdin or (for the signing
/// commands) the environment:
///
/// 1. `--session-token TOKEN`, or `--session-token -` for stdin;
/// 2. `--session-token-file FILE`, or `-` for stdin (not together with 1);
/// 3. neither flag: `XSIG_SESSION_TOKEN`, when the command reads the environment.
///
/// From a file or stdin one trailing newline (LF or CRLF) is dropped, so `echo "$T" >file` works;
/// anything else stays and meets the token rules. Every source is checked for valid UTF-8 with the
/// same message (``SignaturePayload/decodeToken(_:)``), and no message repeats the token.
struct SessionTokenOptions: ParsableArguments {
    static let environmentVariable = "XSIG_SESSION_TOKEN"

    @Option(name: .long, help: ArgumentHelp(
        "The session token (no '&', whitespace or control characters), or - to read it from stdin. A token here shows in ps and shell history: prefer --session-token-file or XSIG_SESSION_TOKEN.",
        valueName: "token|-"))
    var sessionToken: String?

    @Option(name: .long, help: ArgumentHelp(
        "File holding the session token, or - for stdin; one trailing newline (LF or CRLF) is dropped. Not with --session-token. Without either flag, sign and headers read XSIG_SESSION_TOKEN.",
        valueName: "file"))
    var sessionTokenFile: String?


    /// The flag that reads stdin for the token, if one does (for the one-stdin-reader check).
    var stdinFlag: (flag: String, value: String?) { Self.stdinFlag(sessionToken: sessionToken, sessionTokenFile: sessionTokenFile) }

    static func stdinFlag(sessionToken: String?, sessionTokenFile: String?) -> (flag: String, value: String?) {
        sessionTokenFile != nil ? ("--session-token-file", sessionTokenFile) : ("--session-token", sessionToken)
    }

    /// The token and the name of its source for messages (`--session-token-file t.txt`,
    /// `XSIG_SESSION_TOKEN`, ...); nil when none was given.
    func resolve(readingEnvironment: Bool) throws -> (token: String, source: String)? {
        try Self.resolve(sessionToken: sessionToken, sessionTokenFile: sessionTokenFile, readingEnvironment: readingEnvironment)
    }

    static func resolve(sessionToken: String?, sessionTokenFile: String?,
                        readingEnvironment: Bool) throws -> (token: String, source: String)? {
        if sessionToken != nil && sessionTokenFile != nil {
            throw XSigError(.invalidArgument, "give --session-token or --session-token-file, not both")
        }
        if let sessionToken, sessionToken != "-" { return (sessionToken, "--session-token") }
        if let path = sessionToken == "-" ? "-" : sessionTokenFile {
            let flag = sessionToken == "-" ? "--session-token" : "--session-token-file"
            let source = path == "-" ? "\(flag) (stdin)" : "\(flag) \(path)"
            var bytes = try InputFiles.read(path, what: flag, limit: 64 * 1024)
            if bytes.last == 0x0a {
                bytes.removeLast()
                if bytes.last == 0x0d { bytes.removeLast() }
            }
            do { return (try SignaturePayload.decodeToken(bytes), source) } catch let error as XSigError { throw error.prefixed(source) }
        }
        guard readingEnvironment, let value = getenv(Self.environmentVariable) else { return nil }
        let bytes = UnsafeBufferPointer(start: UnsafeRawPointer(value).assumingMemoryBound(to: UInt8.self), count: strlen(value))
        do { return (try SignaturePayload.decodeToken(bytes), Self.environmentVariable) } catch let error as XSigError {
            throw error.prefixed(Self.environmentVariable)
        }
    }

    /// The token a signing command needs: from a flag or the environment, else an error naming all three ways.
    func required() throws -> (token: String, source: String) {
        try Self.required(sessionToken: sessionToken, sessionTokenFile: sessionTokenFile)
    }

    static func required(sessionToken: String?, sessionTokenFile: String?) throws -> (token: String, source: String) {
        guard let resolved = try resolve(sessionToken: sessionToken, sessionTokenFile: sessionTokenFile, readingEnvironment: true) else {
            throw XSigError(.invalidArgument,
                "no session token: give --session-token-file FILE (or - for stdin), set \(Self.environmentVariable), or give --session-token TOKEN")
        }
        return resolved
    }
}

/// Only one input can be read from stdin: `--key -` and `--session-token -` together would split
/// one stream between two readers, so the combination is refused before anything is read.
func requireOneStdinReader(_ claims: [(flag: String, value: String?)]) throws {
    let readers = claims.filter { $0.value == "-" }.map(\.flag)
    if readers.count > 1 {
        throw XSigError(.invalidArgument, "\(readers.joined(separator: " and ")) \(readers.count == 2 ? "both" : "all") read stdin (-); at most one input can come from stdin")
    }
}
