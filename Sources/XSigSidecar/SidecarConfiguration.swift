import XSignature

/// What `xsig sidecar` signs with and how: see `xsig sidecar --help` and docs/sidecar.md.
public struct SidecarConfiguration: Sendable {
    public var signer: XSignatureSigner
    /// The request fields answered as X- headers beside X-signature (the domain is not a header:
    /// with `route` it makes the `method` and `url` of the JSON answer).
    public var fields: LogoutHeaderFields
    /// `--base-url`/`--domain`, `--path`, `--method`.
    public var route: RequestRoute
    /// `--tokens`: handed out round robin to requests that bring no token of their own.
    public var tokens: TokenRotation?
    /// Added to the local clock at signing: server time minus local time, in milliseconds.
    public var clockOffsetMilliseconds: Int64
    /// Threads that run the RSA operations (each signs one group at a time).
    public var signingThreads: Int
    /// How long a group may wait for more requests once concurrency has been seen (lanes only).
    public var groupWindowMicroseconds: Int
    /// The local clock in epoch milliseconds (tests may fix it).
    public var clock: @Sendable () -> UInt64

    public init(signer: XSignatureSigner, fields: LogoutHeaderFields = LogoutHeaderFields(), route: RequestRoute = .logout, tokens: TokenRotation? = nil,
                clockOffsetMilliseconds: Int64 = 0, signingThreads: Int = 1, groupWindowMicroseconds: Int = 100,
                clock: @escaping @Sendable () -> UInt64 = { Timestamp.now() }) {
        self.signer = signer
        self.fields = fields
        self.route = route
        self.tokens = tokens
        self.clockOffsetMilliseconds = clockOffsetMilliseconds
        self.signingThreads = signingThreads
        self.groupWindowMicroseconds = groupWindowMicroseconds
        self.clock = clock
    }

    /// The timestamp of a signature made now: the local clock plus the offset (never below 0).
    func signingTimestamp() -> UInt64 {
        let local = clock()
        if clockOffsetMilliseconds >= 0 { return local &+ UInt64(clockOffsetMilliseconds) }
        let back = clockOffsetMilliseconds.magnitude
        return local > back ? local - back : 0
    }

    /// Requests per RSA call: the lane count on the lanes engine, 1 on the others.
    var groupCapacity: Int { signer.encryptor.backend == .lanes ? 8 : 1 }
}
