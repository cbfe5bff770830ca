import Dispatch
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import XSignature

/// Progress callback: (samples done, samples total, what runs now, seconds left estimate).
public typealias BenchProgress = (Int, Int, String, Double) -> Void

/// Runs a ``BenchConfiguration``.
public struct BenchRunner {
    public let configuration: BenchConfiguration

    public init(configuration: BenchConfiguration) throws {
        guard !configuration.bits.isEmpty, !configuration.paddings.isEmpty, !configuration.backends.isEmpty,
              !configuration.operations.isEmpty, !configuration.threads.isEmpty else {
            throw XSigError(.invalidArgument, "every list (bits, padding, backend, operation, threads) needs at least one entry")
        }
        for bits in configuration.bits where bits < KeyPolicy.weakMinimumBits || bits > KeyPolicy.maximumBits {
            throw XSigError(.invalidArgument, "--bits \(bits) is outside \(KeyPolicy.weakMinimumBits)...\(KeyPolicy.maximumBits)")
        }
        for threads in configuration.threads where threads < 1 || threads > 256 {
            throw XSigError(.invalidArgument, "--threads \(threads) is outside 1...256")
        }
        guard configuration.samples >= 1 else { throw XSigError(.invalidArgument, "--samples must be at least 1") }
        guard configuration.seconds > 0 else { throw XSigError(.invalidArgument, "--seconds must be positive") }
        for padding in configuration.paddings {
            let smallest = configuration.bits.min()!
            if Self.payloadOctets(configuration, bits: smallest, padding: padding) < 57 {
                throw XSigError(.invalidArgument, "\(padding.name) under a \(smallest)-bit key leaves no room for a payload")
            }
        }
        self.configuration = configuration
    }

    /// The payload length of a case: the configured one, or the longest that fits the padding
    /// under a small key (oaep-sha256 carries at most 62 octets under 1024 bits).
    static func payloadOctets(_ config: BenchConfiguration, bits: Int, padding: RSAEncryptionPadding) -> Int {
        min(56 + config.tokenLength, padding.maximumMessageLength(modulusOctets: (bits + 7) / 8))
    }

    public func run(progress: BenchProgress? = nil, keyNote: ((Int) -> Void)? = nil) throws -> BenchReport {
        let started = Clocks.wallSeconds()
        let clockStart = Clocks.monotonicSeconds()
        let config = configuration
        var keys: [Int: BenchKey] = [:]
        for bits in config.bits {
            keyNote?(bits)
            keys[bits] = try BenchKey(bits: bits)
        }
        let sampleSeconds = config.sampleSeconds
        let eta = BenchETA(sampleSeconds: sampleSeconds, samplingStart: Clocks.monotonicSeconds())
        let total = config.caseCount * config.backends.count * config.samples
        var done = 0
        var results: [BenchCaseResult] = []
        for bits in config.bits {
            for padding in config.paddings {
                for operation in config.operations {
                    for threads in config.threads {
                        let label = "\(bits) \(padding.name) \(operation.rawValue) x\(threads)"
                        let octets = Self.payloadOctets(config, bits: bits, padding: padding)
                        let token = String((0..<(octets - 56)).map { Character(Unicode.Scalar(UInt8(97 + $0 % 26))) })
                        let payload = try SignaturePayload(sessionToken: token, timestamp: 1_628_496_895_102)
                        precondition(payload.byteCount == octets, "payload length")
                        let workloads = try config.backends.map { backend in
                            try BenchWorkloads.make(operation: operation, key: keys[bits]!, padding: padding,
                                                    backend: backend, payload: payload)
                        }
                        // Warm-up: contexts, pools, caches and thread pools on every backend.
                        for workload in workloads {
                            _ = try BenchRunner.measure(threads: threads, seconds: min(0.05, sampleSeconds), clock: config.clock, workload: workload)
                        }
                        var ops = [[Double]](repeating: [], count: workloads.count)
                        var counted = [Int](repeating: 0, count: workloads.count)
                        for _ in 0..<config.samples {
                            for (i, workload) in workloads.enumerated() {
                                progress?(done, total, "\(label) \(config.backends[i].rawValue)",
                                          eta.secondsLeft(done: done, total: total, now: Clocks.monotonicSeconds()))
                                let (count, rate) = try BenchRunner.measure(threads: threads, seconds: sampleSeconds,
                                                                            clock: config.clock, workload: workload)
                                ops[i].append(rate)
                                counted[i] += count
                                done += 1
                            }
                        }
                        let series = config.backends.indices.map { i in
                            BenchSeries(backend: config.backends[i], opsPerSecond: BenchStatistics(ops[i]),
                                        perCore: BenchStatistics(ops[i].map { $0 / Double(min(threads, max(1, BenchMachine.coreCount))) }),
                                        operationsCounted: counted[i])
                        }
                        var ratios: [RSAEncryptor.Backend: BenchStatistics] = [:]
                        if let o = config.backends.firstIndex(of: .openssl) {
                            for (i, backend) in config.backends.enumerated() where i != o {
                                ratios[backend] = BenchStatistics(zip(ops[i], ops[o]).map { $0 / $1 })
                            }
                        }
                        results.append(BenchCaseResult(bits: bits, padding: padding, operation: operation, threads: threads,
                                                       payloadOctets: octets, series: series, ratiosToOpenSSL: ratios))
                    }
                }
            }
        }
        progress?(total, total, "done", 0)
        return BenchReport(configuration: config, machine: .current(), cases: results, startedAt: started,
                           elapsedSeconds: Clocks.monotonicSeconds() - clockStart)
    }

