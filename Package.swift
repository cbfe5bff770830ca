// swift-tools-version:6.0
// xsig: offline X-signature computation (RSAES-PKCS1-v1_5 / RSAES-OAEP, RFC 8017) on GMP,
// cross-checked against OpenSSL.
//
// Layers, arrows pointing down only (docs/ARCHITECTURE.md):
//   xsig (command line)
//     -> XSigMock (the SDK API as an HTTP server: routes, X-signature checks, replay cache, tokens)
//     -> XSigSidecar (X-signatures made at request time over HTTP, lanes groups on signing threads)
//       -> XSigHTTP (reusable HTTP/1.1 server plumbing on SwiftNIO: limits, drain, metrics)
//     -> XSigBatch, XSigVectors, XSigBench (batch pipeline, test-vector tools, benchmark engine)
//       -> XSignature (X-signature payload, signer, verifier, request headers)
//         -> XSigRSA (keys, RSA primitive, EME paddings, gmp/openssl backends, randomness)
//           -> XSigBigInt (GMP-backed integers and modular exponentiation)
//             -> CXSigKernels (C: the Montgomery RSAEP kernel, OpenSSL key helpers, wipe)
//               -> CGMP, COpenSSL (macro shims over the system libraries)
//   xsig -> CXSigBuildInfo (C: the commit compiled in, the GMP and OpenSSL versions loaded)
import PackageDescription

let package = Package(
    name: "xsig",
    products: [
        // XSignature re-exports XSigRSA: `import XSignature` gives keys, paddings and the signer.
        .library(name: "XSignature", targets: ["XSignature"]),
        .library(name: "XSigBatch", targets: ["XSigBatch"]),
        .library(name: "XSigVectors", targets: ["XSigVectors"]),
        .executable(name: "xsig", targets: ["xsig"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.8.2"),
        .package(url: "https://github.com/apple/swift-asn1", from: "1.7.4"),
        .package(url: "https://github.com/apple/swift-nio", from: "2.101.3"),
    ],
    targets: [
        .systemLibrary(
            name: "CGMP",
            pkgConfig: "gmp",
            providers: [.apt(["libgmp-dev"]), .brew(["gmp"])]
        ),
        .systemLibrary(
            name: "COpenSSL",
            pkgConfig: "libcrypto",
            providers: [.apt(["libssl-dev"]), .brew(["openssl@3"])]
        ),
        .target(
            name: "CXSigKernels",
            dependencies: ["CGMP", "COpenSSL"],
            linkerSettings: [.linkedLibrary("gmp"), .linkedLibrary("crypto")]
        ),
        .target(
            name: "CXSigBuildInfo",
            dependencies: ["CGMP", "COpenSSL"],
            linkerSettings: [.linkedLibrary("gmp"), .linkedLibrary("crypto")]
        ),
        .target(
            name: "XSigBigInt",
            dependencies: ["CGMP", "CXSigKernels"]
        ),
        .target(
            name: "XSigRSA",
            dependencies: [
                "XSigBigInt",
                "COpenSSL",
                "CXSigKernels",
                .product(name: "SwiftASN1", package: "swift-asn1"),
            ]
        ),
        .target(
            name: "XSignature",
            dependencies: ["XSigRSA"]
        ),
        .target(
            name: "XSigBatch",
            dependencies: ["XSignature"]
        ),
        .target(
            name: "XSigVectors",
            dependencies: ["XSignature", "XSigBigInt", "COpenSSL"]
        ),
        .target(
            name: "XSigBench",
            dependencies: ["XSignature"]
        ),
        .target(
            name: "XSigHTTP",
            dependencies: [
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "NIOHTTP1", package: "swift-nio"),
                .product(name: "NIOConcurrencyHelpers", package: "swift-nio"),
            ]
        ),
        .target(
            name: "XSigMock",
            dependencies: [
                "XSignature",
                "XSigHTTP",
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOHTTP1", package: "swift-nio"),
                .product(name: "NIOConcurrencyHelpers", package: "swift-nio"),
            ]
        ),
        .target(
            name: "XSigSidecar",
            dependencies: [
                "XSignature",
                "XSigHTTP",
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOHTTP1", package: "swift-nio"),
                .product(name: "NIOConcurrencyHelpers", package: "swift-nio"),
            ]
        ),
        .executableTarget(
            name: "xsig",
            dependencies: [
                "XSignature",
                "XSigBatch",
                "XSigVectors",
                "XSigBench",
                "XSigHTTP",
                "XSigMock",
                "CXSigBuildInfo",
                "XSigSidecar",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ]
        ),
        .testTarget(name: "XSigBigIntTests", dependencies: ["XSigBigInt"]),
        .testTarget(name: "XSigRSATests", dependencies: [
            "XSigRSA", "XSigBigInt", "CXSigKernels", .product(name: "SwiftASN1", package: "swift-asn1"),
        ]),
        .testTarget(name: "XSignatureTests", dependencies: ["XSignature"]),
        .testTarget(name: "XSigBenchTests", dependencies: ["XSigBench"]),
        .testTarget(name: "XSigBatchTests", dependencies: ["XSigBatch", "XSignature"]),
        .testTarget(name: "XSigVectorsTests", dependencies: ["XSigVectors", "XSignature", "XSigBigInt"]),
        .testTarget(name: "xsigCLITests", dependencies: ["xsig", "XSignature"]),
        .testTarget(name: "XSigMockTests", dependencies: [
            "XSigMock", "XSigHTTP", "XSignature",
            .product(name: "NIOCore", package: "swift-nio"), .product(name: "NIOPosix", package: "swift-nio"),
            .product(name: "NIOConcurrencyHelpers", package: "swift-nio"),
        ]),
        .testTarget(name: "XSigSidecarTests", dependencies: [
            "XSigSidecar", "XSigHTTP", "XSignature",
            .product(name: "NIOCore", package: "swift-nio"), .product(name: "NIOPosix", package: "swift-nio"),
            .product(name: "NIOHTTP1", package: "swift-nio"), .product(name: "NIOConcurrencyHelpers", package: "swift-nio"),
        ]),
    ]
)
