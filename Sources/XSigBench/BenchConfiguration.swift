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
