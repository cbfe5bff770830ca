import Foundation
import XCTest
@testable import XSignature
@testable import XSigBatch

/// Keys and a one-call batch runner for the Batch* tests.
enum BatchFixtures {
    static var repositoryRoot: URL {
        URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
    }

    static func pem(_ name: String) -> String {
        (try? String(contentsOf: repositoryRoot.appendingPathComponent("vectors/keys/\(name)"), encoding: .utf8)) ?? ""
    }

    /// The demo keys: PUBLIC TEST MATERIAL.
    static let key2048 = try! PublicKeyDecoder().decode(Array(pem("demo-rsa-2048.pub.pem").utf8)).key
    static let key1024 = try! PublicKeyDecoder(policy: .allowingWeakKeys).decode(Array(pem("demo-rsa-1024.pub.pem").utf8)).key
    static let private2048 = try! OpenSSLKey.fromPEM(pem("demo-rsa-2048.pem"), isPrivate: true)

    static let requestFields = LogoutHeaderFields([
        .domain: "idp.example.com", .clientID: "client-1", .deviceFingerprint: "fp-1",
        .osVersion: "Android 14", .agent: "loadtest/1.0",
    ])

    struct Outcome {
        var output: String
        var errors: [BatchRecordError]
        var summary: BatchSummary
    }

    /// Runs `input` through the streaming engine and collects everything.
    static func run(_ input: String, inputFormat: BatchInputFormat? = nil, path: String? = nil,
                    output: BatchOutputFormat = .ndjson, writesCSVHeader: Bool = true,
                    key: RSAPublicKey = key2048, padding: RSAEncryptionPadding = .oaepSHA256,
                    configure: (inout BatchConfiguration) -> Void = { _ in }) throws -> Outcome {
        var configuration = BatchConfiguration(timestamps: .fixed(base: 1_700_000_000_000), seed: [1, 2, 3], threads: 2)
        configuration.requireRequest = output.needsRequest
        configure(&configuration)
        let batch = try BatchSigner(key: key, padding: padding, configuration: configuration)
        let reader = BatchInputReader(source: MemoryByteSource(input), format: inputFormat, path: path)
        var bytes: [UInt8] = []
        var errors: [BatchRecordError] = []
        let summary = try batch.run(source: reader, formatter: BatchOutputFormatter(format: output, writesCSVHeader: writesCSVHeader),
                                    write: { bytes.append(contentsOf: $0) }, onError: { errors.append($0) })
        return Outcome(output: String(decoding: bytes, as: UTF8.self), errors: errors, summary: summary)
    }

    /// Every record an input reader yields, with failures as "line N: message".
    static func read(_ input: String, format: BatchInputFormat? = nil, path: String? = nil,
                     maximumLineBytes: Int = 1 << 20) throws -> [Result<BatchRecord, BatchRecordError>] {
        let reader = BatchInputReader(source: MemoryByteSource(input), format: format, path: path, maximumLineBytes: maximumLineBytes)
        var all: [Result<BatchRecord, BatchRecordError>] = []
        while let next = try reader.nextRecord() { all.append(next) }
        return all
    }

    static func tokens(_ count: Int, prefix: String = "tok") -> String {
        (0..<count).map { "\(prefix)\($0)\n" }.joined()
    }

    /// Parses NDJSON output lines into dictionaries.
    static func objects(_ ndjson: String) throws -> [[String: Any]] {
        try ndjson.split(separator: "\n").map {
            try XCTUnwrap(JSONSerialization.jsonObject(with: Data($0.utf8)) as? [String: Any])
        }
    }
}

extension Result {
    var batchValue: Success? { if case let .success(v) = self { return v } else { return nil } }
    var batchFailure: Failure? { if case let .failure(e) = self { return e } else { return nil } }
}
