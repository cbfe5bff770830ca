// swift-tools-version:6.0
// Peer benchmark: swift-crypto's _RSA (BoringSSL) encrypting the same payloads as xsig, in its own
// package so that neither xsig nor benchmarks/ compiles BoringSSL. Run through ../run-peers.sh.
import PackageDescription

let package = Package(
    name: "swift-crypto-peer",
    platforms: [.macOS(.v13)],
    dependencies: [
        .package(url: "https://github.com/apple/swift-crypto", exact: "3.12.3"),
    ],
    targets: [
        .executableTarget(
            name: "SwiftCryptoPeer",
            dependencies: [.product(name: "_CryptoExtras", package: "swift-crypto")]
        ),
    ]
)
