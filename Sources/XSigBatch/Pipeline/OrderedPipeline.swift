#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import XSignature

/// A bounded, order-keeping parallel map: one producer thread reads items, `workers` threads
/// transform them, and the calling thread consumes the results in production order.
///
/// Memory stays flat whatever the input size: at most `window` items exist at once between
/// production and consumption (queued, being transformed, or finished and waiting for an
/// earlier one), so the producer blocks when the consumer or the workers fall behind.
///
/// Plain threads and one mutex rather than Swift concurrency: the work is CPU-bound and
/// blocking (RSA, read(2), write(2)), and each worker must stay on one OS thread with its own
/// buffers.
final class OrderedPipeline<Input, Output>: @unchecked Sendable {
    private let workers: Int
    private let window: Int
    private let monitor = Monitor(conditions: 3)
    private static var producerCondition: Int { 0 }
    private static var workerCondition: Int { 1 }
    private static var consumerCondition: Int { 2 }

    // Guarded by `monitor`.
    private var queue: [(sequence: Int, item: Input)] = []
    private var queueHead = 0
    private var results: [Int: Output] = [:]
    private var produced = 0
    private var consumed = 0
    private var producerFinished = false
    private var producerError: (any Error)?
    private var stopped = false
    /// CPU time the worker threads used, summed; complete once ``run`` returns.
    private(set) var workerCPUSeconds = 0.0

    init(workers: Int, window: Int) {
        precondition(workers >= 1 && window >= 1)
        self.workers = workers
        self.window = window
    }

    /// Runs to the end of the input, until `consume` returns false, or until something throws.
    /// A producer error is rethrown after every item produced before it has been consumed.
    func run(produce: () throws -> Input?, transform: (Input, _ worker: Int) -> Output,
             consume: (Output) throws -> Bool) throws {
        try withoutActuallyEscaping(produce) { produce in
            try withoutActuallyEscaping(transform) { transform in
                let produceBox = UncheckedBox(produce)
                let transformBox = UncheckedBox(transform)
                var threads: [PThread] = []
                threads.append(PThread { [self] in self.producerLoop(produceBox.value) })
                for w in 0..<workers {
                    threads.append(PThread { [self] in self.workerLoop(transformBox.value, worker: w) })
                }
                defer { for thread in threads { thread.join() } }
                do {
                    try consumerLoop(consume)
                } catch {
                    stop()
                    throw error
                }
            }
        }
    }

    private func stop() {
        monitor.lock()
        stopped = true
        monitor.broadcast(Self.producerCondition)
        monitor.broadcast(Self.workerCondition)
        monitor.unlock()
    }

    private func producerLoop(_ produce: () throws -> Input?) {
        while true {
            monitor.lock()
            while !stopped && produced - consumed >= window { monitor.wait(Self.producerCondition) }
            let stop = stopped
            monitor.unlock()
            if stop { break }
            let item: Input?
            var failure: (any Error)?
            do { item = try produce() } catch { item = nil; failure = error }
            monitor.lock()
            if let item {
                queue.append((produced, item))
                produced += 1
                monitor.signal(Self.workerCondition)
                monitor.unlock()
            } else {
                producerFinished = true
                producerError = failure
                monitor.broadcast(Self.workerCondition)
                monitor.signal(Self.consumerCondition)
                monitor.unlock()
                break
            }
        }
        // Wake a consumer waiting for items that will never come after a stop.
        monitor.lock()
        producerFinished = true
        monitor.signal(Self.consumerCondition)
        monitor.unlock()
    }

    private func workerLoop(_ transform: (Input, Int) -> Output, worker: Int) {
        while true {
            monitor.lock()
            while queueHead == queue.count && !producerFinished && !stopped { monitor.wait(Self.workerCondition) }
            if stopped || queueHead == queue.count {
                workerCPUSeconds += Clocks.threadCPUSeconds()
                monitor.unlock()
                return
            }
            let (sequence, item) = queue[queueHead]
            queueHead += 1
            if queueHead > 64 && queueHead * 2 > queue.count {
                queue.removeFirst(queueHead)
                queueHead = 0
            }
            monitor.unlock()
            let output = transform(item, worker)
            monitor.lock()
            results[sequence] = output
            if sequence == consumed { monitor.signal(Self.consumerCondition) }
            monitor.unlock()
        }
    }

    private func consumerLoop(_ consume: (Output) throws -> Bool) throws {
        while true {
            monitor.lock()
            while results[consumed] == nil && !(producerFinished && consumed == produced) {
                monitor.wait(Self.consumerCondition)
            }
            guard let output = results.removeValue(forKey: consumed) else {
                let failure = producerError
                monitor.unlock()
                if let failure { throw failure }
                return
            }
            monitor.unlock()
            let goOn = try consume(output)
            monitor.lock()
            consumed += 1
            monitor.signal(Self.producerCondition)
            monitor.unlock()
            if !goOn {
                stop()
                return
            }
        }
    }
}

/// A pthread mutex with a few condition variables.
final class Monitor: @unchecked Sendable {
    private let mutex: UnsafeMutablePointer<pthread_mutex_t>
    private let conditions: UnsafeMutablePointer<pthread_cond_t>
    private let count: Int

    init(conditions count: Int) {
        self.count = count
        mutex = .allocate(capacity: 1)
        pthread_mutex_init(mutex, nil)
        conditions = .allocate(capacity: count)
        for i in 0..<count { pthread_cond_init(conditions + i, nil) }
    }

    deinit {
        for i in 0..<count { pthread_cond_destroy(conditions + i) }
        pthread_mutex_destroy(mutex)
        conditions.deallocate()
        mutex.deallocate()
    }

    func lock() { pthread_mutex_lock(mutex) }
    func unlock() { pthread_mutex_unlock(mutex) }
    func wait(_ condition: Int) { pthread_cond_wait(conditions + condition, mutex) }
    func signal(_ condition: Int) { pthread_cond_signal(conditions + condition) }
    func broadcast(_ condition: Int) { pthread_cond_broadcast(conditions + condition) }
}

/// A joinable OS thread running one closure.
final class PThread {
    private final class Body {
        let run: () -> Void
        init(_ run: @escaping () -> Void) { self.run = run }
    }

    #if canImport(Glibc)
    private var thread = pthread_t()
    #else
    private var thread: pthread_t?
    #endif

    init(_ body: @escaping () -> Void) {
        let context = Unmanaged.passRetained(Body(body)).toOpaque()
        let rc = pthread_create(&thread, nil, { context in
            #if canImport(Glibc)
            let body = Unmanaged<Body>.fromOpaque(context!).takeRetainedValue()
            #else
            let body = Unmanaged<Body>.fromOpaque(context).takeRetainedValue()
            #endif
            body.run()
            return nil
        }, context)
        precondition(rc == 0, "xsig: cannot start a thread (pthread_create: \(rc))")
    }

    func join() {
        #if canImport(Glibc)
        pthread_join(thread, nil)
        #else
        if let thread { pthread_join(thread, nil) }
        #endif
    }
}

/// Carries a value the compiler cannot prove Sendable across a thread boundary whose safety the
/// pipeline's locking establishes.
struct UncheckedBox<T>: @unchecked Sendable {
    let value: T
    init(_ value: T) { self.value = value }
}
