import Dispatch
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import XSignature

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
    /// Every other backend over openssl, computed sample by sample (the i-th sample of the backend
    /// over the i-th openssl sample, taken back to back); empty unless openssl ran.
    public let ratiosToOpenSSL: [RSAEncryptor.Backend: BenchStatistics]

    /// gmp / openssl sample by sample; nil unless both backends ran.
    public var ratio: BenchStatistics? { ratiosToOpenSSL[.gmp] }

    /// The backends with a ratio to openssl, in the configured order.
    public func ratioBackends(_ order: [RSAEncryptor.Backend]) -> [RSAEncryptor.Backend] {
        order.filter { ratiosToOpenSSL[$0] != nil }
    }

    public func series(_ backend: RSAEncryptor.Backend) -> BenchSeries? { series.first { $0.backend == backend } }
}

/// The machine and libraries a run was made on.
public struct BenchMachine: Sendable {
    public let cpu: String
    public let cores: Int
    public let openSSL: String
    public let gmp: String
    public let os: String
    /// The lanes kernel this CPU gets (`ifma` or `portable`).
    public let lanesKernel: String

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
                            openSSL: OpenSSLLibrary.version, gmp: "GMP " + GMPLibrary.version, os: os,
                            lanesKernel: LanesKernel.selectedDescription)
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

extension BenchMachine {
    static var coreCount: Int { Int(sysconf(Int32(_SC_NPROCESSORS_ONLN))) }
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
