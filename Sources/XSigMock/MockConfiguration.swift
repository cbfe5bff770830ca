import XSignature

/// What `xsig mock` checks, besides the key: see `xsig mock --help` and docs/mock.md.
public struct MockConfiguration: Sendable {
    /// Tried in order; the first under which the signature decrypts is used.
    public var paddings: [RSAEncryptionPadding]
    /// |server clock - timestamp| must be at most this; also the replay window.
    public var maximumSkewSeconds: UInt64
    /// When set, X-client-id must equal it.
    public var clientID: String?
    /// When set, the token must be one of these and not logged out.
    public var tokens: TokenStore?
    public var allowReplay: Bool
    public var length: CiphertextLength
    public var backend: RSADecryptor.Backend
    /// Threads that take requests in groups for decryption when the lanes engine is in use
    /// (``MockDecryption``); one request per group otherwise, on the HTTP layer's worker pool.
    public var decryptionThreads: Int
    /// How long a group may wait for more requests once concurrency has been seen (lanes only).
    public var groupWindowMicroseconds: Int
    /// The server clock in epoch milliseconds (tests may fix it).
    public var clock: @Sendable () -> UInt64

    public init(paddings: [RSAEncryptionPadding] = [.oaepSHA256], maximumSkewSeconds: UInt64 = 300, clientID: String? = nil,
                tokens: TokenStore? = nil, allowReplay: Bool = false, length: CiphertextLength = .strict,
                backend: RSADecryptor.Backend = .openssl, decryptionThreads: Int = 1, groupWindowMicroseconds: Int = 100,
                clock: @escaping @Sendable () -> UInt64 = { Timestamp.now() }) {
        self.paddings = paddings
        self.maximumSkewSeconds = maximumSkewSeconds
        self.clientID = clientID
        self.tokens = tokens
        self.allowReplay = allowReplay
        self.length = length
        self.backend = backend
        self.decryptionThreads = decryptionThreads
        self.groupWindowMicroseconds = groupWindowMicroseconds
        self.clock = clock
    }

    /// The mandatory headers of the SDK APIs (OneAccess "Logging out"), checked in this order.
    public static let mandatoryHeaders = ["X-operating-sys-version", "X-device-fingerprint", "X-agent", "X-client-id", "X-signature"]
}
