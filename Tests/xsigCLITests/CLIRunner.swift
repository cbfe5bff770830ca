import Foundation
import XCTest

/// Runs the built `xsig` binary (it sits next to the .xctest bundle in the products directory).
struct CLIResult {
    let status: Int32
    let stdout: String
    let stderr: String
    /// The run was killed after the `timeout` given to ``CLIRunner/run(_:stdin:environment:currentDirectory:timeout:stdinFile:)``.
    var timedOut = false
}

enum CLIRunner {
    /// XSIG_BINARY overrides; otherwise the products directory that holds the test bundle
    /// (on Linux Bundle(for:) may name the bundle or the directory that contains it).
    static let binary: URL = {
        if let path = ProcessInfo.processInfo.environment["XSIG_BINARY"] { return URL(fileURLWithPath: path) }
        let bundle = Bundle(for: BundleLocator.self).bundleURL
        let candidates = [bundle.appendingPathComponent("xsig"), bundle.deletingLastPathComponent().appendingPathComponent("xsig")]
        return candidates.first { FileManager.default.isExecutableFile(atPath: $0.path) } ?? candidates[1]
    }()

    /// The repository root, for vectors/ and fixtures.
    static var repositoryRoot: URL {
        URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
    }

    static func path(_ relative: String) -> String { repositoryRoot.appendingPathComponent(relative).path }

    /// - Parameters:
    ///   - timeout: kill the child (SIGKILL) after this many seconds and return with `timedOut`
    ///     set, so that a hang fails the test instead of hanging CI. nil waits for ever.
    ///   - stdinFile: read stdin from this file instead of `stdin` (large inputs without holding
    ///     them in memory).
    @discardableResult
    ///   - executable: run this program instead of xsig (`/bin/sh`, to hand xsig argument bytes
    ///     that are not valid UTF-8, which `Process` cannot pass).
    static func run(_ arguments: [String], stdin: Data? = nil, environment: [String: String]? = nil,
                    currentDirectory: URL? = nil, timeout: TimeInterval? = nil, stdinFile: URL? = nil,
                    executable: URL? = nil) throws -> CLIResult {
        let process = Process()
        process.executableURL = executable ?? binary
        process.arguments = arguments
        if let environment { process.environment = environment }
        if let currentDirectory { process.currentDirectoryURL = currentDirectory }
        let out = Pipe(), err = Pipe(), input = Pipe()
        process.standardOutput = out
        process.standardError = err
        let stdinHandle = try stdinFile.map { try FileHandle(forReadingFrom: $0) }
        defer { try? stdinHandle?.close() }
        process.standardInput = stdinHandle ?? input
        let exited = DispatchSemaphore(value: 0)
        process.terminationHandler = { _ in exited.signal() }
        try process.run()
        // Drain both pipes concurrently so that a chatty child cannot block on a full pipe.
        let outData = DataBox(), errData = DataBox()
        let group = DispatchGroup()
        DispatchQueue.global().async(group: group) { outData.data = out.fileHandleForReading.readDataToEndOfFile() }
        DispatchQueue.global().async(group: group) { errData.data = err.fileHandleForReading.readDataToEndOfFile() }
        if stdinHandle == nil {
            if timeout != nil {
                // A child that exits without reading its stdin must not block (or SIGPIPE) the test.
                signal(SIGPIPE, SIG_IGN)
                let writer = input.fileHandleForWriting
                DispatchQueue.global().async {
                    if let stdin { try? writer.write(contentsOf: stdin) }
                    try? writer.close()
                }
            } else {
                if let stdin { input.fileHandleForWriting.write(stdin) }
                try? input.fileHandleForWriting.close()
            }
        }
        var timedOut = false
        if let timeout {
            if exited.wait(timeout: .now() + timeout) == .timedOut {
                timedOut = true
                kill(process.processIdentifier, SIGKILL)
                exited.wait()
            }
        } else {
            exited.wait()
        }
        process.waitUntilExit()
        group.wait()
        return CLIResult(status: process.terminationStatus,
                         stdout: String(decoding: outData.data, as: UTF8.self),
                         stderr: String(decoding: errData.data, as: UTF8.self),
                         timedOut: timedOut)
    }

    /// A fresh temporary directory, removed at the end of the test.
    static func temporaryDirectory(_ test: XCTestCase) throws -> URL {
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("xsig-test-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
        test.addTeardownBlock { try? FileManager.default.removeItem(at: url) }
        return url
    }
}

private final class BundleLocator {}

/// Written by one reader thread, read after DispatchGroup.wait(): the wait orders the accesses.
final class DataBox: @unchecked Sendable {
    var data = Data()
}
