import NIOConcurrencyHelpers

/// The server's own metrics (families `xsig_http_*`) and the counts of its shutdown summary.
final class ServerStats: Sendable {
    let metrics: MetricsRegistry
    private let counts = NIOLockedValueBox(Counts())

    struct Counts {
        var requests = 0
        var byClass = [0, 0, 0, 0, 0, 0]  // index = status / 100
        var protocolErrors = 0
        var refused = 0
        var inFlight = 0
    }

    static let requests = "xsig_http_requests_total"
    static let duration = "xsig_http_request_duration_seconds"
    static let protocolErrors = "xsig_http_protocol_errors_total"
    static let openConnections = "xsig_http_connections_open"
    static let connections = "xsig_http_connections_total"
    static let refused = "xsig_http_connections_refused_total"
    static let inFlight = "xsig_http_requests_in_flight"

    init(metrics: MetricsRegistry) {
        self.metrics = metrics
        metrics.describe(Self.requests, .counter, help: "HTTP requests answered, by route and status.")
        metrics.describe(Self.duration, .histogram, help: "Time from a request's head to its response written, by route.")
        metrics.describe(Self.inFlight, .gauge, help: "Requests received and not yet answered.")
        metrics.describe(Self.protocolErrors, .counter,
                         help: "Requests refused before routing (400 malformed, 408 timeout, 413 body, 431 headers), by status.")
        metrics.describe(Self.openConnections, .gauge, help: "Open client connections.")
        metrics.describe(Self.connections, .counter, help: "Client connections accepted.")
        metrics.describe(Self.refused, .counter, help: "Connections answered 503 and closed because the connection limit was reached.")
    }

    func requestStarted() {
        let value = counts.withLockedValue { counts -> Int in
            counts.inFlight += 1
            return counts.inFlight
        }
        metrics.set(Self.inFlight, to: Double(value))
    }

    func requestAnswered(route: String, status: UInt, seconds: Double) {
        let value = counts.withLockedValue { counts -> Int in
            counts.requests += 1
            counts.byClass[min(5, Int(status / 100))] += 1
            counts.inFlight -= 1
            return counts.inFlight
        }
        metrics.set(Self.inFlight, to: Double(value))
        metrics.increment(Self.requests, [("route", route), ("status", String(status))])
        metrics.observe(Self.duration, [("route", route)], seconds)
    }

    func recordProtocolError(status: UInt) {
        counts.withLockedValue { $0.protocolErrors += 1 }
        metrics.increment(Self.protocolErrors, [("status", String(status))])
    }

    func connectionOpened(open: Int) {
        metrics.increment(Self.connections)
        metrics.set(Self.openConnections, to: Double(open))
    }

    func connectionClosed(open: Int) {
        metrics.set(Self.openConnections, to: Double(open))
    }

    func connectionRefused() {
        counts.withLockedValue { $0.refused += 1 }
        metrics.increment(Self.refused)
    }

    var inFlight: Int { counts.withLockedValue { $0.inFlight } }

    /// `N requests (2xx A, 4xx B, 5xx C), P refused before routing, R connections refused`.
    func summary() -> String {
        let c = counts.withLockedValue { $0 }
        return "\(c.requests) requests (2xx \(c.byClass[2]), 4xx \(c.byClass[4]), 5xx \(c.byClass[5])), "
            + "\(c.protocolErrors) refused before routing, \(c.refused) connections refused"
    }
}
