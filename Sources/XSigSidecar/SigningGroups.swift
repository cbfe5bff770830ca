import Dispatch
import NIOCore
import XSignature
#if canImport(Glibc)
import Glibc
#endif

/// One `/sign` request's signature, made at the moment its group was signed.
struct SignedPayload: Sendable {
    let payload: SignaturePayload
    let signature: String
}

/// The sidecar's RSA work, off the event loops: `/sign` requests queue here and dedicated
/// signing threads take them in groups.
///
/// On the lanes engine a group is up to eight requests signed by one
/// `XSignatureSigner.sign(_:random:)` call (one kernel call for all eight). How long a group
/// waits to fill follows the concurrency the sidecar sees: each request notes how many requests
/// were in flight when it arrived (queued, being signed, or signed and not yet picked up by its
/// event loop). A thread forming a group waits for as many requests as that concurrency (at most
/// eight), but never longer than `window` after the oldest queued request arrived. A request
/// that comes alone (one client, one request at a time) finds concurrency 1 and is signed at
/// once. On gmp and openssl a group is one request. One thread at a time forms a group, so with
/// several threads one signs while the next group fills.
///
/// The queue holds at most one request per open connection (HTTP/1.1, one request at a time),
/// so the connection limit bounds it.
final class SigningGroups: @unchecked Sendable {
    private struct Job {
        let token: String
        let arrived: UInt64
        /// Requests in flight when this one arrived, itself included.
        let concurrency: Int
        let promise: EventLoopPromise<Result<SignedPayload, SidecarRefusal>>
    }

    let capacity: Int
    private let window: UInt64
    private let configuration: SidecarConfiguration
    private let observeGroup: @Sendable (Int, [Double]) -> Void

    // Guarded by `mutex`.
    private var queue: [Job] = []
    private var forming = false
    private var inFlight = 0
    private var lastConcurrency = 1
    private var stopped = false

    private let mutex = UnsafeMutablePointer<pthread_mutex_t>.allocate(capacity: 1)
    private let condition = UnsafeMutablePointer<pthread_cond_t>.allocate(capacity: 1)
    private let threads = DispatchGroup()

    /// Starts `configuration.signingThreads` threads. `observeGroup(size, waits)` is called after
    /// each group with the seconds each request waited in the queue.
    init(configuration: SidecarConfiguration, observeGroup: @escaping @Sendable (Int, [Double]) -> Void = { _, _ in }) {
        self.configuration = configuration
        capacity = configuration.groupCapacity
        window = UInt64(max(0, configuration.groupWindowMicroseconds)) * 1000
        self.observeGroup = observeGroup
        pthread_mutex_init(mutex, nil)
        var attributes = pthread_condattr_t()
        pthread_condattr_init(&attributes)
        pthread_condattr_setclock(&attributes, CLOCK_MONOTONIC)
        pthread_cond_init(condition, &attributes)
        pthread_condattr_destroy(&attributes)
        for _ in 0..<max(1, configuration.signingThreads) {
            threads.enter()
            SigningThread.start { [self] in
                self.run()
                self.threads.leave()
            }
        }
    }

    deinit {
        pthread_cond_destroy(condition)
        pthread_mutex_destroy(mutex)
        condition.deallocate()
        mutex.deallocate()
    }

    /// Queues `token` for signing; the future completes on `eventLoop`.
    func submit(token: String, on eventLoop: any EventLoop) -> EventLoopFuture<Result<SignedPayload, SidecarRefusal>> {
        let promise = eventLoop.makePromise(of: Result<SignedPayload, SidecarRefusal>.self)
        pthread_mutex_lock(mutex)
        if stopped {
            pthread_mutex_unlock(mutex)
            promise.succeed(.failure(SidecarRefusal(.serviceUnavailable, code: "shutting_down", "the sidecar is shutting down")))
            return promise.futureResult
        }
        inFlight += 1
        queue.append(Job(token: token, arrived: Self.monotonicNanoseconds(), concurrency: inFlight, promise: promise))
        pthread_cond_broadcast(condition)
        pthread_mutex_unlock(mutex)
        // Runs on the event loop once it has taken the answer, before the responder's own callbacks.
        promise.futureResult.whenComplete { [self] _ in
            pthread_mutex_lock(mutex)
            inFlight -= 1
            pthread_mutex_unlock(mutex)
        }
        return promise.futureResult
    }

    /// Signs what is queued, stops the threads and waits for them.
    func shutdown() {
        pthread_mutex_lock(mutex)
        stopped = true
        pthread_cond_broadcast(condition)
        pthread_mutex_unlock(mutex)
        threads.wait()
    }

