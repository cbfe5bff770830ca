import CXSigKernels

/// RSAEP on the lanes engine: eight exponentiations under one key per kernel call (the C kernels
/// in CXSigKernels, `xsig_lanes.h`). Padding is xsig's own, as on the GMP backend; one message
/// alone fills one lane of eight, so the engine pays off through ``rawEncryptBatch``.
struct LanesBackend: RSAEncryptionBackend {
    static let lanes = 8

    let handle: LanesKeyHandle
    let kernel: LanesKernel

    init(key: RSAPublicKey, kernel: LanesKernel) throws {
        handle = try LanesKeyHandle(key: key)
        self.kernel = kernel
    }

    func rawEncrypt(_ input: UnsafeRawBufferPointer, into output: UnsafeMutableRawBufferPointer) throws -> Bool {
        try rawEncryptBatch(count: 1, input, into: output)
    }

    func nativeEncrypt(_ message: UnsafeRawBufferPointer, padding: RSAEncryptionPadding,
                       label: UnsafeRawBufferPointer, into output: UnsafeMutableRawBufferPointer) throws -> Bool {
        false
    }

    func rawEncryptBatch(count: Int, _ input: UnsafeRawBufferPointer,
                         into output: UnsafeMutableRawBufferPointer) throws -> Bool {
        let k = handle.modulusOctets
        precondition(input.count == count * k && output.count == count * k, "batch buffers must be count x k octets")
        return try withUnsafeTemporaryAllocation(byteCount: handle.workspaceBytes, alignment: 64) { workspace in
            var offset = 0
            while offset < count {
                let group = min(Self.lanes, count - offset)
                let range = offset * k..<(offset + group) * k
                let status = xsig_lanes_public(handle.pointer, kernel.cValue, group,
                                               input.baseAddress!.advanced(by: range.lowerBound).assumingMemoryBound(to: UInt8.self),
                                               output.baseAddress!.advanced(by: range.lowerBound).assumingMemoryBound(to: UInt8.self),
                                               workspace.baseAddress)
                switch status {
                case 0: break
                case -2: return false
                default: throw XSigError(.invalidArgument, "the lanes kernel \(kernel.rawValue) refused its arguments (status \(status))")
                }
                offset += group
            }
            return true
        }
    }
}
