import Foundation
import XCTest

/// Signatures for the mock tests, from xsig itself and from Python's `cryptography` package
/// (independent of xsig), plus ciphertexts of arbitrary payloads.
enum MockSigning {
    static var nowMillis: UInt64 { UInt64(Date().timeIntervalSince1970 * 1000) }

    /// `xsig sign` (oaep-sha256 unless told).
    static func xsig(token: String, timestamp: UInt64 = nowMillis, padding: String = "oaep-sha256",
                     key: String = MockServerProcess.demoPublicKey) throws -> String {
        let result = try CLIRunner.run(["sign", "--key", key, "--session-token", token, "--timestamp", String(timestamp), "--padding", padding])
        guard result.status == 0 else { throw SigningFailure(message: "xsig sign: \(result.stderr)") }
        return result.stdout.trimmingCharacters(in: .whitespacesAndNewlines)
    }

    /// The Base64 X-signature of an arbitrary payload (for the payload error codes).
    static func encrypt(_ payload: [UInt8], padding: String = "oaep-sha256") throws -> String {
        let hex = payload.map { String(format: "%02x", $0) }.joined()
        let result = try CLIRunner.run(["encrypt", "--key", MockServerProcess.demoPublicKey, "--padding", padding, "--message-hex", hex])
        guard result.status == 0 else { throw SigningFailure(message: "xsig encrypt: \(result.stderr)") }
        let hexOut = result.stdout.trimmingCharacters(in: .whitespacesAndNewlines)
        var bytes: [UInt8] = []
        var index = hexOut.startIndex
        while index < hexOut.endIndex {
            let next = hexOut.index(index, offsetBy: 2)
            bytes.append(UInt8(hexOut[index..<next], radix: 16)!)
            index = next
        }
        return Data(bytes).base64EncodedString()
    }

    static let pythonSigner = """
    import base64, sys
    from cryptography.hazmat.primitives import hashes, serialization
    from cryptography.hazmat.primitives.asymmetric import padding
    key = serialization.load_pem_public_key(open(sys.argv[1], "rb").read())
    token, ts = sys.argv[2], int(sys.argv[3])
    message = ("session_token=%s&timestamp=%d&nonce=%x" % (token, ts, ts)).encode()
    oaep = padding.OAEP(mgf=padding.MGF1(algorithm=hashes.SHA256()), algorithm=hashes.SHA256(), label=None)
    print(base64.b64encode(key.encrypt(message, oaep)).decode())
    """

    /// OAEP-SHA256 (MGF1-SHA256) by Python's `cryptography`.
    static func python(token: String, timestamp: UInt64 = nowMillis) throws -> String {
        try runPython(pythonSigner, [MockServerProcess.demoPublicKey, token, String(timestamp)]).trimmingCharacters(in: .whitespacesAndNewlines)
    }

    /// Runs `python3 -c SCRIPT ARGS` with `input` on stdin and returns its stdout. Skips when
    /// `cryptography` is not installed outside CI; CI (.ci/run) installs it, so there it fails.
    static func runPython(_ script: String, _ arguments: [String], input: String = "") throws -> String {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = ["python3", "-c", script] + arguments
        let stdin = Pipe(), out = Pipe(), err = Pipe()
        process.standardInput = stdin
        process.standardOutput = out
        process.standardError = err
        try process.run()
        stdin.fileHandleForWriting.write(Data(input.utf8))
        try stdin.fileHandleForWriting.close()
        let data = out.fileHandleForReading.readDataToEndOfFile()
        let errors = String(decoding: err.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        process.waitUntilExit()
        guard process.terminationStatus == 0 else {
            if errors.contains("No module named") && ProcessInfo.processInfo.environment["CI"] == nil {
                throw XCTSkip("python3 cryptography is not installed (CI installs it)")
            }
            throw SigningFailure(message: "python: \(errors)")
        }
        return String(decoding: data, as: UTF8.self)
    }

    struct SigningFailure: Error, CustomStringConvertible {
        let message: String
        var description: String { message }
    }

    /// The mandatory headers with the given signature and client id.
    static func headers(signature: String?, clientID: String = "app1", omit: String? = nil) -> [(String, String)] {
        var headers = [("X-operating-sys-version", "Android 14"), ("X-device-fingerprint", "fp-1"), ("X-agent", "xsig-tests/1.0"),
                       ("X-client-id", clientID)]
        if let signature { headers.append(("X-signature", signature)) }
        return headers.filter { $0.0 != omit }
    }
}
