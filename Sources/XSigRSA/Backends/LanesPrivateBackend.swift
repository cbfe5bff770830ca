import CXSigKernels
import XSigBigInt

/// RSADP on the lanes engine: up to eight ciphertexts under one key per kernel call
/// (`xsig_lanes_crt` in CXSigKernels): base blinding per ciphertext with pairs made by the GMP
/// path's ``BlindingPool`` and kept here in the kernel's Montgomery form (the kernel multiplies
/// by them, and squares them for their next use, in the public key's lanes arithmetic), both CRT halves in lanes (eight lanes over p, then
/// eight over q), Garner in lanes Montgomery arithmetic and `mpn_sec_mul`, and the fault check
/// m^e == c on the public lanes kernel before anything is unblinded. Padding is xsig's own, as on
/// the GMP backend.
final class LanesPrivateBackend: RSADecryptionBackend, @unchecked Sendable {
    static let lanes = 8

    let kernel: LanesKernel
    let modulus: GMPInteger
    let modulusOctets: Int
    let blinding: BlindingPool
    private let spare = LockedValue<[Pair]>([])
    private let pointer: OpaquePointer
    private let workspaceBytes: Int

    init(key: RSAPrivateKey, kernel: LanesKernel) throws {
        guard key.crt != nil else {
            throw XSigError(.unsupportedKey,
                "the lanes engine needs the key's CRT members (p, q, dP, dQ, qInv); this key has only n, e and d: use --backend gmp or openssl")
        }
        var reason: Int32 = 0
        let made = key.withMemberOctets { m in
            m.n.withUnsafeBufferPointer { n in m.e.withUnsafeBufferPointer { e in
                m.p.withUnsafeBufferPointer { p in m.q.withUnsafeBufferPointer { q in
                    m.dp.withUnsafeBufferPointer { dp in m.dq.withUnsafeBufferPointer { dq in
                        m.qInv.withUnsafeBufferPointer { qi in
                            xsig_lanes_private_key_new(n.baseAddress, n.count, e.baseAddress, e.count, p.baseAddress, p.count,
                                                       q.baseAddress, q.count, dp.baseAddress, dp.count, dq.baseAddress, dq.count,
                                                       qi.baseAddress, qi.count, &reason)
                        } } } } } } }
        }
        guard let made else { throw Self.refusal(reason, key: key) }
        pointer = made
        self.kernel = kernel
        modulus = key.publicKey.modulusInteger
        modulusOctets = key.modulusOctets
        workspaceBytes = xsig_lanes_crt_workspace_bytes(made)
        blinding = BlindingPool(modulus: modulus, publicExponent: key.publicKey.exponentInteger)
    }

    deinit {
        spare.withLock { pairs in for i in pairs.indices { Self.wipe(&pairs[i]) } }
        xsig_lanes_private_key_free(pointer)
    }

    private static func refusal(_ reason: Int32, key: RSAPrivateKey) -> XSigError {
        switch reason {
        case XSIG_LANES_KEY_UNBALANCED:
            return XSigError(.unsupportedKey,
                "the lanes engine needs balanced primes (their sizes within one 52-bit digit of each other); this \(key.modulusBits)-bit key's are not: use --backend gmp or openssl")
        case XSIG_LANES_KEY_SIZE:
            return XSigError(.unsupportedKey,
                "the lanes engine takes moduli of 1024 to 16384 bits with primes of 256 to 8192 bits and an odd e >= 3; this key (\(key.modulusBits)-bit modulus) is outside that: use --backend gmp or openssl")
        case XSIG_LANES_KEY_MEMORY:
            return XSigError(.invalidArgument, "out of memory setting up the lanes private key")
        default:
            return XSigError(.invalidKey, "the lanes engine refused the key's CRT members (one is empty or longer than its prime)")
        }
    }

    func rawDecrypt<R: RandomSource>(_ input: UnsafeRawBufferPointer, random: inout R,
                                     into output: UnsafeMutableRawBufferPointer) throws {
        if let failure = rawDecryptBatch(input, count: 1, random: &random, into: output)[0] { throw failure }
    }

    func nativeDecrypt(_ ciphertext: UnsafeRawBufferPointer, padding: RSAEncryptionPadding,
                       label: UnsafeRawBufferPointer) throws -> [UInt8]? {
        nil
    }

    /// The consistency-check failure, as on the GMP backend: never the generic decryption error,
    /// since no ciphertext can cause it.
    static var faultError: XSigError {
        XSigError(.invalidKey, "RSA private operation failed its consistency check (m^e != c); refusing the result (hardware fault or corrupt key)")
    }

    /// A blinding pair in the kernel's form: A R mod n, then A^-1 R mod n (k octets each, R the
    /// lanes Montgomery constant of n), and how often it has been used. Made from a fresh
    /// ``BlindingPool`` pair, squared by the kernel after each use, dropped after
    /// ``BlindingPool/usesPerPair`` uses (as the GMP path's pairs are); wiped when dropped.
    private struct Pair {
        var octets: [UInt8]
        var uses: Int
    }

    private static func wipe(_ pair: inout Pair) {
        pair.octets.withUnsafeMutableBytes { xsig_wipe($0.baseAddress, $0.count) }
    }

