import NIOCore
import NIOHTTP1
import NIOPosix

/// One connection's requests, after NIOHTTP1's decoder and pipelining handler (so one request
/// at a time): collects the body within the body limit (413), hands the whole request to the
/// responder, writes its answer with Content-Length and the right Connection header, and keeps
/// the connection's clock (408 for a request that does not arrive whole in time, close when idle).
/// Serves `GET /metrics` and `GET /healthz` itself.
final class RequestHandler: ChannelInboundHandler, RemovableChannelHandler {
    typealias InboundIn = HTTPServerRequestPart
    typealias OutboundOut = HTTPServerResponsePart

    private enum State {
        case waiting
        case receiving(HTTPRequestHead, [UInt8])
        case responding
        case closing
    }

    private let responder: any HTTPResponder
    private let pool: NIOThreadPool
    private let stats: ServerStats
    private let limits: HTTPServerConfiguration.Limits
    private let clock: ConnectionClock
    private var state = State.waiting
    private var draining = false
    /// A response is being written (its `.end` not yet on the socket).
    private var responseInFlight = false

    init(responder: any HTTPResponder, pool: NIOThreadPool, stats: ServerStats,
         limits: HTTPServerConfiguration.Limits, clock: ConnectionClock) {
        self.responder = responder
        self.pool = pool
        self.stats = stats
        self.limits = limits
        self.clock = clock
    }

    func channelActive(context: ChannelHandlerContext) {
        clock.onIdleTimeout = { [weak self] in
            guard let self, case .waiting = self.state, !self.responseInFlight else { return }
            self.state = .closing
            context.close(promise: nil)
        }
        clock.onRequestTimeout = { [weak self] in
            guard let self else { return }
            switch self.state {
            case .waiting:
                self.stats.recordProtocolError(status: 408)
                self.state = .closing
                self.clock.writeRawAndClose?(Self.rawRequestTimeout)
            case .receiving:
                self.refuse(context: context, .error(.requestTimeout, code: "request_timeout",
                                                     message: "the request did not arrive whole within the server's request timeout"))
            case .responding, .closing:
                break
            }
        }
        clock.awaitNextRequest()
        context.fireChannelActive()
    }

    func channelInactive(context: ChannelHandlerContext) {
        clock.stop()
        state = .closing
        context.fireChannelInactive()
    }

    func userInboundEventTriggered(context: ChannelHandlerContext, event: Any) {
        guard event is DrainEvent else {
            context.fireUserInboundEventTriggered(event)
            return
        }
        draining = true
        if case .waiting = state, !responseInFlight, !clock.partialRequest {
            state = .closing
            context.close(promise: nil)
        }
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        switch (unwrapInboundIn(data), state) {
        case let (.head(head), .waiting):
            clock.headReceived()
            if let length = head.headers.first(name: "Content-Length").flatMap({ Int($0) }), length > limits.maxBodyBytes {
                refuse(context: context, Self.bodyTooLarge(limits.maxBodyBytes))
                return
            }
            if head.version == .http1_1, head.headers[canonicalForm: "expect"].contains(where: { $0.lowercased() == "100-continue" }) {
                // curl and others wait (about 1 s) for this before sending a body over 1 KiB.
                context.writeAndFlush(wrapOutboundOut(.head(HTTPResponseHead(version: .http1_1, status: .continue))), promise: nil)
            }
            state = .receiving(head, [])
        case let (.body(buffer), .receiving(head, body)):
            guard body.count + buffer.readableBytes <= limits.maxBodyBytes else {
                refuse(context: context, Self.bodyTooLarge(limits.maxBodyBytes))
                return
            }
            state = .receiving(head, [])  // let `body` be uniquely referenced for the append
            var body = body
            body.append(contentsOf: buffer.readableBytesView)
            state = .receiving(head, body)
        case let (.end, .receiving(head, body)):
            clock.requestComplete()
            dispatch(context: context, request: HTTPRequest(method: head.method, uri: head.uri, headers: head.headers, body: body),
                     keepAlive: head.isKeepAlive)
        default:
            break  // after a refusal, before the close
        }
    }

    private static func bodyTooLarge(_ limit: Int) -> HTTPResponse {
        .error(.payloadTooLarge, code: "body_too_large", message: "request body is over the server's limit of \(limit) bytes")
    }

