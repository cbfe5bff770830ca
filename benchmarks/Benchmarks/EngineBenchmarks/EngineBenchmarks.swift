// Micro-benchmarks of the xsig engine, one layer at a time: modexp, padding, payload build,
// Base64 and the end-to-end signature, each gmp benchmark beside its OpenSSL counterpart.
//
// Thresholds: every allocation-free path is held to zero mallocs at p90 (absolute threshold,
// checked by `swift package benchmark thresholds check` and by every baseline comparison);
// wall-clock time is held to +-10% at p50 against a stored baseline of the same machine.
// Throughput ratios between backends are measured by `xsig bench`, which interleaves them.
import Benchmark
import XSignature

private func key(bits: Int) -> RSAPublicKey {
    // One OpenSSL-generated key per size (e = 65537), made when the suite starts.
    let pair = try! OpenSSLKey.generateRSA(bits: bits, publicExponent: [1, 0, 1])
    return try! pair.publicKey(policy: .allowingWeakKeys)
}

private let sizes = [1024, 2048, 3072, 4096]

private func noAllocations(_ limit: Int = 0) -> [BenchmarkMetric: BenchmarkThresholds] {
    [
        .mallocCountTotal: .init(absolute: [.p90: limit]),
        // Wall clock: +-10% at p50 against a baseline of the same machine (quiet machines only).
        .wallClock: .init(relative: [.p50: 10.0]),
    ]
}

private func config(_ thresholds: [BenchmarkMetric: BenchmarkThresholds]) -> Benchmark.Configuration {
    .init(metrics: [.wallClock, .throughput, .mallocCountTotal], timeUnits: .microseconds,
          warmupIterations: 20, maxDuration: .seconds(1), maxIterations: 100_000, thresholds: thresholds)
}

let benchmarks: @Sendable () -> Void = {
    let token = String(repeating: "a", count: 40)
    let payload = try! SignaturePayload(sessionToken: token, timestamp: 1_628_496_895_102)
    let message = payload.bytes   // 96 octets

    for bits in sizes {
        let publicKey = key(bits: bits)
        let k = publicKey.modulusOctets
        let gmp = try! RSAEncryptor(key: publicKey, backend: .gmp)
        let openssl = try! RSAEncryptor(key: publicKey, backend: .openssl)
        // A fixed k-octet input below n (top octet 0).
        var block = [UInt8](repeating: 0x5a, count: k)
        block[0] = 0

        // Modexp: RSAEP alone (the array result is the one allocation of this API).
        Benchmark("modexp_gmp_\(bits)", configuration: config(noAllocations(1))) { benchmark in
            for _ in benchmark.scaledIterations { blackHole(try gmp.rawEncrypt(block)) }
        }
        Benchmark("modexp_openssl_\(bits)", configuration: config([:])) { benchmark in
            for _ in benchmark.scaledIterations { blackHole(try openssl.rawEncrypt(block)) }
        }

        for padding in [RSAEncryptionPadding.pkcs1v15, .oaepSHA256] {
            let fits = padding.maximumMessageLength(modulusOctets: k) >= message.count
            let m = fits ? message : Array(message.prefix(padding.maximumMessageLength(modulusOctets: k)))
            // Padding alone, secure randomness (buffered RAND_bytes).
            Benchmark("padding_\(padding.name)_\(bits)", configuration: config(noAllocations())) { benchmark in
                let em = UnsafeMutableRawBufferPointer.allocate(byteCount: k, alignment: 16)
                defer { em.deallocate() }
                var random = SecureRandom()
                try m.withUnsafeBytes { input in
                    benchmark.startMeasurement()
                    for _ in benchmark.scaledIterations {
                        try padding.encode(message: input, random: &random, into: em)
                        blackHole(em[1])
                    }
                    benchmark.stopMeasurement()
                }
            }
            // Whole RSAES encryption into a caller's buffer: no allocation on the gmp backend.
            for (name, encryptor) in [("gmp", gmp), ("openssl", openssl)] {
                Benchmark("encrypt_\(padding.name)_\(name)_\(bits)",
                          configuration: config(name == "gmp" ? noAllocations() : [:])) { benchmark in
                    let out = UnsafeMutableRawBufferPointer.allocate(byteCount: k, alignment: 16)
                    defer { out.deallocate() }
                    var random = SecureRandom()
                    try m.withUnsafeBytes { input in
                        benchmark.startMeasurement()
                        for _ in benchmark.scaledIterations {
                            try encryptor.encrypt(message: input, padding: padding, label: UnsafeRawBufferPointer(start: nil, count: 0),
                                                  random: &random, into: out)
                            blackHole(out[0])
                        }
                        benchmark.stopMeasurement()
                    }
                }
            }
        }

        // End to end: payload + encryption + Base64 (the returned String is the one allocation).
        if bits == 2048 || bits == 4096 {
            for backend in RSAEncryptor.Backend.allCases {
                let signer = try! XSignatureSigner(key: publicKey, padding: .oaepSHA256, backend: backend)
                Benchmark("sign_oaep-sha256_\(backend.rawValue)_\(bits)",
                          configuration: config(backend == .gmp ? noAllocations(1) : [:])) { benchmark in
                    var random = SecureRandom()
                    for _ in benchmark.scaledIterations { blackHole(try signer.sign(payload, random: &random)) }
                }
            }
        }

        // Base64 of one ciphertext into a buffer.
        Benchmark("base64_\(k)-octets", configuration: config(noAllocations())) { benchmark in
            let out = UnsafeMutableRawBufferPointer.allocate(byteCount: Base64.encodedLength(k), alignment: 16)
            defer { out.deallocate() }
            block.withUnsafeBytes { input in
                benchmark.startMeasurement()
                for _ in benchmark.scaledIterations { blackHole(Base64.encode(input, into: out)) }
                benchmark.stopMeasurement()
            }
        }
    }

    // Payload build without a String. One allocation today: SignaturePayload.write's nested
    // put() functions capture its running offset, which Swift boxes on the heap.
    Benchmark("payload_write-96-octets", configuration: config(noAllocations(1))) { benchmark in
        let out = UnsafeMutableRawBufferPointer.allocate(byteCount: payload.byteCount, alignment: 16)
        defer { out.deallocate() }
        for _ in benchmark.scaledIterations { blackHole(payload.write(into: out)) }
    }
}
