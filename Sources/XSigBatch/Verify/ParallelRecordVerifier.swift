import Dispatch
import XSignature

/// Verifies a slice of batch records on all cores (the private-key operation dominates, about a
/// millisecond per 2048-bit record), returning the results in record order.
public struct ParallelRecordVerifier: Sendable {
    public let verifier: XSignatureVerifier
    public let expectations: XSignatureVerifier.Expectations
    /// Worker threads; at least 1.
    public let jobs: Int

    public init(verifier: XSignatureVerifier, expectations: XSignatureVerifier.Expectations = .init(), jobs: Int) {
        self.verifier = verifier
        self.expectations = expectations
        self.jobs = max(1, jobs)
    }

    public func verify(_ records: [VerifiableRecord]) -> [VerificationResult] {
        guard jobs > 1, records.count > 1 else { return records.map { verifier.verify(record: $0, expecting: expectations) } }
        let results = ResultSlots(count: records.count)
        let workers = min(jobs, records.count)
        // Strided split: worker w takes records w, w + workers, ...; each slot is written once.
        DispatchQueue.concurrentPerform(iterations: workers) { worker in
            var i = worker
            while i < records.count {
                results.store(verifier.verify(record: records[i], expecting: expectations), at: i)
                i += workers
            }
        }
        return results.values()
    }
}

/// Fixed slots filled by concurrentPerform's workers, each slot by exactly one of them, and read
/// after concurrentPerform has returned (which orders the accesses).
private final class ResultSlots: @unchecked Sendable {
    private let slots: UnsafeMutableBufferPointer<VerificationResult?>

    init(count: Int) {
        slots = .allocate(capacity: count)
        slots.initialize(repeating: nil)
    }

    deinit {
        slots.deinitialize()
        slots.deallocate()
    }

    func store(_ result: VerificationResult, at index: Int) { slots[index] = result }

    func values() -> [VerificationResult] { slots.map { $0! } }
}
