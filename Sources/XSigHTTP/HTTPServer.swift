import Dispatch
import NIOConcurrencyHelpers
import NIOCore
import NIOHTTP1
import NIOPosix
#if canImport(Glibc)
import Glibc
#endif

/// An HTTP/1.1 server on SwiftNIO for xsig's servers (`xsig mock`, and the signing sidecar
/// next): binds, prints one ready line, serves the responder's routes plus `/metrics` and
/// `/healthz` within the configured limits, and on SIGINT/SIGTERM stops accepting, lets the
/// requests in flight finish, prints a one-line summary on stderr and returns.
///
/// ```swift
/// let server = HTTPServer(configuration: .init(name: "mock", port: 0), responder: routes)
/// try server.run()   // blocks until SIGINT/SIGTERM (or requestStop()) and the drain
/// ```
public final class HTTPServer: Sendable {
    public let configuration: HTTPServerConfiguration
    public let metrics: MetricsRegistry
    private let responder: any HTTPResponder
    private let stop = NIOLockedValueBox<(semaphore: DispatchSemaphore, reason: String?)>((DispatchSemaphore(value: 0), nil))

    public init(configuration: HTTPServerConfiguration, responder: any HTTPResponder, metrics: MetricsRegistry = MetricsRegistry()) {
        self.configuration = configuration
        self.responder = responder
        self.metrics = metrics
    }

    /// Ends ``run()`` as SIGTERM would (for embedding and tests).
    public func requestStop(reason: String = "stop requested") {
        let semaphore = stop.withLockedValue { state -> DispatchSemaphore in
            if state.reason == nil { state.reason = reason }
            return state.semaphore
        }
        semaphore.signal()
    }

    /// Serves until SIGINT or SIGTERM. Throws only when binding fails (the message names the address).
    /// `ready` receives the ready line; the default prints it on stdout and flushes.
    public func run(ready: (String) -> Void = HTTPServer.printReadyLine) throws {
        let limits = configuration.limits
        let group = MultiThreadedEventLoopGroup(numberOfThreads: max(1, configuration.eventLoopThreads))
        let pool = NIOThreadPool(numberOfThreads: max(1, configuration.workerThreads))
        pool.start()
        let stats = ServerStats(metrics: metrics)
        let registry = ConnectionRegistry(limit: limits.maxConnections)
        let responder = self.responder
        defer {
            try? pool.syncShutdownGracefully()
            try? group.syncShutdownGracefully()
        }
        let signals = installSignalHandlers()
        defer { signals.forEach { $0.cancel() } }

        let channel: any Channel
        do {
            channel = try Self.bootstrap(group: group, pool: pool, stats: stats, registry: registry, limits: limits, responder: responder)
                .bind(host: configuration.host, port: configuration.port).wait()
        } catch {
            throw HTTPServerBindError(address: "\(configuration.host):\(configuration.port)", underlying: Self.reason(error))
        }
        let started = NIODeadline.now()
        let port = channel.localAddress?.port ?? configuration.port
        let host = configuration.host.contains(":") ? "[\(configuration.host)]" : configuration.host
        ready("xsig \(configuration.name): listening on http://\(host):\(port)")

        let (semaphore, _) = stop.withLockedValue { ($0.semaphore, $0.reason) }
        semaphore.wait()
        let reason = stop.withLockedValue { $0.reason } ?? "signal"

        // Drain: stop accepting, tell every connection to finish its request and close, wait.
        let inFlight = stats.inFlight
        try? channel.close().wait()
        for connection in registry.startDraining() {
            connection.pipeline.fireUserInboundEventTriggered(DrainEvent())
        }
        let deadline = NIODeadline.now() + .nanoseconds(Int64(limits.drainTimeoutSeconds * 1e9))
        while registry.count > 0 && NIODeadline.now() < deadline { usleep(5_000) }
        let cut = registry.count
        for connection in registry.startDraining() { connection.close(promise: nil) }
        let seconds = Double((NIODeadline.now() - started).nanoseconds) / 1e9
        let line = "xsig \(configuration.name): stopped on \(reason) after \(String(format1(seconds))) s: \(stats.summary()); "
            + "\(inFlight) in flight at the stop, \(cut) connections cut at the drain timeout\n"
        writeStandardError(line)
    }