    /// Runs `threads` copies of the workload for about `seconds` of wall-clock time; returns the
    /// operations counted and the rate (operations per second of `clock`, summed over threads).
    static func measure(threads: Int, seconds: Double, clock: BenchClockKind, workload: BenchWorkload) throws -> (Int, Double) {
        if threads == 1 {
            let step = try workload.makeStep()
            let r = try loop(step, seconds: seconds)
            return (r.count, Double(r.count) / (clock == .cpu ? r.cpu : r.wall))
        }
        let shared = BenchThreadShared(steps: try (0..<threads).map { _ in try workload.makeStep() })
        DispatchQueue.concurrentPerform(iterations: threads) { i in
            do { shared.results[i] = try loop(shared.steps[i], seconds: seconds) } catch { shared.failure.set(error) }
        }
        if let error = shared.failure.error { throw error }
        let count = shared.results.reduce(0) { $0 + $1.count }
        switch clock {
        case .cpu:
            return (count, shared.results.reduce(0.0) { $0 + Double($1.count) / $1.cpu })
        case .wall:
            return (count, Double(count) / (shared.results.map(\.wall).max() ?? seconds))
        }
    }

    struct LoopResult { var count = 0, wall = 0.0, cpu = 0.0 }

    private static func loop(_ step: BenchStep, seconds: Double) throws -> LoopResult {
        let start = Clocks.monotonicSeconds()
        let cpuStart = Clocks.threadCPUSeconds()
        var count = 0
        var now = start
        repeat {
            try step.run()
            count += step.operations
            now = Clocks.monotonicSeconds()
        } while now - start < seconds
        let cpu = max(1e-9, Clocks.threadCPUSeconds() - cpuStart)
        return LoopResult(count: count, wall: now - start, cpu: cpu)
    }
}

/// State shared by the measuring threads of one sample; each thread touches only its own slot.
final class BenchThreadShared: @unchecked Sendable {
    let steps: [BenchStep]
    let results: UnsafeMutableBufferPointer<BenchRunner.LoopResult>
    let failure = BenchFailureBox()
    init(steps: [BenchStep]) {
        self.steps = steps
        results = .allocate(capacity: steps.count)
        results.initialize(repeating: BenchRunner.LoopResult())
    }
    deinit { results.deallocate() }
}

final class BenchFailureBox: @unchecked Sendable {
    private var stored: (any Error)?
    private var lock = pthread_mutex_t()
    init() { pthread_mutex_init(&lock, nil) }
    deinit { pthread_mutex_destroy(&lock) }
    func set(_ error: any Error) {
        pthread_mutex_lock(&lock)
        if stored == nil { stored = error }
        pthread_mutex_unlock(&lock)
    }
    var error: (any Error)? {
        pthread_mutex_lock(&lock)
        defer { pthread_mutex_unlock(&lock) }
        return stored
    }
}
