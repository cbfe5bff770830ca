// swift-tools-version:6.0
// xsig: offline X-signature computation (RSAES-PKCS1-v1_5 / RSAES-OAEP, RFC 8017) on GMP,
// cross-checked against OpenSSL.
//
// Layers, arrows pointing down only:
//   xsig (command line)
//     -> XSignature (X-signature payload, signer, headers, batch and vector tools)
//       -> XSigRSA (keys, RSA primitive, EME paddings, gmp/openssl backends)
//         -> XSigBigInt (GMP-backed integers and modular exponentiation)
//           -> CGMP, COpenSSL (C bindings)
import PackageDescription

let package = Package(
    name: "xsig",
    products: [
        .library(name: "XSignature", targets: ["XSignature"]),
        .executable(name: "xsig", targets: ["xsig"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.8.2"),
        .package(url: "https://github.com/apple/swift-asn1", from: "1.7.4"),
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
            name: "XSigBigInt",
            dependencies: ["CGMP"]
        ),
        .target(
            name: "XSigRSA",
            dependencies: [
                "XSigBigInt",
                "COpenSSL",
                .product(name: "SwiftASN1", package: "swift-asn1"),
            ]
        ),
        .target(
            name: "XSignature",
            dependencies: ["XSigRSA"]
        ),
        .executableTarget(
            name: "xsig",
            dependencies: [
                "XSignature",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ]
        ),
        .testTarget(name: "XSigBigIntTests", dependencies: ["XSigBigInt", "XSigRSA"]),
        .testTarget(name: "XSigRSATests", dependencies: [
            "XSigRSA", "XSigBigInt", .product(name: "SwiftASN1", package: "swift-asn1"),
        ]),
        .testTarget(name: "XSignatureTests", dependencies: ["XSignature"]),
        .testTarget(name: "xsigCLITests", dependencies: ["xsig"]),
    ]
)
