import COpenSSL

/// Configured EVP_PKEY_CTXs of one key, parked per configuration (padding and label) and
/// checked out by one thread at a time: set-up costs about as much as a 1024-bit encryption, so
/// both OpenSSL backends reuse contexts as a careful OpenSSL caller would. Frees them all at the end.
final class OpenSSLContextPool<Configuration: Hashable>: @unchecked Sendable {
    private let parked = LockedValue<[Configuration: [OpaquePointer]]>([:])

    deinit {
        parked.withLock { contexts in
            for list in contexts.values { for ctx in list { EVP_PKEY_CTX_free(ctx) } }
        }
    }

    /// A parked context for `configuration`, or a new one from `make`.
    func checkout(_ configuration: Configuration, make: () throws -> OpaquePointer) rethrows -> OpaquePointer {
        if let ctx = parked.withLock({ $0[configuration]?.popLast() }) { return ctx }
        return try make()
    }

    /// Parks a context that is fit for reuse.
    func giveBack(_ ctx: OpaquePointer, for configuration: Configuration) {
        parked.withLock { $0[configuration, default: []].append(ctx) }
    }
}
