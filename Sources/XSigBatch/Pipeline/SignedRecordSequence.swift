import XSignature
/// Signed records over an `AsyncSequence` of records, one per `next()`, in order: record i of
/// the base sequence is signed as index i. Signing happens in `next()` on the caller's task
/// (about 50 µs at 2048 bits), so a load generator that wants more than one core's worth runs
/// several of these, or calls ``BatchSigner/sign(_:index:)`` from its own tasks.
///
/// With ``BatchErrorPolicy/fail`` a bad record ends the iteration by throwing its
/// ``BatchRecordError``; with ``BatchErrorPolicy/skip`` it is left out.
public struct SignedRecordSequence<Base: AsyncSequence>: AsyncSequence where Base.Element == BatchRecord {
    public typealias Element = SignedRecord

    let signer: BatchSigner
    let base: Base

    public func makeAsyncIterator() -> AsyncIterator {
        AsyncIterator(signer: signer, base: base.makeAsyncIterator())
    }

    public struct AsyncIterator: AsyncIteratorProtocol {
        let signer: BatchSigner
        var base: Base.AsyncIterator
        var index: UInt64 = 0

        public mutating func next() async throws -> SignedRecord? {
            while let record = try await base.next() {
                let i = index
                index += 1
                do {
                    return try signer.sign(record, index: i)
                } catch let error as BatchRecordError {
                    if signer.configuration.onError == .fail { throw error }
                }
            }
            return nil
        }
    }
}

extension SignedRecordSequence: Sendable where Base: Sendable {}

extension BatchSigner {
    /// Signs the records of `records` lazily, in order.
    ///
    /// ```swift
    /// let tokens = AsyncStream<BatchRecord> { continuation in ... }
    /// for try await signed in batch.signatures(for: tokens) {
    ///     try await send(signed.request!)      // the load generator's own HTTP call
    /// }
    /// ```
    public func signatures<Records: AsyncSequence>(for records: Records) -> SignedRecordSequence<Records>
    where Records.Element == BatchRecord {
        SignedRecordSequence(signer: self, base: records)
    }
}
