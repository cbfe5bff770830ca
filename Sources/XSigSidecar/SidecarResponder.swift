import NIOCore
import NIOHTTP1
import XSigHTTP
import XSignature

/// The routes of `xsig sidecar`: X-signatures made at the moment they are asked for.
///
/// | route | answer |
/// |---|---|
/// | `GET /sign` | 200: the X- headers (X-signature and the request fields) as response headers and as JSON `{"session_token","timestamp","nonce","signature","headers":{...}}` (with `"method"` and `"url"` first when a domain or base URL is given); 400 `{"error_code","error_msg"}` when there is no usable token |
///
/// The token is the `session_token` query parameter, else the `X-Session-Token` header, else
/// the next of `--tokens` (``SessionTokenSource``). `/metrics` and `/healthz` are the HTTP
/// layer's. Session tokens appear in no log and no metric.
public final class SidecarResponder: HTTPResponder, Sendable {
    public static let sign = "/sign"

    public let configuration: SidecarConfiguration
    private let groups: SigningGroups
    private let metrics: MetricsRegistry

    static let signed = "xsig_sidecar_signatures_total"
    static let refused = "xsig_sidecar_refusals_total"
    static let groupSize = "xsig_sidecar_group_size"
    static let queueWait = "xsig_sidecar_queue_wait_seconds"
    static let queueWaitBuckets: [Double] = [0.00001, 0.00005, 0.0001, 0.0002, 0.0005, 0.001, 0.002, 0.005, 0.01, 0.05, 0.1, 1]

    /// Starts the signing threads; ``shutdown()`` stops them.
    public init(configuration: SidecarConfiguration, metrics: MetricsRegistry) {
        self.configuration = configuration
        self.metrics = metrics
        metrics.describe(Self.signed, .counter, help: "Signatures answered by /sign, by where the session token came from (query, header, rotation).")
        metrics.describe(Self.refused, .counter, help: "/sign requests answered 4xx/5xx without a signature, by error_code.")
        metrics.describe(Self.groupSize, .histogram, help: "Requests signed per RSA call (up to 8 on the lanes engine).",
                         buckets: [1, 2, 3, 4, 5, 6, 7, 8])
        metrics.describe(Self.queueWait, .histogram, help: "Seconds a /sign request waited for its group to be signed.",
                         buckets: Self.queueWaitBuckets)
        groups = SigningGroups(configuration: configuration) { size, waits in
            metrics.observe(Self.groupSize, [], Double(size))
            for wait in waits { metrics.observe(Self.queueWait, [], wait) }
        }
    }

    /// Stops the signing threads (after the server has drained).
    public func shutdown() { groups.shutdown() }

    /// Requests per RSA call: 8 on the lanes engine, 1 on gmp and openssl.
    public var groupCapacity: Int { groups.capacity }

    public func route(for request: HTTPRequest) -> String {
        request.path == Self.sign[...] ? Self.sign : "unmatched"
    }

    public func respond(to request: HTTPRequest, context: HTTPResponderContext) -> EventLoopFuture<HTTPResponse> {
        guard request.path == Self.sign[...] else {
            return context.answer(.error(.notFound, code: "not_found", message: "no such route (the sidecar serves GET /sign, /metrics, /healthz)"))
        }
        guard request.method == .GET else {
            var response = HTTPResponse.error(.methodNotAllowed, code: "method_not_allowed", message: "/sign takes GET")
            response.headers.add(name: "Allow", value: "GET")
            return context.answer(response)
        }
        let token: String
        let source: SessionTokenSource
        switch SessionTokenSource.token(for: request, rotation: configuration.tokens) {
        case let .failure(refusal): return context.answer(refuse(refusal))
        case let .success(chosen): (token, source) = chosen
        }
        let (fields, route) = (configuration.fields, configuration.route)
        let metrics = self.metrics
        return groups.submit(token: token, on: context.eventLoop).map { [self] outcome in
            switch outcome {
            case let .failure(refusal): return self.refuse(refusal)
            case let .success(signed):
                metrics.increment(Self.signed, [("source", source.rawValue)])
                return Self.answer(signed, fields: fields, route: route)
            }
        }
    }

    private func refuse(_ refusal: SidecarRefusal) -> HTTPResponse {
        metrics.increment(Self.refused, [("error_code", refusal.code)])
        return refusal.response
    }

    /// The 200: the X- headers twice, as headers (for nginx's auth_request_set) and in the JSON.
    static func answer(_ signed: SignedPayload, fields: LogoutHeaderFields, route: RequestRoute) -> HTTPResponse {
        let headers = SidecarHeaders.list(fields: fields, signature: signed.signature)
        var json = JSONObjectWriter()
        if let domain = fields.domain {
            json.add("method", route.method)
            json.add("url", route.url(host: domain))
        }
        json.add("session_token", signed.payload.sessionToken)
        json.add("timestamp", String(signed.payload.timestamp))
        json.add("nonce", signed.payload.nonce)
        json.add("signature", signed.signature)
        json.add("headers", headers: headers)
        var response = HTTPResponse.json(.ok, json.finish())
        // The body holds a session token and a fresh signature: no cache may keep it.
        response.headers.add(name: "Cache-Control", value: "no-store")
        for header in headers { response.headers.add(name: header.name, value: header.value) }
        return response
    }
}
