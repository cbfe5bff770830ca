import Foundation
import XCTest
#if canImport(Glibc)
import Glibc
#endif
@testable import XSigRSA

/// Parent and child of a fork never hand out the same padding octets: the per-thread buffer the
/// child inherits is discarded, whether the fork ran the atfork handlers (`fork`) or not
/// (glibc's `_Fork`, detected by the wipe-on-fork page).
final class RandomForkTests: XCTestCase {
    private typealias ForkFunction = @convention(c) () -> pid_t

    /// `fork` or `_Fork` from the C library (Swift does not import them as callable).
    private func forkFunction(_ name: String) throws -> ForkFunction {
        guard let symbol = dlsym(UnsafeMutableRawPointer(bitPattern: 0), name) else { throw XCTSkip("no \(name) in this C library") }
        return unsafeBitCast(symbol, to: ForkFunction.self)
    }

    /// Octets the child draws right after the fork, and the parent's next ones, from a buffer
    /// that holds thousands of undrawn octets at the fork.
    private func drawsAcross(_ fork: ForkFunction) throws -> (parent: [UInt8], child: [UInt8]) {
        let saved = ThreadRandomPool.kernelOctetsRemaining
        defer { ThreadRandomPool.kernelOctetsRemaining = saved }
        ThreadRandomPool.kernelOctetsRemaining = 0     // the buffered (OpenSSL) path
        var random = SecureRandom()
        _ = random.bytes(count: 16)                    // the buffer now holds 4080 undrawn octets
        var fds: [Int32] = [0, 0]
        XCTAssertEqual(pipe(&fds), 0)
        let pid = fork()
        if pid == 0 {
            // The child: draw, hand the octets over, leave without running anything else.
            var child = SecureRandom()
            var octets = child.bytes(count: 32)
            _ = octets.withUnsafeMutableBytes { write(fds[1], $0.baseAddress, 32) }
            _exit(0)
        }
        XCTAssertGreaterThan(pid, 0, "fork failed")
        close(fds[1])
        let parent = random.bytes(count: 32)
        var child = [UInt8](repeating: 0, count: 32)
        // Bounded: a child stuck in a lock some other thread held at the fork must not hang CI.
        var ready = pollfd(fd: fds[0], events: Int16(POLLIN), revents: 0)
        guard poll(&ready, 1, 10_000) == 1 else {
            kill(pid, SIGKILL)
            var status: Int32 = 0
            waitpid(pid, &status, 0)
            close(fds[0])
            XCTFail("the child wrote nothing within 10 s")
            return (parent, child)
        }
        let got = child.withUnsafeMutableBytes { read(fds[0], $0.baseAddress, 32) }
        close(fds[0])
        var status: Int32 = 0
        waitpid(pid, &status, 0)
        XCTAssertEqual(got, 32, "the child wrote its 32 octets")
        return (parent, child)
    }

    func testForkRunningTheAtforkHandlers() throws {
        let (parent, child) = try drawsAcross(try forkFunction("fork"))
        XCTAssertNotEqual(parent, child, "the child must not hand out the parent's buffered octets")
        XCTAssertNotEqual(child, [UInt8](repeating: 0, count: 32))
    }

    func testForkWithoutHandlers() throws {
        let fork = try forkFunction("_Fork")
        guard ThreadRandomPool.detectsForkWithoutHandlers else { throw XCTSkip("no MADV_WIPEONFORK on this kernel") }
        let (parent, child) = try drawsAcross(fork)
        XCTAssertNotEqual(parent, child, "a _Fork child (no atfork handlers) must not reuse the parent's buffered octets")
        XCTAssertNotEqual(child, [UInt8](repeating: 0, count: 32))
    }
}
