// swift-tools-version:6.0
import PackageDescription

/// Swift 6 language mode for every target, tests included.
let strict: [SwiftSetting] = [.swiftLanguageMode(.v6)]

let package = Package(
    name: "CivicSeal",
    platforms: [.macOS(.v15)],
    products: [
        .executable(name: "civicseal", targets: ["civicseal"]),
        .executable(name: "civicseal-bench", targets: ["civicseal-bench"]),
    ],
    // No package dependencies: the toolchain plus two system libraries.
    dependencies: [],
    targets: [
        .systemLibrary(
            name: "COpenSSL",
            pkgConfig: "openssl",
            providers: [.apt(["libssl-dev"]), .brew(["openssl@3"])]
        ),
        .systemLibrary(
            name: "CSQLite",
            pkgConfig: "sqlite3",
            providers: [.apt(["libsqlite3-dev"]), .brew(["sqlite"])]
        ),
        // GNU-only libc entry points (accept4) and headers that Glibc does not import (epoll, eventfd).
        .target(name: "CCivicSealSystem"),
        .target(name: "CivicSealHTTP", dependencies: ["CCivicSealSystem"], swiftSettings: strict),
        .target(name: "CivicSealCrypto", dependencies: ["COpenSSL"], swiftSettings: strict),
        .target(name: "CivicSealStorage", dependencies: ["CSQLite"], swiftSettings: strict),
        .target(name: "CivicSealWorkflow", swiftSettings: strict),
        .target(name: "CivicSealApp", dependencies: ["CivicSealCrypto"], swiftSettings: strict),
        .executableTarget(name: "civicseal", dependencies: ["CivicSealApp"], swiftSettings: strict),
        .executableTarget(
            name: "civicseal-bench", dependencies: ["CivicSealApp", "CivicSealCrypto"], swiftSettings: strict),
        .target(name: "CivicSealTestSupport", path: "Tests/CivicSealTestSupport", swiftSettings: strict),
        .testTarget(
            name: "CivicSealCryptoTests", dependencies: ["CivicSealCrypto", "CivicSealTestSupport"],
            resources: [.copy("Vectors")], swiftSettings: strict),
        .testTarget(name: "CivicSealStorageTests", dependencies: ["CivicSealStorage", "CivicSealTestSupport"], swiftSettings: strict),
        .testTarget(name: "CivicSealAppTests", dependencies: ["CivicSealApp", "CivicSealCrypto", "CivicSealTestSupport"], swiftSettings: strict),
        .testTarget(name: "CivicSealHTTPTests", dependencies: ["CivicSealHTTP", "CivicSealTestSupport"], swiftSettings: strict),
        .testTarget(name: "CivicSealWorkflowTests", dependencies: ["CivicSealWorkflow"], swiftSettings: strict),
    ]
)
