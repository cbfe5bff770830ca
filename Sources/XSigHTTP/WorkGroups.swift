import Dispatch
import NIOCore
#if canImport(Glibc)
import Glibc
#endif

/// A queue of requests that dedicated threads take in groups of up to `capacity`, for servers
/// whose work is cheaper per item in groups (the lanes engine: eight RSA operations per kernel
/// call). The sidecar signs through one, the mock decrypts through one.
///
/// How long a group waits to fill follows the concurrency the server sees: each item notes how
/// many items were in flight when it arrived (queued, being processed, or done and not yet
/// picked up by its event loop). A thread forming a group waits for as many items as that
/// concurrency (at most `capacity`), but never longer than `window` after the oldest queued item
/// arrived. An item that comes alone (one client, one request at a time) finds concurrency 1 and
/// is processed at once. One thread at a time forms a group, so with several threads one works
/// while the next group fills. With `capacity` 1 every item is its own group.
///
/// The queue holds at most one item per open connection (HTTP/1.1, one request at a time), so
/// the server's connection limit bounds it.
public final class WorkGroups<Input: Sendable, Output: Sendable>: @unchecked Sendable {
    private struct Job {
        let input: Input
        let arrived: UInt64
        /// Items in flight when this one arrived, itself included.
        let concurrency: Int
        let promise: EventLoopPromise<Output>
    }

    public let capacity: Int
    private let window: UInt64
    private let process: @Sendable ([Input]) -> [Output]
    private let refuseAfterShutdown: @Sendable (Input) -> Output
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

    /// Starts `threads` threads. `process` gets each group in arrival order and returns one
    /// output per input, in order; it must not throw away an item (an item that fails gets its
    /// failure as its output). `refuseAfterShutdown` answers an item submitted after
    /// ``shutdown()``. `observeGroup(size, waits)` is called after each group with the seconds
    /// each item waited in the queue.
    public init(capacity: Int, windowMicroseconds: Int, threads: Int,
                refuseAfterShutdown: @escaping @Sendable (Input) -> Output,
                process: @escaping @Sendable ([Input]) -> [Output],
                observeGroup: @escaping @Sendable (Int, [Double]) -> Void = { _, _ in }) {
        self.capacity = max(1, capacity)
        window = UInt64(max(0, windowMicroseconds)) * 1000
        self.process = process
        self.refuseAfterShutdown = refuseAfterShutdown
        self.observeGroup = observeGroup
        pthread_mutex_init(mutex, nil)
        var attributes = pthread_condattr_t()
        pthread_condattr_init(&attributes)
        pthread_condattr_setclock(&attributes, CLOCK_MONOTONIC)
        pthread_cond_init(condition, &attributes)
        pthread_condattr_destroy(&attributes)
        for _ in 0..<max(1, threads) {
            self.threads.enter()
            WorkThread.start { [self] in
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

    /// Queues `input`; the future completes on `eventLoop` with its output.
    public func submit(_ input: Input, on eventLoop: any EventLoop) -> EventLoopFuture<Output> {
        let promise = eventLoop.makePromise(of: Output.self)
        pthread_mutex_lock(mutex)
        if stopped {
            pthread_mutex_unlock(mutex)
            promise.succeed(refuseAfterShutdown(input))
            return promise.futureResult
        }
        inFlight += 1
        queue.append(Job(input: input, arrived: Self.monotonicNanoseconds(), concurrency: inFlight, promise: promise))
        pthread_cond_broadcast(condition)
        pthread_mutex_unlock(mutex)
        // Runs on the event loop once it has taken the answer, before the caller's own callbacks.
        promise.futureResult.whenComplete { [self] _ in
            pthread_mutex_lock(mutex)
            inFlight -= 1
            pthread_mutex_unlock(mutex)
        }
        return promise.futureResult
    }

    /// Processes what is queued, stops the threads and waits for them.
    public func shutdown() {
        pthread_mutex_lock(mutex)
        stopped = true
        pthread_cond_broadcast(condition)
        pthread_mutex_unlock(mutex)
        threads.wait()
    }

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
            complete(group)
            pthread_mutex_lock(mutex)
        }
        pthread_mutex_unlock(mutex)
    }

    private func complete(_ group: [Job]) {
        let started = Self.monotonicNanoseconds()
        let waits = group.map { Double(started &- $0.arrived) / 1e9 }
        let outputs = process(group.map(\.input))
        precondition(outputs.count == group.count, "WorkGroups: process must return one output per input")
        // Observed before any answer leaves, so a metrics scrape after an answer includes its group.
        observeGroup(group.count, waits)
        for (job, output) in zip(group, outputs) { job.promise.succeed(output) }
    }

    public static func monotonicNanoseconds() -> UInt64 {
        var now = timespec()
        clock_gettime(CLOCK_MONOTONIC, &now)
        return UInt64(now.tv_sec) * 1_000_000_000 + UInt64(now.tv_nsec)
    }
}

/// A detached OS thread for a loop that blocks (a Dispatch worker would be taken from the
/// shared pool for the life of the server).
public enum WorkThread {
    public static func start(_ body: @escaping @Sendable () -> Void) {
        final class Box { let body: @Sendable () -> Void; init(_ body: @escaping @Sendable () -> Void) { self.body = body } }
        let context = Unmanaged.passRetained(Box(body)).toOpaque()
        var thread = pthread_t()
        let rc = pthread_create(&thread, nil, { context in
            let box = Unmanaged<Box>.fromOpaque(context!).takeRetainedValue()
            box.body()
            return nil
        }, context)
        precondition(rc == 0, "xsig: cannot start a worker thread (pthread_create: \(rc))")
        pthread_detach(thread)
    }
}
