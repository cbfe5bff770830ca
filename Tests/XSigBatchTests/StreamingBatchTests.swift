import Foundation
import XCTest
@testable import XSignature
@testable import XSigBatch

/// Streaming batches (`flushEachRecord`): a record read from a quiet input is signed and handed
/// on before the next one arrives, on every engine (the lanes engine must not wait for eight),
/// with the clock (plus its offset) at signing time. The waits are bounds on behaviour
/// (a record must not be held back for input yet to come), not timings.
final class StreamingBatchTests: XCTestCase {
    /// Hands out one record at a time: after each one it reports nothing ready and blocks in
    /// `nextRecord` until the test releases the next, as a quiet pipe would.
    final class GatedSource: BatchRecordSource, @unchecked Sendable {
        private let lock = NSLock()
        private let gate = DispatchSemaphore(value: 1)
        private var given = 0
        let tokens: [String]
        init(_ tokens: [String]) { self.tokens = tokens }

        func release() { gate.signal() }
        var nextRecordIsReady: Bool { false }

        func nextRecord() throws -> Result<BatchRecord, BatchRecordError>? {
            let n: Int = lock.withLock { given }
            guard n < tokens.count else { return nil }
            gate.wait()
            lock.withLock { given += 1 }
            return .success(BatchRecord(sessionToken: tokens[n], line: n + 1))
        }
    }

    func streamOneByOne(backend: RSAEncryptor.Backend) throws {
        let source = GatedSource(["s0", "s1", "s2"])
        var configuration = BatchConfiguration(timestamps: .clock, threads: 2)
        configuration.flushEachRecord = true
        configuration.clockOffsetMilliseconds = -86_400_000
        let batch = try BatchSigner(key: BatchFixtures.key2048, backend: backend, configuration: configuration)
        let arrived = DispatchSemaphore(value: 0)
        let records = LockedBox<[SignedRecord]>([])
        let done = DispatchSemaphore(value: 0)
        Thread.detachNewThread {
            _ = try? batch.run(source: source, onRecord: { outcome in
                if case let .success(record) = outcome { records.update { $0.append(record) } }
                arrived.signal()
            })
            done.signal()
        }
        for i in 0..<3 {
            // Record i is out while record i + 1 has not been released yet.
            XCTAssertEqual(arrived.wait(timeout: .now() + 10), .success, "\(backend): record \(i) was held back")
            XCTAssertEqual(records.value.count, i + 1)
            source.release()
        }
        XCTAssertEqual(done.wait(timeout: .now() + 10), .success)
        let now = Timestamp.now()
        for (i, record) in records.value.enumerated() {
            XCTAssertEqual(record.index, UInt64(i))
            XCTAssertEqual(record.sessionToken, "s\(i)")
            // The clock at signing, a day back: the offset applies.
            XCTAssertLessThanOrEqual(record.timestamp, now - 86_400_000)
            XCTAssertGreaterThan(record.timestamp, now - 86_400_000 - 30_000)
            let plain = try BatchFixtures.private2048.decrypt(try Base64.decode(record.signature), padding: .oaepSHA256)
            XCTAssertEqual(String(decoding: plain, as: UTF8.self), record.payload.string)
        }
    }

    func testEachRecordLeavesBeforeTheNextArrivesOnGMP() throws { try streamOneByOne(backend: .gmp) }

    func testEachRecordLeavesBeforeTheNextArrivesOnLanes() throws { try streamOneByOne(backend: .lanes) }

    /// A streaming run over a ready input gives the same bytes as the chunked run.
    func testStreamingOutputEqualsChunkedOutput() throws {
        let input = BatchFixtures.tokens(300)
        for backend: RSAEncryptor.Backend in [.gmp, .lanes] {
            func run(_ streaming: Bool) throws -> String {
                var configuration = BatchConfiguration(timestamps: .fixed(base: 1_700_000_000_000, stepMilliseconds: 3), seed: [9], threads: 2)
                configuration.flushEachRecord = streaming
                let batch = try BatchSigner(key: BatchFixtures.key2048, backend: backend, configuration: configuration)
                var bytes: [UInt8] = []
                var writes = 0
                try batch.run(source: BatchInputReader(source: MemoryByteSource(input)), formatter: BatchOutputFormatter(format: .ndjson),
                              write: { bytes.append(contentsOf: $0); writes += 1 })
                // Chunked: 256-record chunks; streaming: one RSA group (1, or 8 on lanes) per write.
                XCTAssertEqual(writes, streaming ? (backend == .lanes ? 38 : 300) : 2, "\(backend) streaming \(streaming)")
                return String(decoding: bytes, as: UTF8.self)
            }
            XCTAssertEqual(try run(true), try run(false), "\(backend)")
        }
    }

    func testClockOffsetOverflowIsAnErrorRecord() throws {
        var configuration = BatchConfiguration(timestamps: .clock, threads: 1)
        configuration.clockOffsetMilliseconds = .min
        let batch = try BatchSigner(key: BatchFixtures.key2048, configuration: configuration)
        XCTAssertThrowsError(try batch.sign(BatchRecord(sessionToken: "a", line: 1), index: 0)) { error in
            XCTAssertTrue("\(error)".contains("the clock plus the offset"), "\(error)")
        }
    }
}

/// A value shared between the test and the batch's consumer thread.
final class LockedBox<Value>: @unchecked Sendable {
    private let lock = NSLock()
    private var stored: Value
    init(_ value: Value) { stored = value }
    var value: Value { lock.withLock { stored } }
    func update(_ change: (inout Value) -> Void) { lock.withLock { change(&stored) } }
}
