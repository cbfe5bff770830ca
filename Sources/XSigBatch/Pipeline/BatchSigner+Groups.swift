import XSignature

/// A chunk's records signed in groups: on the lanes engine the RSA operations of a group run
/// eight per kernel call; on the one-at-a-time engines a group is one record. Either way every
/// record keeps its own index, randomness (stream index = global index with `seed`) and outcome,
/// in input order.
extension BatchSigner {
    /// A record whose every check before the RSA operation has passed.
    struct PreparedRecord {
        let index: UInt64
        let line: Int
        let payload: SignaturePayload
        let fields: LogoutHeaderFields
        let route: RequestRoute
        let wantsRequest: Bool

        func finish(signature: String) throws -> SignedRecord {
            let request = wantsRequest ? try fields.request(signature: signature, route: route) : nil
            return SignedRecord(index: index, line: line, payload: payload, signature: signature, request: request)
        }
    }

    /// Records per RSA batch: the lane count of the engine, 1 for the others.
    var groupSize: Int { signer.encryptor.backend == .lanes ? 8 : 1 }

    /// Everything before the RSA operation, so that a record that cannot be signed costs nothing.
    func prepare(_ record: BatchRecord, index: UInt64, requireRequest: Bool) throws -> PreparedRecord {
        let timestamp = try record.timestamp ?? self.timestamp(forIndex: index)
        let payload = try SignaturePayload(sessionToken: record.sessionToken, timestamp: timestamp, nonce: record.nonce)
        let fields = configuration.headers.merging(record.headers)
        let wantsRequest = requireRequest || !fields.isEmpty
        if wantsRequest, let missing = fields.firstMissingMandatory { throw LogoutHeaderFields.missingError(missing) }
        try signer.encryptor.checkLength(payload.byteCount, padding: signer.padding)
        return PreparedRecord(index: index, line: record.line, payload: payload, fields: fields,
                              route: configuration.route, wantsRequest: wantsRequest)
    }

    /// Signs a chunk's records in order; with `.fail`, stops after the first bad one (nothing
    /// after it will be written).
    func process(_ chunk: InputChunk, requireRequest: Bool, _ emit: (Result<SignedRecord, BatchRecordError>) -> Void) {
        let size = groupSize
        var group: [PreparedRecord] = []
        group.reserveCapacity(size)
        func flush() {
            for outcome in signGroup(group) { emit(outcome) }
            group.removeAll(keepingCapacity: true)
        }
        for (offset, item) in chunk.items.enumerated() {
            let index = chunk.firstIndex + UInt64(offset)
            let failure: BatchRecordError
            switch item {
            case var .failure(error):
                error.index = index
                failure = error
            case let .success(record):
                if size == 1 {
                    do { emit(.success(try sign(record, index: index, requireRequest: requireRequest))); continue } catch {
                        failure = Self.recordError(error, index: index, line: record.line)
                    }
                } else {
                    do {
                        group.append(try prepare(record, index: index, requireRequest: requireRequest))
                        if group.count == size { flush() }
                        continue
                    } catch {
                        failure = Self.recordError(error, index: index, line: record.line)
                    }
                }
            }
            flush()
            emit(.failure(failure))
            if configuration.onError == .fail { return }
        }
        flush()
    }

    /// One RSA batch for `group`; every record gets its own outcome.
    private func signGroup(_ group: [PreparedRecord]) -> [Result<SignedRecord, BatchRecordError>] {
        guard !group.isEmpty else { return [] }
        let signatures: [String]
        do {
            if let seed = configuration.seed {
                var random = group.map { DeterministicStream(seed: seed, index: $0.index) }
                signatures = try signer.sign(group.map(\.payload), random: &random)
            } else {
                var random = [SecureRandom()]
                signatures = try signer.sign(group.map(\.payload), random: &random)
            }
        } catch {
            return group.map { .failure(Self.recordError(error, index: $0.index, line: $0.line)) }
        }
        return zip(group, signatures).map { record, signature in
            do { return .success(try record.finish(signature: signature)) } catch {
                return .failure(Self.recordError(error, index: record.index, line: record.line))
            }
        }
    }

    static func recordError(_ error: any Error, index: UInt64, line: Int) -> BatchRecordError {
        switch error {
        case let error as BatchRecordError: return error
        case let error as XSigError: return BatchRecordError(index: index, line: line, message: error.message)
        default: return BatchRecordError(index: index, line: line, message: "\(error)")
        }
    }
}
