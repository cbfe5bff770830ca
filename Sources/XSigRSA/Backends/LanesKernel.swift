import CXSigKernels

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// The two implementations of the lanes engine's arithmetic (eight RSAEP operations under one
/// key per call, 52-bit digits, almost-Montgomery multiplication; see docs/ARCHITECTURE.md).
///
/// | kernel | where | what |
/// |---|---|---|
/// | `ifma` | x86-64 with AVX512F, AVX512IFMA, AVX512VL and an OS that saves ZMM state | one 512-bit register per digit of eight numbers |
/// | `portable` | everywhere | the same algorithm in plain C, eight lanes as arrays |
///
/// `XSIG_LANES_KERNEL=ifma|portable` forces one; asking for `ifma` on a CPU without it is an error.
public enum LanesKernel: String, Sendable, CaseIterable, Hashable {
    case ifma
    case portable

    /// The environment variable that forces a kernel.
    public static let environmentVariable = "XSIG_LANES_KERNEL"

    /// True when this CPU and OS can run the IFMA kernel (CPUID and XGETBV).
    public static var ifmaSupported: Bool { xsig_lanes_ifma_supported() != 0 }

    /// The kernel this process uses: the one `XSIG_LANES_KERNEL` names, else `ifma` where the
    /// CPU has it, else `portable`.
    public static func selected() throws -> LanesKernel {
        if let raw = getenv(environmentVariable) {
            let word = String(cString: raw)
            guard let kernel = LanesKernel(rawValue: word) else {
                throw XSigError(.invalidArgument,
                    "\(environmentVariable)=\(word) is not a lanes kernel; use ifma or portable")
            }
            guard kernel != .ifma || ifmaSupported else {
                throw XSigError(.invalidArgument,
                    "\(environmentVariable)=ifma, but this CPU lacks AVX-512 IFMA (it needs avx512f, avx512ifma, avx512vl and OS support for ZMM state)")
            }
            return kernel
        }
        return ifmaSupported ? .ifma : .portable
    }

    /// The kernel `selected()` gives, or "none" with the reason when the variable is wrong
    /// (for reports such as `xsig bench`'s header).
    public static var selectedDescription: String {
        (try? selected().rawValue) ?? "none (\(environmentVariable) is not usable on this CPU)"
    }

    var cValue: xsig_lanes_kernel {
        switch self {
        case .ifma: return XSIG_LANES_IFMA
        case .portable: return XSIG_LANES_PORTABLE
        }
    }
}

/// The C key object of the lanes engine (n's digits, k0, R^2 mod n, e), made once per key and
/// immutable afterwards, so one instance serves every thread.
final class LanesKeyHandle: @unchecked Sendable {
    let pointer: OpaquePointer
    /// k, octets per number.
    let modulusOctets: Int
    /// Octets of workspace one call needs (64-byte aligned).
    let workspaceBytes: Int

    init(key: RSAPublicKey) throws {
        guard let made = key.modulus.withUnsafeBufferPointer({ n in
            key.publicExponent.withUnsafeBufferPointer { e in
                xsig_lanes_key_new(n.baseAddress, n.count, e.baseAddress, e.count)
            }
        }) else {
            throw XSigError(.invalidKey,
                "the lanes engine cannot take this key (\(key.modulusBits)-bit modulus, \(key.publicExponentBits)-bit exponent): it needs an odd modulus of 1024 to 16384 bits and an odd exponent of at least 3")
        }
        pointer = made
        modulusOctets = xsig_lanes_modulus_bytes(made)
        workspaceBytes = xsig_lanes_workspace_bytes(made)
    }

    deinit { xsig_lanes_key_free(pointer) }
}
