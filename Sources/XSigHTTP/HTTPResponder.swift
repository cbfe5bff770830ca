import NIOCore
import NIOPosix

/// The routes of a server built on ``HTTPServer``. `respond` is called on an event loop and must
/// not block it: heavy work goes through ``HTTPResponderContext/offload(_:)``.
public protocol HTTPResponder: Sendable {
    /// A stable, low-cardinality label for the metrics (the route's path, or "unmatched").
    func route(for request: HTTPRequest) -> String

    func respond(to request: HTTPRequest, context: HTTPResponderContext) -> EventLoopFuture<HTTPResponse>

    /// Extra lines for `GET /metrics` (Prometheus text format), after the server's own.
    func metricsText() -> String
}

extension HTTPResponder {
    public func metricsText() -> String { "" }
}

/// What a responder may use: the request's event loop and the server's bounded worker pool.
public struct HTTPResponderContext: Sendable {
    public let eventLoop: any EventLoop
    let pool: NIOThreadPool

    init(eventLoop: any EventLoop, pool: NIOThreadPool) {
        self.eventLoop = eventLoop
        self.pool = pool
    }

    /// Runs `work` on the worker pool (a bounded number of threads; queued work is bounded by the
    /// connection limit, one request per connection at a time) and completes on the event loop.
    /// Fails with `HTTPServerError.shuttingDown` when the pool has stopped.
    public func offload(_ work: @escaping @Sendable () -> HTTPResponse) -> EventLoopFuture<HTTPResponse> {
        pool.runIfActive(eventLoop: eventLoop, work).flatMapErrorThrowing { _ in throw HTTPServerError.shuttingDown }
    }

    /// An answer that needs no work.
    public func answer(_ response: HTTPResponse) -> EventLoopFuture<HTTPResponse> {
        eventLoop.makeSucceededFuture(response)
    }
}

public enum HTTPServerError: Error, Sendable, Equatable {
    case shuttingDown
}
