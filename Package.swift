// swift-tools-version: 6.1
// The dependency direction is the law of the house (DESIGN.md §3):
//   SZNNCore knows nothing of networks; SZNNEngine knows nothing of codecs;
//   only SZNNCLI knows the terminal. Each target below lists exactly what it may import.
import PackageDescription

let package = Package(
    name: "sz-nn",
    platforms: [.macOS(.v13)],
    products: [
        .executable(name: "sz-nn", targets: ["sz-nn"]),
        .library(name: "SZNNCore", targets: ["SZNNCore"]),
        .library(name: "SZNNZstd", targets: ["SZNNZstd"]),
        .library(name: "SZNNCABAC", targets: ["SZNNCABAC"]),
        // The network engine and the tuner, for training loops that learn weights and bounds
        // together (README "In a training loop"; Examples/client depends on them by path).
        .library(name: "SZNNEngine", targets: ["SZNNEngine"]),
        .library(name: "SZNNTuner", targets: ["SZNNTuner"]),
        .library(name: "SZNNWorkflow", targets: ["SZNNWorkflow"]),
        // Federated averaging with error-bounded, self-adaptive update compression (README "Federated learning").
        .library(name: "SZNNFederated", targets: ["SZNNFederated"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.5.0"),
    ],
    targets: [
        // System libraries, found through pkg-config and installed from Debian packages.
        .systemLibrary(name: "CZstd", pkgConfig: "libzstd", providers: [.apt(["libzstd-dev"])]),
        .systemLibrary(name: "CZlib", pkgConfig: "zlib", providers: [.apt(["zlib1g-dev"])]),
        .systemLibrary(name: "COpenBLAS", pkgConfig: "openblas", providers: [.apt(["libopenblas-dev"])]),
        // glibc's mallopt, for the CLI's streaming commands (libc, nothing to install).
        .systemLibrary(name: "CMalloc"),

        // Tensors, dtypes, error bounds, predictors, quantizer, backend protocol, container, model I/O.
        .target(name: "SZNNCore", dependencies: ["CZlib"]),
        // The zstd entropy backend.
        .target(name: "SZNNZstd", dependencies: ["SZNNCore", "CZstd"]),
        // The DeepCABAC entropy backend (binarizer, context models, arithmetic coder, rate estimator).
        .target(name: "SZNNCABAC", dependencies: ["SZNNCore"], exclude: ["README.md"]),
        // The error-bound tuner: rate models, gradient search, accuracy verification. It sees
        // codecs only through Core's protocol and a rate function, so every backend works.
        .target(name: "SZNNTuner", dependencies: ["SZNNCore", "SZNNEngine"]),

        // The methods `sz-nn compare` measures sz-nn against: pruning, int-k, k-means + Huffman,
        // low rank, one global bound, DeepSZ-style search, and sz-nn's own tuner. No terminal.
        .target(name: "SZNNBaselines", dependencies: ["SZNNCore", "SZNNEngine", "SZNNTuner", "SZNNZstd", "SZNNCABAC", "SZNNWorkflow"]),

        // CPU neural-network engine (GEMM through OpenBLAS, IDX datasets through zlib): no codecs.
        .target(name: "SZNNEngine", dependencies: ["COpenBLAS", "CZlib"]),

        // The workflow between the engine/tuner and the command line (training settings and loop,
        // so far): what a command does, without a terminal, as a library.
        .target(name: "SZNNWorkflow", dependencies: ["SZNNCore", "SZNNEngine", "SZNNTuner", "SZNNCABAC", "SZNNZstd"]),

        // Federated averaging: clients, coded deltas with error feedback (error-bounded CABAC, top-k,
        // sparse binary), self-adaptive bounds, bit accounting and the accuracy-against-bits plot. No terminal.
        .target(name: "SZNNFederated", dependencies: ["SZNNCore", "SZNNEngine", "SZNNCABAC", "SZNNWorkflow"]),

        // The command line: the only target that knows the terminal.
        .target(name: "SZNNCLI", dependencies: [
            "SZNNCore", "SZNNZstd", "SZNNCABAC", "SZNNEngine", "SZNNTuner", "SZNNBaselines", "SZNNWorkflow", "SZNNFederated",
            .product(name: "ArgumentParser", package: "swift-argument-parser"),
            .target(name: "CMalloc", condition: .when(platforms: [.linux])),
        ]),
        .executableTarget(name: "sz-nn", dependencies: ["SZNNCLI"]),
        // The codec benchmark (Benchmarks/codec/README.md); kept out of the test path.
        .executableTarget(name: "SZNNBench", dependencies: ["SZNNCore", "SZNNCABAC", "SZNNZstd", "SZNNTestSupport"], path: "Benchmarks/codec/Sources"),

        // Seeded generators and samples shared by the tests and the benchmarks.
        .target(name: "SZNNTestSupport", path: "Tests/SZNNTestSupport"),
        // Every reader of untrusted bytes behind one entry point, and its libFuzzer driver
        // (`make fuzz`; without the fuzzer it replays a corpus). Tests/SZNNFuzz/README.md.
        .target(name: "SZNNFuzzing", dependencies: ["SZNNCore", "SZNNZstd", "SZNNCABAC"], path: "Tests/SZNNFuzzing"),
        .executableTarget(name: "SZNNFuzz", dependencies: ["SZNNFuzzing", "SZNNCore"], path: "Tests/SZNNFuzz", exclude: ["README.md"]),

        .testTarget(name: "SZNNCoreTests", dependencies: ["SZNNCore", "SZNNZstd", "SZNNCABAC", "SZNNTestSupport", "SZNNFuzzing"]),
        .testTarget(name: "SZNNZstdTests", dependencies: ["SZNNCore", "SZNNZstd", "SZNNTestSupport"]),
        .testTarget(name: "SZNNTunerTests", dependencies: ["SZNNCore", "SZNNEngine", "SZNNTuner"]),
        .testTarget(name: "SZNNCABACTests", dependencies: ["SZNNCore", "SZNNCABAC", "SZNNTestSupport"]),
        .testTarget(name: "SZNNEngineTests", dependencies: ["SZNNEngine", "CZlib"]),
        .testTarget(name: "SZNNBaselinesTests", dependencies: ["SZNNBaselines", "SZNNCore", "SZNNEngine", "SZNNTuner", "SZNNCABAC", "SZNNZstd", "SZNNCLI", "SZNNTestSupport"]),
        .testTarget(name: "SZNNCLITests", dependencies: ["SZNNCLI", "SZNNCore", "SZNNEngine", "SZNNWorkflow"]),
        .testTarget(name: "SZNNWorkflowTests", dependencies: ["SZNNWorkflow", "SZNNCore", "SZNNEngine"]),
        .testTarget(name: "SZNNFederatedTests", dependencies: ["SZNNFederated", "SZNNCore", "SZNNEngine"]),
    ]
)
