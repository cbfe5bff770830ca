#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import XSignature

/// How a batch signs: timestamps, randomness, parallelism, error policy, request fields.
public struct BatchConfiguration: Sendable {
    /// Where a record's timestamp comes from when the record does not carry its own.
    public enum Timestamps: Sendable, Hashable {
        /// `base + index x step` milliseconds: pre-signed batches, timed for when the load runs.
        case fixed(base: UInt64, stepMilliseconds: UInt64 = 0)
        /// The clock when the record is signed, plus ``BatchConfiguration/clockOffsetMilliseconds``:
        /// streaming batches and signing on the fly inside a load generator.
        case clock
    }

    public var timestamps: Timestamps
    /// Added to the clock with ``Timestamps/clock``: the server's clock minus the local one.
    public var clockOffsetMilliseconds: Int64 = 0
    /// Streaming: hand each record to `write` as soon as it and every record before it are
    /// signed. A chunk then holds one RSA group at most (8 on the lanes engine, else 1) and
    /// closes early when the input has nothing more ready, so a record read from a quiet pipe
    /// is signed and written at once. False: chunks of ``chunkSize`` (the fast path for files).
    public var flushEachRecord: Bool = false
    /// Deterministic padding from this seed, record i using stream index i (its global index).
    /// FOR TEST VECTORS ONLY. nil: ``SecureRandom``.
    public var seed: [UInt8]?
    /// Worker threads for ``BatchSigner/run(source:formatter:write:onError:progress:)``.
    public var threads: Int
    public var onError: BatchErrorPolicy
    /// Request-field defaults for every record (each record may override them).
    public var headers: LogoutHeaderFields
    /// Method, scheme and path of every record's request (the host is the `domain` field).
    public var route: RequestRoute
    /// Every record must carry a complete request (vegeta and headers outputs).
    public var requireRequest: Bool
    /// Only the records whose global index is in this range (a shard); nil for all.
    public var recordRange: Range<UInt64>?
    /// Records per unit of work handed to a thread.
    public var chunkSize: Int

    public init(timestamps: Timestamps = .clock, seed: [UInt8]? = nil, threads: Int = BatchConfiguration.defaultThreads,
                onError: BatchErrorPolicy = .fail, headers: LogoutHeaderFields = LogoutHeaderFields(),
                route: RequestRoute = .logout, requireRequest: Bool = false, recordRange: Range<UInt64>? = nil, chunkSize: Int = 256) {
        self.timestamps = timestamps
        self.seed = seed
        self.threads = threads
        self.onError = onError
        self.headers = headers
        self.route = route
        self.requireRequest = requireRequest
        self.recordRange = recordRange
        self.chunkSize = chunkSize
    }

    /// The online CPUs, at least 1.
    public static var defaultThreads: Int {
        max(1, Int(sysconf(Int32(_SC_NPROCESSORS_ONLN))))
    }
}

/// Signs many records: the engine behind `xsig batch`, and an API for Swift load generators.
///
/// Three ways in:
/// - ``sign(_:index:)``: one record, thread-safe, for signing on the fly from any thread or task.
/// - ``signatures(for:)``: an `AsyncSequence` of signed records over an `AsyncSequence` of records.
/// - ``run(source:formatter:write:onError:progress:)`` and ``run(source:onRecord:progress:)``:
///   a streaming pipeline (a reader thread, `threads` workers, results in input order on the
///   calling thread) whose memory does not grow with the input.
///
/// ```swift
/// let key = try PublicKeyDecoder().decode(Array(pem.utf8)).key
/// var config = BatchConfiguration(timestamps: .clock)
/// config.headers = LogoutHeaderFields([.domain: "idp.example.com", .clientID: "my-client",
///                                      .deviceFingerprint: "fp-1", .osVersion: "Android 14", .agent: "loadgen/1.0"])
/// let batch = try BatchSigner(key: key, configuration: config)
/// let signed = try batch.sign(BatchRecord(sessionToken: token), index: 0)
/// for header in signed.request!.headers { request.setValue(header.value, forHTTPHeaderField: header.name) }
/// ```
///
/// Every input record gives exactly one signed record or one ``BatchRecordError``, in input
/// order; record i always uses index i (its global index, whatever the shard), which is what
/// makes `seed` outputs identical for any thread count and shard split.
public final class BatchSigner: Sendable {
    public let signer: XSignatureSigner
    public let configuration: BatchConfiguration

    public init(signer: XSignatureSigner, configuration: BatchConfiguration) throws {
        guard configuration.threads >= 1 else {
            throw XSigError(.invalidArgument, "threads must be at least 1, got \(configuration.threads)")
        }
        guard configuration.chunkSize >= 1 else {
            throw XSigError(.invalidArgument, "chunk size must be at least 1, got \(configuration.chunkSize)")
        }
        for field in configuration.headers.setFields {
            try LogoutHeaderFields.validate(configuration.headers[field]!, for: field)
        }
        self.signer = signer
        self.configuration = configuration
    }

