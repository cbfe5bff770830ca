import Dispatch
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import XSignature

/// What one benchmark case measures.
public enum BenchOperation: String, CaseIterable, Sendable, Hashable {
    /// RSAES encryption of a ~96-octet payload (padding + RSAEP), ciphertext into a buffer.
    case encrypt
    /// RSAES decryption with the private key (needs the private-key API).
    case decrypt
    /// One X-signature header: payload build + encryption + Base64 (XSignatureSigner.sign).
    case signPayload = "sign-payload"
}

/// The sweep `xsig bench` runs: every combination of bits x padding x operation x threads, each
/// measured on every backend, the backends interleaved sample by sample (A B A B ...).
public struct BenchConfiguration: Sendable {
    public var bits: [Int] = [1024, 2048, 3072, 4096]
    public var paddings: [RSAEncryptionPadding] = [.pkcs1v15, .oaepSHA256]
    public var backends: [RSAEncryptor.Backend] = [.gmp, .openssl]
    public var operations: [BenchOperation] = [.encrypt, .signPayload]
    public var threads: [Int] = [1]
    /// Approximate wall-clock budget of the measured samples, in seconds (key generation and
    /// warm-up come on top).
    public var seconds: Double = 60
    /// Samples per backend and case; the median is reported.
    public var samples: Int = 7
    /// Length of the session token; the default gives a 96-octet payload.
    public var tokenLength: Int = 40
    /// What a sample's rate is divided by.
    public var clock: BenchClockKind = .cpu

    public init() {}

    public var caseCount: Int { bits.count * paddings.count * operations.count * threads.count }

    /// Seconds one sample runs.
    public var sampleSeconds: Double {
        max(0.02, seconds / Double(max(1, caseCount * backends.count * samples)))
    }
}

/// The time base of the rates.
public enum BenchClockKind: String, CaseIterable, Sendable {
    /// Each measuring thread's own CPU time (CLOCK_THREAD_CPUTIME_ID): operations per CPU-second,
    /// unaffected by time the scheduler gives to other processes. The default, because shared and
    /// noisy machines are the rule; it is what one core delivers when it is yours.
    case cpu
    /// Elapsed wall-clock time: what the run delivered on this machine as loaded as it was.
    case wall
}

/// Median, extremes and all samples of one series.
public struct BenchStatistics: Sendable {
    public let samples: [Double]
    public let median: Double
    public let minimum: Double
    public let maximum: Double

    public init(_ samples: [Double]) {
        precondition(!samples.isEmpty, "statistics of no samples")
        self.samples = samples
        let sorted = samples.sorted()
        let mid = sorted.count / 2
        median = sorted.count % 2 == 1 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2
        minimum = sorted[0]
        maximum = sorted[sorted.count - 1]
    }
}

/// One backend's samples in one case. `opsPerSecond` is the total over all threads;
/// `perCore` divides by the thread count (each thread has a core of its own up to the core count).
public struct BenchSeries: Sendable {
    public let backend: RSAEncryptor.Backend
    public let opsPerSecond: BenchStatistics
    public let perCore: BenchStatistics
    public let operationsCounted: Int
}

/// One row of the sweep.
public struct BenchCaseResult: Sendable {
    public let bits: Int
    public let padding: RSAEncryptionPadding
    public let operation: BenchOperation
    public let threads: Int
    /// Octets of the signed payload (shorter than configured where the padding allows no more).
    public let payloadOctets: Int
    public let series: [BenchSeries]
    /// gmp / openssl computed sample by sample (the i-th gmp sample over the i-th openssl sample,
    /// taken back to back); nil unless both backends ran.
    public let ratio: BenchStatistics?

    public func series(_ backend: RSAEncryptor.Backend) -> BenchSeries? { series.first { $0.backend == backend } }
}

/// The machine and libraries a run was made on.
public struct BenchMachine: Sendable {
    public let cpu: String
    public let cores: Int
    public let openSSL: String
    public let gmp: String
    public let os: String

    public static func current() -> BenchMachine {
        var cpu = "unknown CPU"
        if let text = try? readTextFile("/proc/cpuinfo"),
           let line = text.split(separator: "\n").first(where: { $0.hasPrefix("model name") }),
           let colon = line.firstIndex(of: ":") {
            cpu = line[line.index(after: colon)...].benchTrimmed(in: " \t")
        }
        var os = "unknown OS"
        if let text = try? readTextFile("/etc/os-release"),
           let line = text.split(separator: "\n").first(where: { $0.hasPrefix("PRETTY_NAME=") }) {
            os = String(line.dropFirst("PRETTY_NAME=".count)).benchTrimmed(in: "\"")
        }
        var uts = utsname()
        if uname(&uts) == 0 {
            let machine = withUnsafeBytes(of: &uts.machine) { String(decoding: $0.prefix(while: { $0 != 0 }), as: UTF8.self) }
            let release = withUnsafeBytes(of: &uts.release) { String(decoding: $0.prefix(while: { $0 != 0 }), as: UTF8.self) }
            os += ", \(machine), kernel \(release)"
        }
        return BenchMachine(cpu: cpu, cores: Int(sysconf(Int32(_SC_NPROCESSORS_ONLN))),
                            openSSL: OpenSSLLibrary.version, gmp: "GMP " + GMPLibrary.version, os: os)
    }
}

/// A finished run.
public struct BenchReport: Sendable {
    public let configuration: BenchConfiguration
    public let machine: BenchMachine
    public let cases: [BenchCaseResult]
    /// Seconds since the epoch at the start.
    public let startedAt: Double
    public let elapsedSeconds: Double
}

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
                                let elapsed = Clocks.monotonicSeconds() - clockStart
                                let perSample = done > 0 ? elapsed / Double(done) : sampleSeconds
                                progress?(done, total, "\(label) \(config.backends[i].rawValue)", perSample * Double(total - done))
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
                        var ratio: BenchStatistics?
                        if let g = config.backends.firstIndex(of: .gmp), let o = config.backends.firstIndex(of: .openssl) {
                            ratio = BenchStatistics(zip(ops[g], ops[o]).map { $0 / $1 })
                        }
                        results.append(BenchCaseResult(bits: bits, padding: padding, operation: operation,
                                                       threads: threads, payloadOctets: octets, series: series, ratio: ratio))
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
            try step()
            count += 1
            now = Clocks.monotonicSeconds()
        } while now - start < seconds
        let cpu = max(1e-9, Clocks.threadCPUSeconds() - cpuStart)
        return LoopResult(count: count, wall: now - start, cpu: cpu)
    }
}

extension BenchMachine {
    static var coreCount: Int { Int(sysconf(Int32(_SC_NPROCESSORS_ONLN))) }
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

func readTextFile(_ path: String) throws -> String {
    guard let file = fopen(path, "r") else { throw XSigError(.io, "cannot open \(path)") }
    defer { fclose(file) }
    var bytes: [UInt8] = []
    var buffer = [UInt8](repeating: 0, count: 65536)
    while true {
        let n = fread(&buffer, 1, buffer.count, file)
        if n <= 0 { break }
        bytes += buffer[0..<n]
    }
    return String(decoding: bytes, as: UTF8.self)
}

extension Substring {
    func benchTrimmed(in set: String) -> String {
        let chars = Set(set)
        var s = self[...]
        while let f = s.first, chars.contains(f) { s = s.dropFirst() }
        while let l = s.last, chars.contains(l) { s = s.dropLast() }
        return String(s)
    }
}

extension String {
    func benchTrimmed(in set: String) -> String { self[...].benchTrimmed(in: set) }
}
