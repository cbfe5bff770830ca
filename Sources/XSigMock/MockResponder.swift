import NIOCore
import NIOHTTP1
import XSigHTTP
import XSignature

/// The routes of `xsig mock`: the OneAccess SDK APIs that a client of the logout API calls.
///
/// | route | answer |
/// |---|---|
/// | `GET /api/v2/sdk/server-date` | 200 `{"timestamp":"<epoch ms>"}` |
/// | `GET /api/v2/sdk/public-key` | 200 `{"public_key":"<PEM SPKI>"}` |
/// | `GET /api/v2/sdk/logout` | the ``SignatureChecks``; 200 `success` or 400 `{"error_code","error_msg"}` |
/// | `POST /api/v2/sdk/profile/update` | the same checks (the body is accepted, not read) |
///
/// `/metrics` and `/healthz` are the HTTP layer's. Signed requests are checked off the event
/// loops: one at a time on the HTTP layer's worker pool, or, when the lanes engine is in use, in
/// groups of up to eight on the decryption threads (``WorkGroups``, ``MockDecryption``).
public final class MockResponder: HTTPResponder, Sendable {
    public static let serverDate = "/api/v2/sdk/server-date"
    public static let publicKey = "/api/v2/sdk/public-key"
    public static let logout = "/api/v2/sdk/logout"
    public static let profileUpdate = "/api/v2/sdk/profile/update"
    static let routes: [String: HTTPMethod] = [serverDate: .GET, publicKey: .GET, logout: .GET, profileUpdate: .POST]

    public let checks: SignatureChecks
    private let publicKeyBody: String
    private let metrics: MetricsRegistry
    /// nil output: the server was shutting down when the request came (503).
    private let groups: WorkGroups<SignatureChecks.Pending, Result<SignaturePayload, MockRejection>?>?

    static let rejections = "xsig_mock_rejections_total"
    static let accepted = "xsig_mock_accepted_total"
    static let groupSize = "xsig_mock_group_size"

    public convenience init(privateKey: RSAPrivateKey, configuration: MockConfiguration, metrics: MetricsRegistry) throws {
        try self.init(checks: SignatureChecks(privateKey: privateKey, configuration: configuration),
                      publicKey: privateKey.publicKey, metrics: metrics)
    }

    /// Starts the decryption threads when ``MockDecryption/groupCapacity`` is above 1;
    /// ``shutdown()`` stops them.
    init(checks: SignatureChecks, publicKey: RSAPublicKey, metrics: MetricsRegistry) throws {
        self.checks = checks
        let configuration = checks.configuration
        if checks.decryption.groupCapacity > 1 {
            groups = WorkGroups(
                capacity: checks.decryption.groupCapacity, windowMicroseconds: configuration.groupWindowMicroseconds,
                threads: configuration.decryptionThreads,
                refuseAfterShutdown: { _ in nil },
                process: { group in checks.finish(group).map { $0 } },
                observeGroup: { size, _ in metrics.observe(Self.groupSize, [], Double(size)) })
            metrics.describe(Self.groupSize, .histogram, help: "Signed requests decrypted per group (up to 8 on the lanes engine).",
                             buckets: [1, 2, 3, 4, 5, 6, 7, 8])
        } else {
            groups = nil
        }
        var body = JSONObjectWriter()
        body.add("public_key", publicKey.pemRepresentation)
        publicKeyBody = body.finish()
        self.metrics = metrics
        metrics.describe(Self.accepted, .counter, help: "Signed requests that passed every check, by route.")
        metrics.describe(Self.rejections, .counter, help: "Signed requests refused with 400, by error_code (the first failed check).")
    }

    /// Stops the decryption threads (after the server has drained).
    public func shutdown() { groups?.shutdown() }

    /// Whether signed requests go to the decryption threads in groups (else the worker pool).
    public var groupsRequests: Bool { groups != nil }

    /// Which engine decrypts which groups, for the start-up message.
    public var decryptionPlan: String { checks.decryption.plan }

    public func route(for request: HTTPRequest) -> String {
        let path = String(request.path)
        return Self.routes[path] == nil ? "unmatched" : path
    }

    public func respond(to request: HTTPRequest, context: HTTPResponderContext) -> EventLoopFuture<HTTPResponse> {
        let path = String(request.path)
        guard let method = Self.routes[path] else {
            return context.answer(.error(.notFound, code: "not_found", message: "no such route"))
        }
        guard request.method == method else {
            var response = HTTPResponse.error(.methodNotAllowed, code: "method_not_allowed", message: "\(path) takes \(method.rawValue)")
            response.headers.add(name: "Allow", value: method.rawValue)
            return context.answer(response)
        }
        switch path {
        case Self.serverDate:
            var body = JSONObjectWriter()
            body.add("timestamp", String(checks.configuration.clock()))  // a string, as the vendor's API
            return context.answer(.json(.ok, body.finish()))
        case Self.publicKey:
            return context.answer(.json(.ok, publicKeyBody))
        default:
            let purpose: SignatureChecks.Purpose = path == Self.logout ? .logout : .profileUpdate
            let headers = request.headers
            let (checks, metrics) = (checks, metrics)
            guard let groups else {
                return context.offload {
                    Self.answer(checks.check(header: { headers.first(name: $0) }, purpose: purpose), route: path, metrics: metrics)
                }
            }
            switch checks.precheck(header: { headers.first(name: $0) }, purpose: purpose) {
            case let .failure(rejection):
                return context.answer(Self.answer(.failure(rejection), route: path, metrics: metrics))
            case let .success(pending):
                return groups.submit(pending, on: context.eventLoop).map { outcome in
                    guard let outcome else {
                        return .error(.serviceUnavailable, code: "shutting_down", message: "the server is shutting down")
                    }
                    return Self.answer(outcome, route: path, metrics: metrics)
                }
            }
        }
    }

    private static func answer(_ outcome: Result<SignaturePayload, MockRejection>, route: String, metrics: MetricsRegistry) -> HTTPResponse {
        switch outcome {
        case .success:
            metrics.increment(Self.accepted, [("route", route)])
            return .text(.ok, "success")
        case let .failure(rejection):
            metrics.increment(Self.rejections, [("error_code", rejection.code.rawValue)])
            return .error(.badRequest, code: rejection.code.rawValue, message: rejection.message)
        }
    }

    /// Gauges read at scrape time: the decryption plan, replay-cache size and the tokens' states.
    public func metricsText() -> String {
        var text = "# HELP xsig_mock_decryption_plan Which engine decrypts which groups of signed requests (the label; always 1).\n"
            + "# TYPE xsig_mock_decryption_plan gauge\nxsig_mock_decryption_plan{plan=\"\(decryptionPlan)\"} 1\n"
        text += "# HELP xsig_mock_replay_cache_entries Signatures remembered for the replay check (expire with the window).\n"
            + "# TYPE xsig_mock_replay_cache_entries gauge\nxsig_mock_replay_cache_entries \(checks.replayCache?.count ?? 0)\n"
        if let tokens = checks.configuration.tokens {
            let counts = tokens.counts
            text += "# HELP xsig_mock_tokens Session tokens of --tokens by state.\n# TYPE xsig_mock_tokens gauge\n"
                + "xsig_mock_tokens{state=\"active\"} \(counts.active)\nxsig_mock_tokens{state=\"logged_out\"} \(counts.loggedOut)\n"
        }
        return text
    }
}