    public convenience init(key: RSAPublicKey, padding: RSAEncryptionPadding = XSignatureSigner.defaultPadding,
                            backend: RSAEncryptor.Backend = .auto, configuration: BatchConfiguration) throws {
        try self.init(signer: XSignatureSigner(key: key, padding: padding, backend: backend), configuration: configuration)
    }

    // MARK: One record

    /// Signs `record` as record `index` of the batch. Thread-safe.
    /// - Throws: ``BatchRecordError`` naming the record's line and what is wrong with it.
    public func sign(_ record: BatchRecord, index: UInt64) throws -> SignedRecord {
        try sign(record, index: index, requireRequest: configuration.requireRequest)
    }

    func sign(_ record: BatchRecord, index: UInt64, requireRequest: Bool) throws -> SignedRecord {
        do {
            if let seed = configuration.seed {
                var random = DeterministicStream(seed: seed, index: index)
                return try sign(record, index: index, requireRequest: requireRequest, random: &random)
            }
            var random = SecureRandom()
            return try sign(record, index: index, requireRequest: requireRequest, random: &random)
        } catch let error as XSigError {
            throw BatchRecordError(index: index, line: record.line, message: error.message)
        }
    }

    /// The timestamp record `index` gets when it has none of its own.
    public func timestamp(forIndex index: UInt64) throws -> UInt64 {
        switch configuration.timestamps {
        case .clock:
            let now = Timestamp.now()
            let offset = configuration.clockOffsetMilliseconds
            let (value, overflow) = offset >= 0 ? now.addingReportingOverflow(UInt64(offset))
                : now.subtractingReportingOverflow(offset.magnitude)
            guard !overflow else {
                throw XSigError(.invalidInput, "the clock plus the offset of \(offset) ms is outside 0...\(UInt64.max)")
            }
            return value
        case let .fixed(base, step):
            let (offset, o1) = index.multipliedReportingOverflow(by: step)
            let (value, o2) = base.addingReportingOverflow(offset)
            guard !o1 && !o2 else {
                throw XSigError(.invalidInput, "timestamp of record \(index) (base + index x step) overflows 64 bits")
            }
            return value
        }
    }

    private func sign<R: RandomSource>(_ record: BatchRecord, index: UInt64, requireRequest: Bool,
                                       random: inout R) throws -> SignedRecord {
        let prepared = try prepare(record, index: index, requireRequest: requireRequest)
        return try prepared.finish(signature: try signer.sign(prepared.payload, random: &random))
    }

    // MARK: Streaming pipeline

    /// Reads `source` to the end and writes every signed record, formatted, through `write`, in
    /// input order. Bad records go to `onError` (with `.fail`, the first one also stops the run
    /// and is returned as ``BatchSummary/stoppedBy``). `progress` is called on the calling
    /// thread after each chunk. `write` receives the formatter's prologue first.
    ///
    /// - Throws: when the input cannot be read on (I/O, an unusable CSV header) or a callback throws.
    @discardableResult
    public func run(source: some BatchRecordSource, formatter: BatchOutputFormatter,
                    write: (UnsafeRawBufferPointer) throws -> Void,
                    onError: (BatchRecordError) throws -> Void = { _ in },
                    progress: ((BatchProgress) -> Void)? = nil) throws -> BatchSummary {
        try checkRequestFields(source: source, formatter: formatter)
        let prologue = formatter.prologue()
        if !prologue.isEmpty { try prologue.withUnsafeBytes { try write($0) } }
        let requireRequest = configuration.requireRequest || formatter.format.needsRequest
        let perRecord = formatter.estimatedBytes(signatureLength: Base64.encodedLength(signer.encryptor.modulusOctets))
        return try pipeline(source: source, progress: progress, transform: { chunk in
            var result = ChunkResult(bytes: [], outcomes: [], errors: [], recordsIn: 0, recordsOut: 0, bytesRead: chunk.bytesRead)
            result.bytes.reserveCapacity(chunk.items.count * perRecord)
            self.process(chunk, requireRequest: requireRequest) { outcome in
                switch outcome {
                case let .success(record):
                    formatter.append(record, to: &result.bytes)
                    result.recordsOut += 1
                case let .failure(error):
                    result.errors.append(error)
                }
                result.recordsIn += 1
            }
            return result
        }, consume: { result in
            if !result.bytes.isEmpty { try result.bytes.withUnsafeBytes { try write($0) } }
            for error in result.errors { try onError(error) }
        })
    }