    private func takePair<R: RandomSource>(random: inout R, workspace: UnsafeMutableRawPointer) -> Pair {
        if let pair = spare.withLock({ $0.popLast() }) { return pair }
        let k = modulusOctets
        let fresh = blinding.take(random: &random)
        var pair = Pair(octets: [UInt8](repeating: 0, count: 2 * k), uses: 0)
        pair.octets.withUnsafeMutableBytes { octets in
            _ = fresh.factor.write(bigEndianInto: UnsafeMutableRawBufferPointer(rebasing: octets[0..<k]))
            _ = fresh.inverse.write(bigEndianInto: UnsafeMutableRawBufferPointer(rebasing: octets[k...]))
            _ = xsig_lanes_crt_pairs_to_montgomery(pointer, kernel.cValue, 1,
                                                   octets.baseAddress!.assumingMemoryBound(to: UInt8.self), workspace)
        }
        return pair
    }

    /// Keeps a used pair (its squares already in place) for its next use, or wipes it when it is
    /// worn out or the spare list is full. In place, so that no copy of the octets is left behind.
    private func giveBack(_ pair: inout Pair) {
        pair.uses += 1
        if pair.uses < BlindingPool.usesPerPair {
            let kept = spare.withLock { list -> Bool in
                guard list.count < BlindingPool.maximumSpare else { return false }
                list.append(pair)
                return true
            }
            if kept { return }
        }
        Self.wipe(&pair)
    }

    func rawDecryptBatch<R: RandomSource>(_ input: UnsafeRawBufferPointer, count: Int, random: inout R,
                                          into output: UnsafeMutableRawBufferPointer) -> [XSigError?] {
        let k = modulusOctets
        precondition(input.count == count * k && output.count == count * k, "batch buffers must be count x k octets")
        var failures = [XSigError?](repeating: nil, count: count)
        withUnsafeTemporaryAllocation(byteCount: workspaceBytes + 2 * Self.lanes * k, alignment: 64) { raw in
            let workspace = UnsafeMutableRawBufferPointer(rebasing: raw[0..<workspaceBytes])
            // A_l R for the group's lanes, then A_l^-1 R: the kernel blinds, unblinds and squares them in place.
            let blind = UnsafeMutableRawBufferPointer(rebasing: raw[workspaceBytes...])
            // The kernel leaves its secrets in the workspace between groups: one wipe for the whole batch.
            defer {
                xsig_lanes_crt_workspace_wipe(pointer, workspace.baseAddress)
                xsig_wipe(blind.baseAddress, blind.count)
            }
            var pairs: [Pair] = []
            pairs.reserveCapacity(Self.lanes)
            var offset = 0
            while offset < count {
                let group = min(Self.lanes, count - offset)
                pairs.removeAll(keepingCapacity: true)
                for lane in 0..<group {
                    let pair = takePair(random: &random, workspace: workspace.baseAddress!)
                    pair.octets.withUnsafeBytes { octets in
                        blind.baseAddress!.advanced(by: lane * k).copyMemory(from: octets.baseAddress!, byteCount: k)
                        blind.baseAddress!.advanced(by: (group + lane) * k).copyMemory(from: octets.baseAddress! + k, byteCount: k)
                    }
                    pairs.append(pair)
                }
                var faults: UInt32 = 0
                let target = UnsafeMutableRawBufferPointer(rebasing: output[(offset * k)..<((offset + group) * k)])
                let status = xsig_lanes_crt(pointer, kernel.cValue, group,
                                            input.baseAddress!.assumingMemoryBound(to: UInt8.self) + offset * k,
                                            blind.baseAddress!.assumingMemoryBound(to: UInt8.self),
                                            target.baseAddress!.assumingMemoryBound(to: UInt8.self),
                                            &faults, workspace.baseAddress)
                for lane in 0..<group {
                    guard status == 0 || (status == -3 && faults & (1 << lane) == 0) else {
                        // The kernel zeroed a failed lane's output; its pair is not reused.
                        Self.wipe(&pairs[lane])
                        failures[offset + lane] = status == -3 ? Self.faultError
                            : XSigError(.invalidArgument, "the lanes kernel \(kernel.rawValue) refused its arguments (status \(status))")
                        continue
                    }
                    pairs[lane].octets.withUnsafeMutableBytes { octets in
                        octets.baseAddress!.copyMemory(from: blind.baseAddress!.advanced(by: lane * k), byteCount: k)
                        (octets.baseAddress! + k).copyMemory(from: blind.baseAddress!.advanced(by: (group + lane) * k), byteCount: k)
                    }
                    giveBack(&pairs[lane])
                }
                pairs.removeAll(keepingCapacity: true)
                offset += group
            }
        }
        return failures
    }
}

extension LanesPrivateBackend {
    /// Test builds only (DEBUG): flips one bit of the p-half result in the lanes of `laneMask`
    /// in every following call, until called with 0. Returns false where the hook is compiled out.
    @discardableResult
    static func injectFault(lanes laneMask: UInt32) -> Bool {
        xsig_lanes_crt_inject_fault(laneMask) == 0
    }
}
