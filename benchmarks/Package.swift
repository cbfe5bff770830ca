// swift-tools-version:6.1
// Micro-benchmarks of the xsig engine on ordo-one/benchmark, kept out of the root package so that
// CI's build of xsig never compiles the benchmark framework. Run from this directory:
//   swift package benchmark                       # all benchmarks, table of percentiles
//   swift package benchmark thresholds check      # allocation thresholds (see the sources)
import PackageDescription

let package = Package(
    name: "xsig-benchmarks",
    platforms: [.macOS(.v13)],
    dependencies: [
        // name: keeps the reference stable whatever the checkout directory is called.
        .package(name: "xsig", path: "../"),
        .package(url: "https://github.com/ordo-one/benchmark", from: "1.38.1", traits: ["MallocInterposer"]),
    ],
    targets: [
        .executableTarget(
            name: "EngineBenchmarks",
            dependencies: [
                .product(name: "Benchmark", package: "benchmark"),
                .product(name: "XSignature", package: "xsig"),
            ],
            path: "Benchmarks/EngineBenchmarks",
            plugins: [.plugin(name: "BenchmarkPlugin", package: "benchmark")]
        ),
    ]
)
