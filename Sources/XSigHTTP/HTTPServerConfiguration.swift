/// Everything an ``HTTPServer`` needs besides its routes: where to listen, how many threads, and
/// the limits that protect it from slow, greedy or broken clients. Every limit has a default and
/// its own answer (431, 413, 408, 503), documented in docs/mock.md.
public struct HTTPServerConfiguration: Sendable, Hashable {
    /// The name in the ready line and the summary, `xsig <name>: listening on http://HOST:PORT`.
    public var name: String
    /// The address to bind; tests and scripts use loopback only.
    public var host: String
    /// 0 lets the kernel pick a free port; the ready line says which.
    public var port: Int
    /// Threads of the bounded pool that runs the handlers' heavy work (decryption), off the event loops.
    public var workerThreads: Int
    /// Event-loop threads (accept, parse, write). HTTP work is small next to RSA decryption.
    public var eventLoopThreads: Int
    public var limits: Limits

    public init(name: String, host: String = "127.0.0.1", port: Int = 8080, workerThreads: Int = HostSystem.cpuCount,
                eventLoopThreads: Int = 1, limits: Limits = Limits()) {
        self.name = name
        self.host = host
        self.port = port
        self.workerThreads = workerThreads
        self.eventLoopThreads = eventLoopThreads
        self.limits = limits
    }

    public struct Limits: Sendable, Hashable {
        /// Request line plus all header names and values, in bytes; over it: 431.
        public var maxHeaderBytes: Int
        /// Request body in bytes (Content-Length or the sum of chunks); over it: 413.
        public var maxBodyBytes: Int
        /// Open connections; one more is answered 503 and closed.
        public var maxConnections: Int
        /// A keep-alive connection with no request in progress is closed after this many seconds.
        public var idleTimeoutSeconds: Double
        /// A request must arrive whole (head and body) within this many seconds of its first
        /// byte; otherwise 408 and the connection is closed (slow clients, slowloris).
        public var requestTimeoutSeconds: Double
        /// On SIGINT/SIGTERM, requests in flight get this long to finish before their
        /// connections are cut.
        public var drainTimeoutSeconds: Double

        public init(maxHeaderBytes: Int = 16 * 1024, maxBodyBytes: Int = 64 * 1024, maxConnections: Int = 1024,
                    idleTimeoutSeconds: Double = 60, requestTimeoutSeconds: Double = 10, drainTimeoutSeconds: Double = 30) {
            self.maxHeaderBytes = maxHeaderBytes
            self.maxBodyBytes = maxBodyBytes
            self.maxConnections = maxConnections
            self.idleTimeoutSeconds = idleTimeoutSeconds
            self.requestTimeoutSeconds = requestTimeoutSeconds
            self.drainTimeoutSeconds = drainTimeoutSeconds
        }

        /// The first limit that is out of range, as a message naming it; nil when all are fine.
        public func problem() -> String? {
            if maxHeaderBytes < 256 || maxHeaderBytes > 1 << 20 { return "max-header-bytes must be 256 to 1048576" }
            if maxBodyBytes < 0 || maxBodyBytes > 1 << 30 { return "max-body-bytes must be 0 to 1073741824" }
            if maxConnections < 1 || maxConnections > 100_000 { return "max-connections must be 1 to 100000" }
            for (name, value) in [("idle-timeout", idleTimeoutSeconds), ("request-timeout", requestTimeoutSeconds),
                                  ("drain-timeout", drainTimeoutSeconds)] where !(value > 0 && value <= 86_400) {
                return "\(name) must be more than 0 and at most 86400 seconds"
            }
            return nil
        }
    }
}
