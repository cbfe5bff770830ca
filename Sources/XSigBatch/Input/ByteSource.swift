#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import XSignature

/// Where batch input bytes come from: a file descriptor (file, pipe, stdin) or memory.
public protocol BatchByteSource {
    /// Reads up to `buffer.count` bytes; 0 means end of input.
    mutating func read(into buffer: UnsafeMutableRawBufferPointer) throws -> Int

    /// True when ``read(into:)`` would return at once (bytes or the end of input); false only
    /// for a pipe or terminal that has nothing to read yet. Streaming batches close a chunk
    /// instead of waiting for input that has not arrived.
    func hasInputReady() -> Bool
}

extension BatchByteSource {
    public func hasInputReady() -> Bool { true }
}

/// Reads a file descriptor with read(2), retrying on EINTR. Does not close it.
public struct FileDescriptorByteSource: BatchByteSource {
    public let descriptor: Int32
    /// How the input is named in messages (`--input tokens.txt`).
    public let name: String

    public init(descriptor: Int32, name: String) {
        self.descriptor = descriptor
        self.name = name
    }

    public mutating func read(into buffer: UnsafeMutableRawBufferPointer) throws -> Int {
        while true {
            #if canImport(Glibc)
            let n = Glibc.read(descriptor, buffer.baseAddress, buffer.count)
            #else
            let n = Darwin.read(descriptor, buffer.baseAddress, buffer.count)
            #endif
            if n >= 0 { return n }
            if errno == EINTR { continue }
            throw XSigError(.io, "\(name): read failed (errno \(errno))")
        }
    }

    /// poll(2) with a zero timeout: readable, hung up or in error all mean read(2) will not block.
    public func hasInputReady() -> Bool {
        var entry = pollfd(fd: descriptor, events: Int16(POLLIN), revents: 0)
        while true {
            let n = poll(&entry, 1, 0)
            if n >= 0 { return n > 0 }
            if errno != EINTR { return true }
        }
    }
}

/// Bytes already in memory (tests, library callers with a String of tokens).
public struct MemoryByteSource: BatchByteSource {
    private let bytes: [UInt8]
    private let readSize: Int
    private var offset = 0

    /// `readSize` caps the bytes one read returns, so that tests can cut the input anywhere.
    public init(_ bytes: [UInt8], readSize: Int = .max) {
        self.bytes = bytes
        self.readSize = max(1, readSize)
    }
    public init(_ text: String) { self.init(Array(text.utf8)) }

    public mutating func read(into buffer: UnsafeMutableRawBufferPointer) throws -> Int {
        let n = min(buffer.count, bytes.count - offset, readSize)
        if n > 0 {
            bytes.withUnsafeBytes { buffer.copyMemory(from: UnsafeRawBufferPointer(rebasing: $0[offset..<(offset + n)])) }
            offset += n
        }
        return n
    }
}
