import ArgumentParser
import XSigBench
import XSignature

/// A hidden, single-purpose measurement of the private-key operation (GMP CRT vs OpenSSL) for
/// benchmarks/decrypt/run.sh. The general harness is `xsig bench`; this command only exists so
/// that the decryption figures can be reproduced before it grows a decrypt operation.
struct DecryptBenchCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "decrypt-bench",
        abstract: "Measure RSA decryption (gmp CRT vs openssl), ops/s per key size, interleaved rounds.",
        shouldDisplay: false
    )

    @Option(name: .long, help: ArgumentHelp("Modulus sizes, comma-separated.", valueName: "bits,..."))
    var bits: String = "1024,2048,3072,4096"

    @Option(name: .long, help: ArgumentHelp("Padding of the measured decryptions.", valueName: "padding"))
    var padding: String = "oaep-sha256"

    @Option(name: .long, help: ArgumentHelp("Rounds per size; each round measures both backends (median reported).", valueName: "n"))
    var rounds: Int = 7

    @Option(name: .long, help: ArgumentHelp("Seconds per backend per round.", valueName: "s"))
    var seconds: Double = 0.5

    @Flag(name: .long, help: "One JSON object per size instead of the table.")
    var json = false

    func run() throws {
        let padding = try parsePadding(self.padding)
        let sizes = try bits.split(separator: ",").map { part -> Int in
            guard let value = Int(part.trimmingPrefix(" ")), value >= 1024 else {
                throw XSigError(.invalidArgument, "--bits: '\(part)' is not a size of 1024 or more")
            }
            return value
        }
        guard rounds >= 1, seconds > 0 else { throw XSigError(.invalidArgument, "--rounds and --seconds must be positive") }
        var lines: [String] = []
        if !json {
            lines.append("RSA decryption, \(padding.name), 96-byte message, 1 thread; median of \(rounds) rounds x \(seconds) s per backend, backends interleaved")
            lines.append("bits   gmp ops/s  openssl ops/s  gmp/openssl (median of per-round ratios)")
        }
        for size in sizes {
            let pair = try OpenSSLKey.generateRSA(bits: size, publicExponent: [1, 0, 1])
            let key = try RSAPrivateKey(pair, policy: .allowingWeakKeys)
            let message = [UInt8](repeating: 0x61, count: min(96, padding.maximumMessageLength(modulusOctets: key.modulusOctets)))
            let ciphertext = try RSAEncryptor(key: key.publicKey).encrypt(message, padding: padding)
            let gmp = try RSADecryptor(privateKey: key, backend: .gmp)
            let openssl = try RSADecryptor(privateKey: key, backend: .openssl)
            guard try gmp.decrypt(ciphertext, padding: padding) == message,
                  try openssl.decrypt(ciphertext, padding: padding) == message else {
                throw CommandFailure(message: "decrypt-bench: backends disagree at \(size) bits", status: ExitStatus.failure)
            }
            var gmpRates: [Double] = [], sslRates: [Double] = [], ratios: [Double] = []
            for round in 0..<rounds {
                // Alternate which backend goes first so that neither always meets a cold or hot machine.
                let first = round % 2 == 0
                let a = try measure { _ = try (first ? gmp : openssl).decrypt(ciphertext, padding: padding) }
                let b = try measure { _ = try (first ? openssl : gmp).decrypt(ciphertext, padding: padding) }
                let (g, o) = first ? (a, b) : (b, a)
                gmpRates.append(g)
                sslRates.append(o)
                ratios.append(g / o)
            }
            let (g, o, r) = (median(gmpRates), median(sslRates), median(ratios))
            if json {
                lines.append("{\"bits\":\(size),\"padding\":\"\(padding.name)\",\"gmp_ops_per_s\":\(Int(g.rounded())),\"openssl_ops_per_s\":\(Int(o.rounded())),\"ratio\":\(fixed(r, 3)),\"rounds\":\(rounds)}")
            } else {
                lines.append(column(String(size), 5) + column(String(Int(g.rounded())), 11) + column(String(Int(o.rounded())), 15) + fixed(r, 2) + "x")
            }
        }
        emit(lines.joined(separator: "\n"))
    }

    private func measure(_ body: () throws -> Void) throws -> Double {
        let clock = ContinuousClock()
        let start = clock.now
        var count = 0
        var elapsed = 0.0
        repeat {
            try body()
            count += 1
            let d = clock.now - start
            elapsed = Double(d.components.seconds) + Double(d.components.attoseconds) / 1e18
        } while elapsed < seconds
        return Double(count) / elapsed
    }

    private func median(_ values: [Double]) -> Double {
        let sorted = values.sorted()
        let mid = sorted.count / 2
        return sorted.count % 2 == 1 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2
    }

    private func column(_ s: String, _ width: Int) -> String { s + String(repeating: " ", count: max(1, width - s.count + 2)) }

    private func fixed(_ x: Double, _ digits: Int) -> String {
        var scale = 1.0
        for _ in 0..<digits { scale *= 10 }
        let scaled = Int((x * scale).rounded())
        let whole = scaled / Int(scale), fraction = String(scaled % Int(scale))
        return "\(whole)." + String(repeating: "0", count: digits - fraction.count) + fraction
    }
}