    /// Like ``run(source:formatter:write:onError:progress:)`` but hands each outcome, in input
    /// order, to `onRecord` on the calling thread (signing still runs on `threads` workers).
    @discardableResult
    public func run(source: some BatchRecordSource,
                    onRecord: (Result<SignedRecord, BatchRecordError>) throws -> Void,
                    progress: ((BatchProgress) -> Void)? = nil) throws -> BatchSummary {
        try checkRequestFields(source: source, formatter: nil)
        return try pipeline(source: source, progress: progress, transform: { chunk in
            var result = ChunkResult(bytes: [], outcomes: [], errors: [], recordsIn: 0, recordsOut: 0, bytesRead: chunk.bytesRead)
            result.outcomes.reserveCapacity(chunk.items.count)
            self.process(chunk, requireRequest: self.configuration.requireRequest) { outcome in
                if case let .failure(error) = outcome { result.errors.append(error) } else { result.recordsOut += 1 }
                result.outcomes.append(outcome)
                result.recordsIn += 1
            }
            return result
        }, consume: { result in
            for outcome in result.outcomes { try onRecord(outcome) }
        })
    }

    /// Records read but not yet signed: indexes are contiguous from `firstIndex`.
    struct InputChunk {
        var firstIndex: UInt64
        var items: [Result<BatchRecord, BatchRecordError>]
        var bytesRead: UInt64
    }

    struct ChunkResult {
        var bytes: [UInt8]
        var outcomes: [Result<SignedRecord, BatchRecordError>]
        var errors: [BatchRecordError]
        var recordsIn: UInt64
        var recordsOut: UInt64
        var bytesRead: UInt64
    }

    private func pipeline(source: some BatchRecordSource, progress: ((BatchProgress) -> Void)?,
                          transform: (InputChunk) -> ChunkResult,
                          consume: (ChunkResult) throws -> Void) throws -> BatchSummary {
        let clock = ContinuousClock()
        let start = clock.now
        let range = configuration.recordRange ?? 0..<UInt64.max
        let streaming = configuration.flushEachRecord
        let chunkSize = streaming ? groupSize : configuration.chunkSize
        let failFast = configuration.onError == .fail
        var nextIndex: UInt64 = 0
        var finished = false
        var pendingError: (any Error)?

        // Runs on the reader thread only.
        let produce: () throws -> InputChunk? = {
            if let error = pendingError { throw error }
            guard !finished else { return nil }
            var items: [Result<BatchRecord, BatchRecordError>] = []
            items.reserveCapacity(chunkSize)
            var first: UInt64?
            while items.count < chunkSize {
                // Streaming: what is held goes out now rather than after input yet to arrive.
                if streaming, !items.isEmpty, !source.nextRecordIsReady { break }
                let next: Result<BatchRecord, BatchRecordError>?
                do {
                    next = nextIndex < range.upperBound ? try source.nextRecord() : nil
                } catch {
                    // The records read before the failure still go out; the error follows them.
                    pendingError = error
                    finished = true
                    break
                }
                guard let item = next else {
                    finished = true
                    break
                }
                let index = nextIndex
                nextIndex += 1
                if index < range.lowerBound { continue }
                if first == nil { first = index }
                items.append(item)
                // Nothing after the first bad record matters with .fail: stop reading.
                if failFast, case .failure = item {
                    finished = true
                    break
                }
            }
            guard let first else {
                if let error = pendingError { throw error }
                return nil
            }
            return InputChunk(firstIndex: first, items: items, bytesRead: source.bytesConsumed)
        }

        var summary = BatchSummary()
        var report = BatchProgress()
        if case .some = configuration.recordRange { report.totalRecords = UInt64(range.count) }
        let pipeline = OrderedPipeline<InputChunk, ChunkResult>(workers: configuration.threads,
                                                                window: 2 * configuration.threads + 2)
        try pipeline.run(produce: produce, transform: { chunk, _ in transform(chunk) }, consume: { result in
            try consume(result)
            summary.recordsIn += result.recordsIn
            summary.recordsOut += result.recordsOut
            summary.errors += UInt64(result.errors.count)
            if failFast, let error = result.errors.first {
                summary.stoppedBy = error
            }
            if let progress {
                report.recordsIn = summary.recordsIn
                report.recordsOut = summary.recordsOut
                report.errors = summary.errors
                report.bytesRead = result.bytesRead
                report.seconds = Clocks.seconds(clock.now - start)
                progress(report)
            }
            return summary.stoppedBy == nil
        })
        summary.seconds = Clocks.seconds(clock.now - start)
        summary.workerCPUSeconds = pipeline.workerCPUSeconds
        return summary
    }

    /// Fails before any work when a mandatory request field can come from nowhere: neither a
    /// default nor a column of the input (when the input's columns are known in advance).
    private func checkRequestFields(source: some BatchRecordSource, formatter: BatchOutputFormatter?) throws {
        guard let provided = try source.providedHeaderFields() else { return }
        let defaults = configuration.headers
        let wanted = configuration.requireRequest || (formatter?.format.needsRequest ?? false)
            || !defaults.isEmpty || !provided.isEmpty
        guard wanted else { return }
        if let missing = LogoutHeaderField.mandatory.first(where: { defaults[$0] == nil && !provided.contains($0) }) {
            throw LogoutHeaderFields.missingError(missing)
        }
    }

}