    public static func printReadyLine(_ line: String) {
        // write(2) straight to fd 1: one line, unbuffered, so a reader sees it at once.
        writeAll(line + "\n", to: STDOUT_FILENO)
    }

    private static func bootstrap(group: MultiThreadedEventLoopGroup, pool: NIOThreadPool, stats: ServerStats, registry: ConnectionRegistry,
                                  limits: HTTPServerConfiguration.Limits, responder: any HTTPResponder) -> ServerBootstrap {
        let decoderLimits: NIOHTTPDecoderLimitConfiguration = {
            var decoderLimits = NIOHTTPDecoderLimitConfiguration()
            decoderLimits.maxHeaderListSize = limits.maxHeaderBytes
            decoderLimits.maxHeaderFieldSize = limits.maxHeaderBytes
            return decoderLimits
        }()
        return ServerBootstrap(group: group)
            .serverChannelOption(.backlog, value: 256)
            .serverChannelOption(.socketOption(.so_reuseaddr), value: 1)
            .childChannelOption(.socketOption(.tcp_nodelay), value: 1)
            .childChannelOption(.maxMessagesPerRead, value: 16)
            .childChannelInitializer { channel in
                channel.eventLoop.makeCompletedFuture {
                    let sync = channel.pipeline.syncOperations
                    guard let open = registry.admit(channel) else {
                        stats.connectionRefused()
                        try sync.addHandler(OverloadHandler())
                        return
                    }
                    stats.connectionOpened(open: open)
                    channel.closeFuture.whenComplete { _ in stats.connectionClosed(open: registry.remove(channel)) }
                    let clock = ConnectionClock(eventLoop: channel.eventLoop, limits: limits)
                    try sync.addHandler(RawActivityHandler(clock: clock))
                    try sync.configureHTTPServerPipeline(withPipeliningAssistance: true, withErrorHandling: false,
                                                         withOutboundHeaderValidation: true, withEncoderConfiguration: .init(),
                                                         withDecoderLimitConfiguration: decoderLimits)
                    try sync.addHandler(ProtocolErrorHandler(stats: stats))
                    try sync.addHandler(RequestHandler(responder: responder, pool: pool, stats: stats, limits: limits, clock: clock))
                }
            }
    }

    private func installSignalHandlers() -> [any DispatchSourceSignal] {
        signal(SIGPIPE, SIG_IGN)
        return [(SIGINT, "SIGINT"), (SIGTERM, "SIGTERM")].map { number, name in
            signal(number, SIG_IGN)
            let source = DispatchSource.makeSignalSource(signal: number, queue: .global())
            source.setEventHandler { [weak self] in self?.requestStop(reason: name) }
            source.resume()
            return source
        }
    }
}

extension HTTPServer {
    /// A bind failure in the operating system's words ("Address already in use"), not NIO's
    /// description of the call that failed.
    static func reason(_ error: any Error) -> String {
        if let io = error as? IOError, let text = strerror(io.errnoCode) { return String(cString: text).lowercased() }
        return "\(error)"
    }
}

/// Binding failed: the address is in use, not local, or not an address.
public struct HTTPServerBindError: Error, Sendable, CustomStringConvertible {
    public let address: String
    public let underlying: String
    public var description: String { "cannot listen on \(address): \(underlying)" }
}

func format1(_ value: Double) -> String {
    let tenths = Int((value * 10).rounded())
    return "\(tenths / 10).\(tenths % 10)"
}

func writeStandardError(_ text: String) { writeAll(text, to: STDERR_FILENO) }

func writeAll(_ text: String, to fd: Int32) {
    var text = text
    text.withUTF8 { buffer in
        var offset = 0
        while offset < buffer.count {
            let n = write(fd, buffer.baseAddress! + offset, buffer.count - offset)
            if n < 0 && errno == EINTR { continue }
            if n <= 0 { return }
            offset += n
        }
    }
}
