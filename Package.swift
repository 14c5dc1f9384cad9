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
        // C at the edge.
        .systemLibrary(
            name: "COpenSSL", pkgConfig: "openssl", providers: [.apt(["libssl-dev"]), .brew(["openssl@3"])]),
        .target(name: "CCivicSealSystem"),  // GNU-only libc symbols; _GNU_SOURCE lives in its .c file only
        // The PKCS #11 subset we call, our own declarations; dlopen/dlsym are glibc's (libc since 2.34).
        .target(name: "CCivicSealPKCS11"),
        .systemLibrary(
            name: "CSQLite", pkgConfig: "sqlite3", providers: [.apt(["libsqlite3-dev"]), .brew(["sqlite"])]),

        // Infrastructure.
        .target(name: "CivicSealJSON", swiftSettings: strict),  // the one strict JSON reader, below every user
        .target(
            name: "CivicSealCrypto", dependencies: ["COpenSSL", "CCivicSealPKCS11", "CivicSealJSON"],
            swiftSettings: strict),
        .target(name: "CivicSealStorage", dependencies: ["CSQLite"], swiftSettings: strict),
        .target(name: "CivicSealQR", swiftSettings: strict),
        .target(name: "CivicSealHTTP", dependencies: ["CCivicSealSystem", "CivicSealJSON"], swiftSettings: strict),
        .target(name: "CivicSealProcess", dependencies: ["CCivicSealSystem"], swiftSettings: strict),
        // Outbound HTTP/1.1 over TLS (OpenSSL): the relying party's discovery, keys and token requests.
        .target(name: "CivicSealHTTPClient", dependencies: ["COpenSSL"], swiftSettings: strict),
        // Our own PostgreSQL client (frontend/backend protocol 3.0, TLS and SCRAM through OpenSSL): a leaf.
        .target(name: "CivicSealPostgres", dependencies: ["COpenSSL"], swiftSettings: strict),
        // The records store on PostgreSQL: Storage's SQLStore/SQLSession over our own client (pool, transactions).
        .target(
            name: "CivicSealPostgresStore", dependencies: ["CivicSealStorage", "CivicSealPostgres"],
            swiftSettings: strict),
        .target(name: "CivicSealPDF", swiftSettings: strict),
        .target(
            name: "CivicSealDocuments",
            dependencies: ["CivicSealPDF", "CivicSealQR", "CivicSealCrypto", "CivicSealWorkflow", "CivicSealJSON"],
            swiftSettings: strict),

        // Domain: intake and workflow.
        .target(name: "CivicSealWorkflow", dependencies: ["CivicSealJSON"], swiftSettings: strict),
        .target(
            name: "CivicSealIdentity", dependencies: ["CivicSealCrypto", "CivicSealWorkflow", "CivicSealJSON"],
            swiftSettings: strict),
        .target(
            name: "CivicSealRecords",
            dependencies: ["CivicSealStorage", "CivicSealWorkflow", "CivicSealCrypto", "CivicSealJSON"],
            swiftSettings: strict),

        // Sign-in: CivicSeal as an OpenID Connect relying party (discovery, keys, code flow with PKCE).
        .target(
            name: "CivicSealOIDC",
            dependencies: [
                "CivicSealHTTPClient", "CivicSealIdentity", "CivicSealCrypto", "CivicSealJSON", "CivicSealWorkflow",
            ],
            swiftSettings: strict),

        // Sealing and verification.
        .target(name: "CivicSealSealing", dependencies: ["CivicSealCrypto", "CivicSealPDF"], swiftSettings: strict),
        .target(
            name: "CivicSealVerification",
            dependencies: ["CivicSealCrypto", "CivicSealPDF", "CivicSealWorkflow", "CivicSealJSON"],
            swiftSettings: strict),

        // The application layer: every use case once (intake, decisions, issuance, documents, verification).
        .target(
            name: "CivicSealCasework",
            dependencies: [
                "CivicSealWorkflow", "CivicSealRecords", "CivicSealIdentity", "CivicSealDocuments", "CivicSealCrypto",
                "CivicSealJSON", "CivicSealPDF", "CivicSealSealing", "CivicSealVerification",
            ],
            swiftSettings: strict),

        // The HTTP API.
        .target(
            name: "CivicSealAPI",
            dependencies: [
                "CivicSealHTTP", "CivicSealIdentity", "CivicSealRecords", "CivicSealWorkflow", "CivicSealCrypto",
                "CivicSealVerification", "CivicSealJSON", "CivicSealDocuments", "CivicSealCasework",
            ],
            swiftSettings: strict),

        // The pages (citizens, officers, verifiers) over the page kit; beside the API, never importing it.
        .target(name: "CivicSealWebKit", dependencies: ["CivicSealHTTP", "CivicSealCrypto"], swiftSettings: strict),
        .target(
            name: "CivicSealPages",
            dependencies: [
                "CivicSealWebKit", "CivicSealHTTP", "CivicSealIdentity", "CivicSealRecords", "CivicSealWorkflow",
                "CivicSealDocuments", "CivicSealVerification", "CivicSealCrypto", "CivicSealJSON", "CivicSealCasework",
                "CivicSealOIDC",
            ],
            swiftSettings: strict),

        // The OpenID provider `serve` runs in development mode (issuer https://idp.civicseal.invalid/dev): its pages
        // on the server's routes, the rest answered in-process through an outbound transport.
        .target(
            name: "CivicSealDevelopmentProvider",
            dependencies: ["CivicSealHTTP", "CivicSealHTTPClient", "CivicSealCrypto", "CivicSealJSON"],
            swiftSettings: strict),

        // Wiring and executables.
        .target(
            name: "CivicSealApp",
            dependencies: [
                "CivicSealCrypto", "CivicSealIdentity", "CivicSealRecords", "CivicSealWorkflow", "CivicSealStorage",
                "CivicSealHTTP", "CivicSealAPI", "CivicSealPages", "CivicSealSealing", "CivicSealVerification",
                "CivicSealDocuments", "CivicSealJSON", "CivicSealCasework", "CivicSealDevelopmentProvider",
                "CivicSealOIDC", "CivicSealHTTPClient", "CivicSealPostgresStore", "CivicSealPostgres",
                "CivicSealWebKit",
            ],
            swiftSettings: strict),
        .executableTarget(name: "civicseal", dependencies: ["CivicSealApp"], swiftSettings: strict),
        .executableTarget(
            name: "civicseal-bench",
            dependencies: [
                "CivicSealApp", "CivicSealCrypto", "CivicSealRecords", "CivicSealWorkflow", "CivicSealStorage",
                "CivicSealDocuments", "CivicSealQR", "CivicSealHTTP", "CivicSealVerification", "CivicSealAPI",
                "CivicSealProcess", "CivicSealCasework", "CivicSealOIDC", "CivicSealHTTPClient", "CivicSealIdentity",
                "CivicSealJSON", "CivicSealPostgres",
            ],
            swiftSettings: strict),

        // Tests.
        .target(
            name: "CivicSealTestSupport",
            dependencies: ["CivicSealDocuments", "CivicSealWorkflow", "CivicSealProcess", "CivicSealCrypto"],
            path: "Tests/CivicSealTestSupport",
            swiftSettings: strict),
        .testTarget(name: "CivicSealJSONTests", dependencies: ["CivicSealJSON"], swiftSettings: strict),
        // The real service on a socket, the HTTP client and the cookie-keeping browser the API and page tests share.
        .target(
            name: "CivicSealServiceTestSupport",
            dependencies: [
                "CivicSealApp", "CivicSealPages", "CivicSealDocuments", "CivicSealHTTP", "CivicSealCrypto",
                "CivicSealJSON", "CivicSealProcess",
                "CivicSealTestSupport",
            ],
            path: "Tests/CivicSealServiceTestSupport",
            // The independent OpenID provider (Authlib on Flask) the launcher `IndependentProvider` starts.
            exclude: ["OIDCProvider"], swiftSettings: strict),
        .testTarget(
            name: "CivicSealCryptoTests", dependencies: ["CivicSealCrypto", "CivicSealJSON", "CivicSealTestSupport"],
            resources: [.copy("Vectors")], swiftSettings: strict),
        .testTarget(
            name: "CivicSealStorageTests",
            dependencies: ["CivicSealStorage", "CivicSealProcess", "CivicSealTestSupport"], swiftSettings: strict),
        .testTarget(
            name: "CivicSealDocumentsTests",
            dependencies: [
                "CivicSealDocuments", "CivicSealPDF", "CivicSealQR", "CivicSealCrypto", "CivicSealWorkflow",
                "CivicSealJSON",
                "CivicSealTestSupport",
            ],
            swiftSettings: strict),
        .testTarget(
            name: "CivicSealSealingTests",
            dependencies: ["CivicSealSealing", "CivicSealCrypto", "CivicSealPDF", "CivicSealTestSupport"],
            swiftSettings: strict),
        .testTarget(
            name: "CivicSealVerificationTests",
            dependencies: [
                "CivicSealVerification", "CivicSealSealing", "CivicSealApp", "CivicSealCrypto", "CivicSealDocuments",
                "CivicSealPDF", "CivicSealWorkflow", "CivicSealJSON",
                "CivicSealTestSupport",
            ],
            swiftSettings: strict),
        .testTarget(
            name: "CivicSealPDFTests", dependencies: ["CivicSealPDF", "CivicSealTestSupport"], swiftSettings: strict),
        .testTarget(
            name: "CivicSealHTTPTests", dependencies: ["CivicSealHTTP", "CivicSealTestSupport"], swiftSettings: strict),
        .testTarget(
            name: "CivicSealBrowserTests",
            dependencies: [
                "CivicSealApp", "CivicSealHTTP", "CivicSealJSON", "CivicSealWorkflow", "CivicSealTestSupport",
                "CivicSealServiceTestSupport", "CivicSealProcess",
            ],
            // The walks themselves are Python (Selenium, axe-core): one harness and a findings file per area.
            exclude: [
                "browser_flows.py", "harness.py", "findings_officer.py", "findings_citizen.py", "findings_site.py",
                "findings_time.py", "provider_walk.py",
            ],
            swiftSettings: strict),
        // The identity providers the relying party is tested against: the independent one (Python) and ours.
        .testTarget(
            name: "CivicSealIdentityProviderTests",
            dependencies: [
                "CivicSealCrypto", "CivicSealJSON", "CivicSealTestSupport", "CivicSealServiceTestSupport",
                "CivicSealDevelopmentProvider", "CivicSealHTTP", "CivicSealHTTPClient", "CivicSealApp", "CivicSealOIDC",
                "CivicSealIdentity",
            ],
            swiftSettings: strict),
        .testTarget(
            name: "CivicSealWebKitTests",
            dependencies: ["CivicSealWebKit", "CivicSealHTTP", "CivicSealCrypto", "CivicSealTestSupport"],
            swiftSettings: strict),
        // The repository's own shape: formatting, line and file lengths, the module graph README draws.
        .testTarget(name: "CivicSealArchitectureTests", dependencies: ["CivicSealTestSupport"], swiftSettings: strict),
        .testTarget(
            name: "CivicSealHTTPClientTests",
            dependencies: ["CivicSealHTTPClient", "CivicSealProcess", "CivicSealTestSupport"],
            exclude: ["fixture_server.py"],  // the Python fixture server the live tests start
            swiftSettings: strict),
        // The PostgreSQL client against a throw-away cluster and against psycopg.
        .testTarget(
            name: "CivicSealPostgresTests",
            dependencies: ["CivicSealPostgres", "CivicSealTestSupport"],
            exclude: ["psycopg_crosscheck.py"],  // the psycopg side of the cross-check
            swiftSettings: strict),
        .testTarget(
            name: "CivicSealProcessTests", dependencies: ["CivicSealProcess", "CivicSealTestSupport"],
            swiftSettings: strict),
        .testTarget(
            name: "CivicSealQRTests", dependencies: ["CivicSealQR", "CivicSealTestSupport"], swiftSettings: strict),
        .testTarget(
            name: "CivicSealRecordsTests",
            dependencies: [
                "CivicSealRecords", "CivicSealWorkflow", "CivicSealStorage", "CivicSealCrypto", "CivicSealTestSupport",
                "CivicSealPostgresStore", "CivicSealPostgres",
            ],
            swiftSettings: strict),
        .testTarget(
            name: "CivicSealWorkflowTests", dependencies: ["CivicSealWorkflow", "CivicSealJSON"],
            swiftSettings: strict),
        .testTarget(
            name: "CivicSealIdentityTests",
            dependencies: [
                "CivicSealIdentity", "CivicSealCrypto", "CivicSealWorkflow", "CivicSealJSON", "CivicSealTestSupport",
            ],
            swiftSettings: strict),
        .testTarget(
            name: "CivicSealOIDCTests",
            dependencies: [
                "CivicSealOIDC", "CivicSealHTTPClient", "CivicSealIdentity", "CivicSealCrypto", "CivicSealJSON",
                "CivicSealWorkflow", "CivicSealTestSupport", "CivicSealServiceTestSupport",
                "CivicSealDevelopmentProvider", "CivicSealHTTP",
            ],
            swiftSettings: strict),
        .testTarget(
            name: "CivicSealAPITests",
            dependencies: [
                "CivicSealAPI", "CivicSealApp", "CivicSealHTTP", "CivicSealIdentity", "CivicSealRecords",
                "CivicSealWorkflow",
                "CivicSealCrypto", "CivicSealVerification", "CivicSealJSON", "CivicSealDocuments", "CivicSealProcess",
                "CivicSealCasework", "CivicSealTestSupport", "CivicSealServiceTestSupport",
            ],
            swiftSettings: strict),
        .testTarget(
            name: "CivicSealCaseworkTests",
            dependencies: [
                "CivicSealCasework", "CivicSealApp", "CivicSealCrypto", "CivicSealDocuments", "CivicSealIdentity",
                "CivicSealRecords", "CivicSealWorkflow", "CivicSealSealing", "CivicSealVerification", "CivicSealJSON",
                "CivicSealPDF", "CivicSealTestSupport",
            ],
            swiftSettings: strict),
        .testTarget(
            name: "CivicSealPagesTests",
            dependencies: [
                "CivicSealPages", "CivicSealWebKit", "CivicSealApp", "CivicSealHTTP", "CivicSealIdentity",
                "CivicSealRecords",
                "CivicSealWorkflow", "CivicSealDocuments", "CivicSealCrypto", "CivicSealJSON", "CivicSealTestSupport",
                "CivicSealServiceTestSupport", "CivicSealCasework", "CivicSealProcess",
            ],
            swiftSettings: strict),
        .testTarget(
            name: "CivicSealAppTests",
            dependencies: [
                "CivicSealApp", "CivicSealCrypto", "CivicSealDocuments", "CivicSealIdentity", "CivicSealRecords",
                "CivicSealWorkflow", "CivicSealStorage",
                "CivicSealVerification", "CivicSealJSON", "CivicSealCasework", "CivicSealTestSupport",
                "CivicSealPostgresStore", "CivicSealPostgres", "CivicSealWebKit", "CivicSealProcess",
            ],
            swiftSettings: strict),
    ]
)
