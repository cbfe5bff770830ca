import ArgumentParser
import XSigHTTP
import XSignature

/// The listening address, worker threads and HTTP limits of xsig's servers (`mock` and
/// `sidecar`), each limit with its default and its answer.
struct ServerOptions: ParsableArguments {
    @Option(name: .long, help: ArgumentHelp(
        "Address to listen on, HOST:PORT ([::1]:PORT for IPv6); port 0 picks a free one (default: 127.0.0.1:8080 for mock, 127.0.0.1:8081 for sidecar).",
        valueName: "host:port"))
    var listen: String?

    @Option(name: .long, help: ArgumentHelp("Worker threads for the RSA operations (default: every online CPU).", valueName: "n"))
    var threads: Int?

    @Option(name: .long, help: ArgumentHelp("Request line plus headers, in bytes; more gets 431.", valueName: "bytes"))
    var maxHeaderBytes: Int = HTTPServerConfiguration.Limits().maxHeaderBytes

    @Option(name: .long, help: ArgumentHelp("Request body, in bytes; more gets 413.", valueName: "bytes"))
    var maxBodyBytes: Int = HTTPServerConfiguration.Limits().maxBodyBytes

    @Option(name: .long, help: ArgumentHelp("Open connections; one more gets 503 and is closed.", valueName: "n"))
    var maxConnections: Int = HTTPServerConfiguration.Limits().maxConnections

    @Option(name: .long, help: ArgumentHelp("Seconds a keep-alive connection may sit without a request before it is closed.", valueName: "s"))
    var idleTimeout: Double = HTTPServerConfiguration.Limits().idleTimeoutSeconds

    @Option(name: .long, help: ArgumentHelp("Seconds from a request's first byte to its last; slower gets 408.", valueName: "s"))
    var requestTimeout: Double = HTTPServerConfiguration.Limits().requestTimeoutSeconds

    @Option(name: .long, help: ArgumentHelp("Seconds requests in flight get to finish after SIGINT/SIGTERM.", valueName: "s"))
    var drainTimeout: Double = HTTPServerConfiguration.Limits().drainTimeoutSeconds

    /// `--listen` as given, or the server's default.
    func listenAddress(default fallback: String) -> String { listen ?? fallback }

    func configuration(name: String, defaultListen: String, loopbackOnly: Bool = false) throws -> HTTPServerConfiguration {
        let (host, port) = try Self.parseListen(listenAddress(default: defaultListen))
        if loopbackOnly && !Self.isLoopback(host) {
            throw XSigError(.invalidArgument,
                "--listen \(listenAddress(default: defaultListen)): xsig \(name) listens on loopback only (127.0.0.0/8, ::1, localhost): it signs for anyone who can reach it")
        }
        if let threads, threads < 1 || threads > 1024 { throw XSigError(.invalidArgument, "--threads must be 1 to 1024") }
        let limits = HTTPServerConfiguration.Limits(maxHeaderBytes: maxHeaderBytes, maxBodyBytes: maxBodyBytes, maxConnections: maxConnections,
                                                    idleTimeoutSeconds: idleTimeout, requestTimeoutSeconds: requestTimeout,
                                                    drainTimeoutSeconds: drainTimeout)
        if let problem = limits.problem() { throw XSigError(.invalidArgument, "--" + problem) }
        return HTTPServerConfiguration(name: name, host: host, port: port, workerThreads: threads ?? HostSystem.cpuCount, limits: limits)
    }

    /// 127.0.0.0/8 in dotted-quad form, ::1 (also written out in full) and localhost.
    static func isLoopback(_ host: String) -> Bool {
        if host == "localhost" || host == "::1" || host == "0:0:0:0:0:0:0:1" { return true }
        let octets = host.split(separator: ".", omittingEmptySubsequences: false)
        // ASCII digits only: `isNumber` is true for '½' and Arabic-Indic digits, which Int() refuses.
        guard octets.count == 4, octets.allSatisfy({ octet in
            !octet.isEmpty && octet.count <= 3 && octet.allSatisfy({ $0.isASCII && $0.isNumber }) && (Int(octet) ?? 256) <= 255
        }) else {
            return false
        }
        return octets[0] == "127"
    }

    /// `HOST:PORT` or `[V6]:PORT`.
    static func parseListen(_ text: String) throws -> (String, Int) {
        let error = XSigError(.invalidArgument, "--listen must be HOST:PORT (e.g. 127.0.0.1:8080, [::1]:0), port 0 to 65535")
        guard let colon = text.lastIndex(of: ":") else { throw error }
        var host = String(text[..<colon])
        if host.hasPrefix("[") && host.hasSuffix("]") { host = String(host.dropFirst().dropLast()) }
        guard !host.isEmpty, let port = Int(text[text.index(after: colon)...]), (0...65535).contains(port) else { throw error }
        return (host, port)
    }
}

/// `--backend` of the decrypting servers: the engines of ``RSADecryptor`` by name; `auto` is
/// ``RSADecryptor/autoChoice(for:batches:)`` for one ciphertext at a time: openssl.
enum DecryptionBackendChoice: String, ExpressibleByArgument, CaseIterable {
    case gmp, openssl, lanes, auto

    func resolve() throws -> RSADecryptor.Backend {
        switch self {
        case .gmp: return .gmp
        case .openssl: return .openssl
        case .lanes: return .lanes
        case .auto: return .auto
        }
    }
}
