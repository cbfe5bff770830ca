import Foundation
import XCTest
#if canImport(Glibc)
import Glibc
#endif
@testable import XSigBatch

/// What `AtomicOutputFile` does with targets that are not plain regular files: a FIFO, a device,
/// a descriptor alias and a symbolic link are written where they point, never renamed over.
final class OutputTargetTests: XCTestCase {
    private var directory: URL!

    override func setUpWithError() throws {
        directory = FileManager.default.temporaryDirectory.appendingPathComponent("xsig-target-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
    }

    override func tearDownWithError() throws {
        try? FileManager.default.removeItem(at: directory)
    }

    func testClassification() throws {
        // Classification only: nothing here opens or writes /dev/null.
        XCTAssertEqual(try AtomicOutputFile.target(of: "/dev/null"), .stream)
        XCTAssertEqual(try AtomicOutputFile.target(of: "/dev/stdout"), .descriptor(1))
        XCTAssertEqual(try AtomicOutputFile.target(of: "/dev/stderr"), .descriptor(2))
        XCTAssertEqual(try AtomicOutputFile.target(of: "/dev/fd/2"), .descriptor(2))
        XCTAssertEqual(try AtomicOutputFile.target(of: "/proc/self/fd/1"), .descriptor(1))
        let absent = directory.appendingPathComponent("new.ndjson").path
        XCTAssertEqual(try AtomicOutputFile.target(of: absent), .file(resolvedPath: absent))
        XCTAssertThrowsError(try AtomicOutputFile.target(of: directory.path)) { error in
            XCTAssertTrue("\(error)".contains("is a directory"), "\(error)")
        }
        XCTAssertThrowsError(try AtomicOutputFile.target(of: "/dev/fd/987654")) { error in
            XCTAssertTrue("\(error)".contains("descriptor 987654 is not open"), "\(error)")
        }
        // Not an alias: a name that only starts like one is an ordinary path.
        XCTAssertNil(AtomicOutputFile.descriptorAlias("/dev/fd/1x"))
        XCTAssertNil(AtomicOutputFile.descriptorAlias("/dev/fd/"))
        XCTAssertNil(AtomicOutputFile.descriptorAlias("/dev/stdoutx"))
    }

    func testFIFOIsWrittenInPlaceAndStaysAFIFO() throws {
        let fifo = directory.appendingPathComponent("records.fifo").path
        XCTAssertEqual(mkfifo(fifo, 0o600), 0)
        XCTAssertEqual(try AtomicOutputFile.target(of: fifo), .stream)

        // The reader opens first (the writer's open waits for one), on its own thread.
        let received = ReceivedData()
        let reader = Thread {
            received.set(FileHandle(forReadingAtPath: fifo)?.readDataToEndOfFile() ?? Data())
        }
        reader.start()
        let file = try AtomicOutputFile(path: fifo)
        XCTAssertFalse(file.isAtomic)
        XCTAssertNil(file.temporaryPath)
        try file.write(Array("one\n".utf8))
        try file.write(Array("two\n".utf8))
        try file.commit()
        let data = try XCTUnwrap(received.wait(seconds: 10), "the reader got end of file")
        XCTAssertEqual(String(decoding: data, as: UTF8.self), "one\ntwo\n")

        var info = stat()
        XCTAssertEqual(stat(fifo, &info), 0)
        XCTAssertEqual(info.st_mode & S_IFMT, S_IFIFO, "still a FIFO, not replaced by a regular file")
        XCTAssertEqual(try FileManager.default.contentsOfDirectory(atPath: directory.path), ["records.fifo"], "no temporary file beside it")
    }

    func testDescriptorAliasSharesTheDescriptor() throws {
        // A file opened for appending, reached through /proc/self/fd/N: the bytes are appended
        // (the shell's `>> log`), not written from offset 0 and not renamed over.
        let log = directory.appendingPathComponent("log.txt").path
        try Data("kept\n".utf8).write(to: URL(fileURLWithPath: log))
        let fd = open(log, O_WRONLY | O_APPEND | O_CLOEXEC)
        XCTAssertGreaterThanOrEqual(fd, 0)
        defer { close(fd) }
        let file = try AtomicOutputFile(path: "/proc/self/fd/\(fd)")
        XCTAssertFalse(file.isAtomic)
        try file.write(Array("added\n".utf8))
        try file.commit()
        XCTAssertEqual(try String(contentsOfFile: log, encoding: .utf8), "kept\nadded\n")
        XCTAssertEqual(try FileManager.default.contentsOfDirectory(atPath: directory.path), ["log.txt"])
        XCTAssertNotEqual(fcntl(fd, F_GETFD), -1, "the caller's descriptor stays open")
    }

    func testSymbolicLinkIsFollowedAndKept() throws {
        let real = directory.appendingPathComponent("real.ndjson").path
        let link = directory.appendingPathComponent("link.ndjson").path
        try Data("old\n".utf8).write(to: URL(fileURLWithPath: real))
        XCTAssertEqual(symlink(real, link), 0)
        let file = try AtomicOutputFile(path: link)
        XCTAssertTrue(file.isAtomic)
        let temporary = try XCTUnwrap(file.temporaryPath)
        XCTAssertTrue(URL(fileURLWithPath: temporary).lastPathComponent.hasPrefix(".real.ndjson.xsig-"), temporary)
        try file.write(Array("new\n".utf8))
        XCTAssertEqual(try String(contentsOfFile: real, encoding: .utf8), "old\n", "untouched until commit")
        try file.commit()
        XCTAssertEqual(try FileManager.default.destinationOfSymbolicLink(atPath: link), real, "the link is still a link")
        XCTAssertEqual(try String(contentsOfFile: real, encoding: .utf8), "new\n")
        XCTAssertEqual(try FileManager.default.contentsOfDirectory(atPath: directory.path).sorted(), ["link.ndjson", "real.ndjson"])
    }

    func testStreamDiscardLeavesTheTargetInPlace() throws {
        let fifo = directory.appendingPathComponent("dropped.fifo").path
        XCTAssertEqual(mkfifo(fifo, 0o600), 0)
        let received = ReceivedData()
        let reader = Thread { received.set(FileHandle(forReadingAtPath: fifo)?.readDataToEndOfFile() ?? Data()) }
        reader.start()
        let file = try AtomicOutputFile(path: fifo)
        try file.write(Array("partial\n".utf8))
        file.discard()
        XCTAssertNotNil(received.wait(seconds: 10), "the reader sees end of file after a discard")
        var info = stat()
        XCTAssertEqual(stat(fifo, &info), 0)
        XCTAssertEqual(info.st_mode & S_IFMT, S_IFIFO)
    }
}

/// What a reader thread read, handed over once.
private final class ReceivedData: @unchecked Sendable {
    private let done = DispatchSemaphore(value: 0)
    private let lock = NSLock()
    private var data: Data?

    func set(_ value: Data) {
        lock.lock(); data = value; lock.unlock()
        done.signal()
    }

    func wait(seconds: Double) -> Data? {
        guard done.wait(timeout: .now() + seconds) == .success else { return nil }
        lock.lock(); defer { lock.unlock() }
        return data
    }
}
