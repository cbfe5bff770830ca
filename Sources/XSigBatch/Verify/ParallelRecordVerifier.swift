import Dispatch
import XSignature

/// Verifies a slice of batch records on all cores (the private-key operation dominates, about a
/// millisecond per 2048-bit record), in groups of eight records per decryption call (one lanes
/// pass on the lanes backend), returning the results in record order.
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

    /// Records per decryption group: the lanes engine's eight lanes (other backends decrypt a
    /// group one record after another, at no extra cost).
    public static let group = 8

    public func verify(_ records: [VerifiableRecord]) -> [VerificationResult] {
        let groups = (records.count + Self.group - 1) / Self.group
        @Sendable func run(_ g: Int) -> ArraySlice<VerifiableRecord> {
            records[(g * Self.group)..<min(records.count, (g + 1) * Self.group)]
        }
        guard jobs > 1, groups > 1 else {
            return (0..<groups).flatMap { verifier.verify(records: Array(run($0)), expecting: expectations) }
        }
        let results = ResultSlots(count: records.count)
        let workers = min(jobs, groups)
        // Strided split over groups of eight: worker w takes groups w, w + workers, ...; each slot is written once.
        DispatchQueue.concurrentPerform(iterations: workers) { worker in
            var g = worker
            while g < groups {
                for (offset, result) in verifier.verify(records: Array(run(g)), expecting: expectations).enumerated() {
                    results.store(result, at: g * Self.group + offset)
                }
                g += workers
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