    // MARK: - Answering

    private func dispatch(context: ChannelHandlerContext, request: HTTPRequest, keepAlive: Bool) {
        state = .responding
        stats.requestStarted()
        let started = NIODeadline.now()
        let route: String
        let future: EventLoopFuture<HTTPResponse>
        switch request.path {
        case "/metrics":
            route = "/metrics"
            let text = stats.metrics.render() + responder.metricsText()
            future = context.eventLoop.makeSucceededFuture(request.method == .GET
                ? .text(.ok, text, contentType: "text/plain; version=0.0.4; charset=utf-8") : Self.methodNotAllowed)
        case "/healthz":
            route = "/healthz"
            future = context.eventLoop.makeSucceededFuture(request.method == .GET ? .text(.ok, "ok\n") : Self.methodNotAllowed)
        default:
            route = responder.route(for: request)
            future = responder.respond(to: request, context: HTTPResponderContext(eventLoop: context.eventLoop, pool: pool))
        }
        let stats = self.stats
        future.hop(to: context.eventLoop).assumeIsolated().whenComplete { result in
            let response: HTTPResponse
            switch result {
            case let .success(answer): response = answer
            case .failure(HTTPServerError.shuttingDown):
                response = .error(.serviceUnavailable, code: "shutting_down", message: "the server is shutting down")
            case .failure:
                response = .error(.internalServerError, code: "internal_error", message: "internal error")
            }
            self.write(context: context, response, close: !keepAlive) {
                let seconds = Double((NIODeadline.now() - started).nanoseconds) / 1e9
                stats.requestAnswered(route: route, status: response.status.code, seconds: seconds)
            }
        }
    }

    /// The 408 for a request whose head never arrived whole, as bytes (see ConnectionClock.writeRawAndClose).
    static let rawRequestTimeout: String = {
        let body = #"{"error_code":"request_timeout","error_msg":"the request did not arrive whole within the server's request timeout"}"#
        return "HTTP/1.1 408 Request Timeout\r\nContent-Type: application/json\r\nConnection: close\r\n"
            + "Content-Length: \(body.utf8.count)\r\n\r\n" + body
    }()

    /// The 405 of `/metrics` and `/healthz`, which answer GET only (every 405 names what is allowed).
    static let methodNotAllowed: HTTPResponse = {
        var response = HTTPResponse.error(.methodNotAllowed, code: "method_not_allowed", message: "method not allowed on this route")
        response.headers.replaceOrAdd(name: "Allow", value: "GET")
        return response
    }()

    /// A refusal before routing (413, 408): answered, counted, and the connection closed.
    private func refuse(context: ChannelHandlerContext, _ response: HTTPResponse) {
        stats.recordProtocolError(status: response.status.code)
        write(context: context, response, close: true) {}
    }

    private func write(context: ChannelHandlerContext, _ response: HTTPResponse, close requested: Bool, done: @escaping () -> Void) {
        let close = requested || draining
        // Waiting before `.end` goes out: NIOHTTP1's pipelining handler hands over the next
        // queued (pipelined) request as that write passes it, and a request that arrives while
        // the state still says "responding" would be dropped and its connection left hanging.
        state = close ? .closing : .waiting
        if !close { clock.awaitNextRequest() }
        responseInFlight = true
        var headers = response.headers
        headers.replaceOrAdd(name: "Content-Length", value: String(response.body.count))
        headers.replaceOrAdd(name: "Connection", value: close ? "close" : "keep-alive")
        context.write(wrapOutboundOut(.head(HTTPResponseHead(version: .http1_1, status: response.status, headers: headers))), promise: nil)
        if !response.body.isEmpty {
            context.write(wrapOutboundOut(.body(.byteBuffer(context.channel.allocator.buffer(bytes: response.body)))), promise: nil)
        }
        let written = context.eventLoop.makePromise(of: Void.self)
        context.writeAndFlush(wrapOutboundOut(.end(nil)), promise: written)
        written.futureResult.assumeIsolated().whenComplete { _ in
            self.responseInFlight = false
            done()
            if close {
                context.close(promise: nil)
            } else if self.draining, case .waiting = self.state, !self.clock.partialRequest {
                // The drain began while this answer was being written, and nothing else is pending.
                self.state = .closing
                context.close(promise: nil)
            }
        }
    }
}
