import Foundation
import XCTest

/// A running `xsig mock` or `xsig sidecar` (the real binary) on 127.0.0.1 with a port the
/// kernel picked, found from its ready line. Killed at the end of the test if still running.
final class MockServerProcess: @unchecked Sendable {
    let process = Process()
    /// The server's name in its ready line: `mock` or `sidecar`.
    let name: String
    private(set) var port = 0
    private let stderrPipe = Pipe()
    private let stdoutPipe = Pipe()
    private let exited = DispatchSemaphore(value: 0)

    init(name: String = "mock") { self.name = name }

    static let demoKey = CLIRunner.path("vectors/keys/demo-rsa-2048.pem")
    static let demoPublicKey = CLIRunner.path("vectors/keys/demo-rsa-2048.pub.pem")

    /// Starts `xsig mock --listen 127.0.0.1:0 ARGS` and waits (up to 30 s) for the ready line.
    static func start(_ arguments: [String], key: String = demoKey, test: XCTestCase) throws -> MockServerProcess {
        let server = MockServerProcess()
        try server.launch(["mock", "--private-key", key, "--listen", "127.0.0.1:0"] + arguments)
        test.addTeardownBlock { server.kill() }
        return server
    }

    /// Starts `xsig sidecar --key KEY --listen 127.0.0.1:0 ARGS` and waits for the ready line.
    static func startSidecar(_ arguments: [String], key: String = demoPublicKey, test: XCTestCase) throws -> MockServerProcess {
        let server = MockServerProcess(name: "sidecar")
        try server.launch(["sidecar", "--key", key, "--listen", "127.0.0.1:0"] + arguments)
        test.addTeardownBlock { server.kill() }
        return server
    }

    var baseURL: String { "http://127.0.0.1:\(port)" }

    private func launch(_ arguments: [String]) throws {
        process.executableURL = CLIRunner.binary
        process.arguments = arguments
        process.standardOutput = stdoutPipe
        process.standardError = stderrPipe
        process.standardInput = FileHandle.nullDevice
        process.terminationHandler = { [exited] _ in exited.signal() }
        try process.run()
        let line = LineBox()
        let got = DispatchSemaphore(value: 0)
        let handle = stdoutPipe.fileHandleForReading
        DispatchQueue.global().async {
            var bytes: [UInt8] = []
            while true {
                let chunk = handle.readData(ofLength: 1)
                if chunk.isEmpty || chunk.first == 0x0a { break }
                bytes.append(chunk.first!)
            }
            line.text = String(decoding: bytes, as: UTF8.self)
            got.signal()
        }
        guard got.wait(timeout: .now() + 30) == .success else {
            kill()
            throw XCTSkip("xsig \(name) printed no ready line within 30 s")
        }
        let prefix = "xsig \(name): listening on http://127.0.0.1:"
        guard line.text.hasPrefix(prefix), let port = Int(line.text.dropFirst(prefix.count)) else {
            let status = waitForExit(timeout: 10)
            throw ServerStartFailure(message: "no ready line: stdout \(line.text.debugDescription), status \(String(describing: status)), stderr \(stderr)")
        }
        self.port = port
    }

    struct ServerStartFailure: Error, CustomStringConvertible {
        let message: String
        var description: String { message }
    }

    /// Everything the server wrote on stderr (read once it has exited).
    var stderr: String {
        String(decoding: stderrPipe.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
    }

    /// Sends a signal and waits for the exit status (nil on timeout).
    func stop(signal: Int32 = SIGTERM, timeout: TimeInterval = 30) -> Int32? {
        Foundation.kill(process.processIdentifier, signal)
        return waitForExit(timeout: timeout)
    }

    func waitForExit(timeout: TimeInterval) -> Int32? {
        guard exited.wait(timeout: .now() + timeout) == .success else { return nil }
        exited.signal()
        process.waitUntilExit()
        return process.terminationStatus
    }

    func kill() {
        if process.isRunning { Foundation.kill(process.processIdentifier, SIGKILL) }
    }

    var isRunning: Bool { process.isRunning }
}

private final class LineBox: @unchecked Sendable {
    var text = ""
}
