import ArgumentParser
import XSignature

struct DemoCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "demo",
        abstract: "Run the main job on the bundled demo key: sign sample tokens, cross-check with OpenSSL, print headers and a throughput line.",
        discussion: """
        The demo key (vectors/keys/demo-rsa-2048.pem) is PUBLIC TEST MATERIAL: its private half is \
        published, so never send its signatures to a real server.
        """
    )

    @Option(name: .long, help: ArgumentHelp("Padding to demonstrate.", valueName: "padding"))
    var padding: String = "oaep-sha256"

    @Option(name: .long, help: ArgumentHelp("Seconds per backend for the throughput line.", valueName: "s"))
    var seconds: Double = 0.5

    func run() throws {
        let padding = try parsePadding(self.padding)
        let key = try PublicKeyDecoder().decode(Array(DemoKey.publicPEM.utf8)).key
        let privateKey = try OpenSSLKey.fromPEM(DemoKey.privatePEM, isPrivate: true)
        let serverKey = try PrivateKeyDecoder().decode(Array(DemoKey.privatePEM.utf8)).key
        let decryptor = try RSADecryptor(privateKey: serverKey, backend: .gmp)
        let gmp = try XSignatureSigner(key: key, padding: padding, backend: .gmp)
        let openssl = try XSignatureSigner(key: key, padding: padding, backend: .openssl)
        let timestamp: UInt64 = 1628496895102
        let tokens = ["demo-session-token-0001", "eyJhbGciOiJIUzI1NiJ9.demo.payload", "a", "Z3Vlc3QtdG9rZW4tMDAz", "tok_" + String(repeating: "x", count: 60)]

        var out: [String] = []
        out.append("xsig demo: bundled key \(DemoKey.path) (PUBLIC TEST MATERIAL, never for real traffic)")
        out.append("key: \(key.modulusBits)-bit RSA, e = \(key.publicExponentDecimal), fingerprint sha256:\(key.fingerprint)")
        out.append("padding: \(padding.name)\(padding == .oaepSHA256 ? " (the vendor's Java sample under BouncyCastle)" : "")")
        out.append("")
        out.append("token                          timestamp      nonce        gmp->openssl  deterministic gmp==openssl  gmp decrypt")
        var firstSignature = ""
        var checks = 0
        for (i, token) in tokens.enumerated() {
            let payload = try SignaturePayload(sessionToken: token, timestamp: timestamp + UInt64(i))
            // 1. Randomized GMP ciphertext decrypted by OpenSSL with the private key.
            let ciphertext = try gmp.ciphertext(payload)
            let plain = try privateKey.decrypt(ciphertext, padding: padding)
            let decryptOK = plain == payload.bytes
            // 2. Deterministic mode: both backends produce the same bytes.
            let randomness = PaddingRandomness.deterministic(seed: Array("xsig-demo".utf8), index: UInt64(i))
            let sameBytes = try gmp.ciphertext(payload, randomness: randomness) == openssl.ciphertext(payload, randomness: randomness)
            // 3. The server side: xsig's own CRT decryption on GMP gives the payload back.
            guard try decryptor.decrypt(ciphertext, padding: padding) == payload.bytes else {
                throw CommandFailure(message: "GMP decryption FAILED for demo token \(i + 1)", status: 3)
            }
            guard decryptOK && sameBytes else {
                throw CommandFailure(message: "cross-check FAILED for demo token \(i + 1): openssl decrypt \(decryptOK ? "ok" : "mismatch"), deterministic bytes \(sameBytes ? "equal" : "differ")", status: 3)
            }
            checks += 2
            if i == 0 { firstSignature = Base64.encode(ciphertext) }
            let shown = token.count > 28 ? String(token.prefix(25)) + "..." : token
            out.append(pad(shown, 31) + pad(String(payload.timestamp), 15) + pad(payload.nonce, 13) + pad("ok", 14) + pad("ok", 27) + "ok")
        }
        out.append("")
        // 4. The lanes engine: the five tokens in one batch (one kernel call), each decrypted by OpenSSL.
        let lanes = try XSignatureSigner(key: key, padding: padding, backend: .lanes)
        let demoPayloads = try tokens.enumerated().map { try SignaturePayload(sessionToken: $1, timestamp: timestamp + UInt64($0)) }
        var secure = [SecureRandom()]
        for (payload, signature) in zip(demoPayloads, try lanes.sign(demoPayloads, random: &secure)) {
            guard try privateKey.decrypt(try Base64.decode(signature), padding: padding) == payload.bytes else {
                throw CommandFailure(message: "cross-check FAILED: a lanes signature does not decrypt in OpenSSL", status: 3)
            }
            checks += 1
        }
        out.append("\(checks) cross-checks against OpenSSL passed (gmp and, in one batch, lanes on the \(lanes.encryptor.lanesKernel?.rawValue ?? "?") kernel).")
        let verifier = try XSignatureVerifier(privateKey: serverKey, padding: padding)
        let verdict = verifier.verify(signature: firstSignature, expecting: .init(now: timestamp, maximumSkewSeconds: 300, sessionToken: tokens[0]))
        guard verdict.isValid else {
            throw CommandFailure(message: "xsig verify FAILED on the first demo signature: \(verdict.failure!)", status: 3)
        }
        out.append("Server side: \(tokens.count) GMP CRT decryptions matched; xsig verify of the first signature: valid (token, nonce, within 300 s).")
        out.append("")
        out.append("Logout request for the first token (GET \(LogoutRequest.path)):")
        let request = LogoutRequest(domain: "idp.example.com", clientID: "demo-client-id", deviceFingerprint: "demo-device-fp",
                                    osVersion: "Android 14", agent: "xsig-demo/0.1", deviceIP: "192.0.2.10",
                                    language: "en-us", tenantID: nil, signature: firstSignature)
        out.append(request.httpRequest.replacingCRLF())
        let payload = try SignaturePayload(sessionToken: tokens[0], timestamp: timestamp)
        let gmpRate = try measure(seconds: seconds) { _ = try gmp.sign(payload) }
        let sslRate = try measure(seconds: seconds) { _ = try openssl.sign(payload) }
        let group = [SignaturePayload](repeating: payload, count: 8)
        let lanesRate = 8 * (try measure(seconds: seconds) { _ = try lanes.sign(group, random: &secure) })
        out.append("Throughput (one core, \(padding.name), \(key.modulusBits)-bit): gmp \(Int(gmpRate)) signatures/s, openssl \(Int(sslRate))/s, ratio \(format(gmpRate / sslRate))")
        let lanesNote = lanes.encryptor.lanesKernel == .ifma ? "what `xsig batch` uses here" : "the portable twin; `xsig batch` uses gmp on this CPU"
        out.append("  lanes (\(lanes.encryptor.lanesKernel?.rawValue ?? "?") kernel, 8 per call, \(lanesNote)): \(Int(lanesRate))/s, \(format(lanesRate / sslRate)) openssl")
        out.append("For a careful measurement: xsig bench (see benchmarks/RESULTS.md).")
        emit(out.joined(separator: "\n"))
    }

    private func pad(_ s: String, _ width: Int) -> String { s + String(repeating: " ", count: max(1, width - s.count)) }

    private func format(_ x: Double) -> String {
        let hundredths = Int((x * 100).rounded())
        return "\(hundredths / 100).\(hundredths % 100 < 10 ? "0" : "")\(hundredths % 100)x"
    }

    private func measure(seconds: Double, _ body: () throws -> Void) rethrows -> Double {
        let clock = ContinuousClock()
        let start = clock.now
        var count = 0
        var elapsed = 0.0
        repeat {
            for _ in 0..<50 { try body() }
            count += 50
            elapsed = Clocks.seconds(clock.now - start)
        } while elapsed < seconds
        return Double(count) / elapsed
    }
}

extension String {
    func replacingCRLF() -> String {
        split(separator: "\r\n", omittingEmptySubsequences: false).joined(separator: "\n")
    }
}
