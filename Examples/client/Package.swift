// swift-tools-version: 6.1
// A client of sz-nn's library products, built by `make client`: proves that a package outside
// this repository can depend on sz-nn by path and run the README's training-loop example.
import PackageDescription

let package = Package(
    name: "sz-nn-client",
    dependencies: [.package(name: "sz-nn", path: "../..")],
    targets: [
        .executableTarget(name: "client", dependencies: [
            .product(name: "SZNNEngine", package: "sz-nn"),
            .product(name: "SZNNTuner", package: "sz-nn"),
            .product(name: "SZNNCABAC", package: "sz-nn"),
        ]),
    ]
)
