import XSignature
/// One input record of a batch: a session token plus whatever the input says about it.
/// Fields left nil take the batch's defaults (timestamp base + index x step, the documented
/// nonce, the command-line header values).
public struct BatchRecord: Sendable, Hashable {
    public var sessionToken: String
    /// The record's own epoch-millisecond timestamp; it wins over the batch's.
    public var timestamp: UInt64?
    public var nonce: String?
    /// Per-record overrides of the request fields (domain, client_id, device_fingerprint, ...).
    public var headers: LogoutHeaderFields
    /// 1-based line of the input where the record starts, for messages; 0 when there is none.
    public var line: Int

    public init(sessionToken: String, timestamp: UInt64? = nil, nonce: String? = nil,
                headers: LogoutHeaderFields = LogoutHeaderFields(), line: Int = 0) {
        self.sessionToken = sessionToken
        self.timestamp = timestamp
        self.nonce = nonce
        self.headers = headers
        self.line = line
    }
}

/// A record that could not be read or signed. It still counts: every input record ends up as
/// exactly one output record or one of these, so `records in = records out + errors`.
/// The message never contains the session token.
public struct BatchRecordError: Error, Sendable, Hashable, CustomStringConvertible {
    /// The record's global index (0-based position among all input records).
    public var index: UInt64
    /// 1-based input line where the record starts; 0 when the record has no line.
    public var line: Int
    public var message: String

    public init(index: UInt64, line: Int, message: String) {
        self.index = index
        self.line = line
        self.message = message
    }

    /// `line 7: session token is empty` (or `record 6: ...` without a line).
    public var description: String { line > 0 ? "line \(line): \(message)" : "record \(index): \(message)" }

    /// The error-record line of `--errors` files: `{"index":6,"line":7,"error":"..."}`.
    public var jsonLine: String {
        var json = JSONObjectWriter()
        json.add("index", index)
        json.add("line", line)
        json.add("error", message)
        return json.finish()
    }
}

/// A signed record: the payload that was encrypted, its X-signature and, when the batch has
/// request fields, the complete logout request.
public struct SignedRecord: Sendable, Hashable {
    public let index: UInt64
    public let line: Int
    public let payload: SignaturePayload
    public let signature: String
    /// nil when neither the batch nor the record sets any request field.
    public let request: LogoutRequest?

    public init(index: UInt64, line: Int, payload: SignaturePayload, signature: String, request: LogoutRequest?) {
        self.index = index
        self.line = line
        self.payload = payload
        self.signature = signature
        self.request = request
    }

    public var sessionToken: String { payload.sessionToken }
    public var timestamp: UInt64 { payload.timestamp }
    public var nonce: String { payload.nonce }
}

/// What a batch did, for the summary line: `recordsIn == recordsOut + errors` always holds.
public struct BatchSummary: Sendable, Hashable {
    public var recordsIn: UInt64 = 0
    public var recordsOut: UInt64 = 0
    public var errors: UInt64 = 0
    /// The bad record that stopped a `.fail` run, nil when the run went to the end.
    public var stoppedBy: BatchRecordError?
    public var seconds: Double = 0
    /// CPU time of the signing threads (the reader and the writer not included): divided into
    /// the record count it gives the per-thread cost whatever else runs on the machine.
    public var workerCPUSeconds: Double = 0

    public init() {}

    public var completed: Bool { stoppedBy == nil }
    public var recordsPerSecond: Double { seconds > 0 ? Double(recordsOut) / seconds : 0 }
}

/// What to do with a bad record.
public enum BatchErrorPolicy: String, Sendable, CaseIterable {
    /// Stop at the first bad record (in input order); the output is not complete.
    case fail
    /// Report it as an error record and go on.
    case skip
}