    // MARK: - The signing threads

    private func run() {
        pthread_mutex_lock(mutex)
        while true {
            while (queue.isEmpty || forming) && !stopped { pthread_cond_wait(condition, mutex) }
            if queue.isEmpty { break }  // stopped and nothing left
            if forming { pthread_cond_wait(condition, mutex); continue }
            forming = true
            let target = min(capacity, max(lastConcurrency, queue.lazy.map(\.concurrency).max() ?? 1))
            if queue.count < target && !stopped {
                let deadline = queue[0].arrived + window
                while queue.count < target && !stopped && Self.monotonicNanoseconds() < deadline {
                    var until = timespec(tv_sec: Int(deadline / 1_000_000_000), tv_nsec: Int(deadline % 1_000_000_000))
                    pthread_cond_timedwait(condition, mutex, &until)
                }
            }
            let size = min(capacity, queue.count)
            let group = Array(queue.prefix(size))
            queue.removeFirst(size)
            lastConcurrency = group.lazy.map(\.concurrency).max() ?? 1
            forming = false
            pthread_cond_broadcast(condition)
            pthread_mutex_unlock(mutex)
            sign(group)
            pthread_mutex_lock(mutex)
        }
        pthread_mutex_unlock(mutex)
    }

    /// One RSA call for the group (one per request off the lanes engine); every request gets
    /// its own outcome, and a request that cannot be signed does not hold up the others.
    private func sign(_ group: [Job]) {
        let started = Self.monotonicNanoseconds()
        let waits = group.map { Double(started &- $0.arrived) / 1e9 }
        let timestamp = configuration.signingTimestamp()
        let signer = configuration.signer
        var outcomes = [Result<SignedPayload, SidecarRefusal>?](repeating: nil, count: group.count)
        var payloads: [SignaturePayload] = []
        var slots: [Int] = []
        for (slot, job) in group.enumerated() {
            do {
                let payload = try SignaturePayload(sessionToken: job.token, timestamp: timestamp)
                try signer.encryptor.checkLength(payload.byteCount, padding: signer.padding)
                payloads.append(payload)
                slots.append(slot)
            } catch {
                outcomes[slot] = .failure(Self.refusal(error, what: "payload_too_long"))
            }
        }
        if !payloads.isEmpty {
            do {
                let signatures: [String]
                if payloads.count == 1 {
                    signatures = [try signer.sign(payloads[0])]
                } else {
                    var random = [SecureRandom()]
                    signatures = try signer.sign(payloads, random: &random)
                }
                for (index, slot) in slots.enumerated() {
                    outcomes[slot] = .success(SignedPayload(payload: payloads[index], signature: signatures[index]))
                }
            } catch {
                for slot in slots { outcomes[slot] = .failure(Self.refusal(error, what: "signing_failed")) }
            }
        }
        for (job, outcome) in zip(group, outcomes) { job.promise.succeed(outcome!) }
        observeGroup(group.count, waits)
    }

    /// A payload the key cannot carry (a token too long for the key and padding) is the
    /// client's fault: 400 with xsig's message, which gives lengths, never the token.
    private static func refusal(_ error: any Error, what code: String) -> SidecarRefusal {
        let message = (error as? XSigError)?.message ?? "the payload could not be signed"
        return code == "payload_too_long"
            ? SidecarRefusal(code: code, "session token: \(message)")
            : SidecarRefusal(.internalServerError, code: code, message)
    }

    static func monotonicNanoseconds() -> UInt64 {
        var now = timespec()
        clock_gettime(CLOCK_MONOTONIC, &now)
        return UInt64(now.tv_sec) * 1_000_000_000 + UInt64(now.tv_nsec)
    }
}

/// A detached OS thread for a loop that blocks (a Dispatch worker would be taken from the
/// shared pool for the life of the server).
enum SigningThread {
    static func start(_ body: @escaping @Sendable () -> Void) {
        final class Box { let body: @Sendable () -> Void; init(_ body: @escaping @Sendable () -> Void) { self.body = body } }
        let context = Unmanaged.passRetained(Box(body)).toOpaque()
        var thread = pthread_t()
        let rc = pthread_create(&thread, nil, { context in
            let box = Unmanaged<Box>.fromOpaque(context!).takeRetainedValue()
            box.body()
            return nil
        }, context)
        precondition(rc == 0, "xsig: cannot start a signing thread (pthread_create: \(rc))")
        pthread_detach(thread)
    }
}
