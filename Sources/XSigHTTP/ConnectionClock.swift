import NIOCore

/// The two timers of one connection, confined to its event loop:
/// - idle: no request in progress and nothing received for `idleTimeout` -> the connection is closed;
/// - request: a request has started (its first byte arrived) but has not arrived whole within
///   `requestTimeout` -> 408 and close (slow clients that trickle a header or body).
/// ``RawActivityHandler`` (before the HTTP decoder) reports bytes; ``RequestHandler`` reports
/// request boundaries and answers the 408.
final class ConnectionClock {
    private let eventLoop: any EventLoop
    private let idleTimeout: TimeAmount
    private let requestTimeout: TimeAmount
    private var idleTimer: Scheduled<Void>?
    private var requestTimer: Scheduled<Void>?
    /// Between a request's end and the next request's first byte.
    private(set) var betweenRequests = true
    /// Bytes of a request not yet decoded into a head (a partial request line or header).
    private(set) var partialRequest = false

    var onIdleTimeout: (() -> Void)?
    var onRequestTimeout: (() -> Void)?
    /// Writes bytes below the HTTP codec and closes: for answering a request whose head never
    /// arrived whole (NIOHTTP1's pipelining handler only lets responses to decoded requests through).
    var writeRawAndClose: ((String) -> Void)?

    init(eventLoop: any EventLoop, limits: HTTPServerConfiguration.Limits) {
        self.eventLoop = eventLoop
        idleTimeout = .nanoseconds(Int64(limits.idleTimeoutSeconds * 1e9))
        requestTimeout = .nanoseconds(Int64(limits.requestTimeoutSeconds * 1e9))
    }

    /// The connection opened, or a response went out and the connection stays open.
    func awaitNextRequest() {
        betweenRequests = true
        partialRequest = false
        cancelRequestTimer()
        armIdle()
    }

    /// Bytes arrived from the client.
    func bytesArrived() {
        cancelIdleTimer()
        if betweenRequests {
            betweenRequests = false
            partialRequest = true
            armRequest()
        }
    }

    /// The decoder produced a request head.
    func headReceived() {
        cancelIdleTimer()
        partialRequest = false
        if requestTimer == nil { armRequest() }
        betweenRequests = false
    }

    /// The request arrived whole: the time the server takes to answer is not the client's fault.
    func requestComplete() {
        cancelRequestTimer()
    }

    func stop() {
        cancelIdleTimer()
        cancelRequestTimer()
        onIdleTimeout = nil
        onRequestTimeout = nil
        writeRawAndClose = nil
    }

    private func armIdle() {
        cancelIdleTimer()
        idleTimer = eventLoop.assumeIsolated().scheduleTask(in: idleTimeout) { [weak self] in
            self?.idleTimer = nil
            self?.onIdleTimeout?()
        }
    }

    private func armRequest() {
        cancelRequestTimer()
        requestTimer = eventLoop.assumeIsolated().scheduleTask(in: requestTimeout) { [weak self] in
            self?.requestTimer = nil
            self?.onRequestTimeout?()
        }
    }

    private func cancelIdleTimer() {
        idleTimer?.cancel()
        idleTimer = nil
    }

    private func cancelRequestTimer() {
        requestTimer?.cancel()
        requestTimer = nil
    }
}

/// First in the pipeline, before the HTTP decoder: tells the connection's clock that bytes
/// arrived, and passes them on untouched. It reads no HTTP.
final class RawActivityHandler: ChannelInboundHandler, RemovableChannelHandler {
    typealias InboundIn = ByteBuffer
    typealias InboundOut = ByteBuffer

    private let clock: ConnectionClock

    init(clock: ConnectionClock) { self.clock = clock }

    func handlerAdded(context: ChannelHandlerContext) {
        clock.writeRawAndClose = { text in
            let buffer = context.channel.allocator.buffer(string: text)
            context.writeAndFlush(NIOAny(buffer)).assumeIsolated().whenComplete { _ in context.close(promise: nil) }
        }
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        clock.bytesArrived()
        context.fireChannelRead(data)
    }
}
