// swift-tools-version:6.0
// libFuzzer targets for xsig's parsers (issue 7). Build and run with `bash fuzz/run.sh [seconds]`:
//   swift build -c debug -Xswiftc -sanitize=fuzzer,address -Xswiftc -parse-as-library --scratch-path fuzz/.build
// Each target defines LLVMFuzzerTestOneInput and asserts invariants (FuzzSupport.require), so an
// invariant violation is a crash that libFuzzer saves as a reproducer.
import PackageDescription

let library: Target.Dependency = .product(name: "XSignature", package: "xsig")
let batch: Target.Dependency = .product(name: "XSigBatch", package: "xsig")

let package = Package(
    name: "xsig-fuzz",
    dependencies: [.package(name: "xsig", path: "../")],
    targets: [
        .target(name: "FuzzSupport", dependencies: [library]),
        .executableTarget(name: "FuzzKeyParser", dependencies: [library, "FuzzSupport"]),
        .executableTarget(name: "FuzzBatchReader", dependencies: [library, batch, "FuzzSupport"]),
        .executableTarget(name: "FuzzPayloadParser", dependencies: [library, "FuzzSupport"]),
        .executableTarget(name: "FuzzDecrypt", dependencies: [library, "FuzzSupport"]),
    ]
)
