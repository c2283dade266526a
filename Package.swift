// swift-tools-version:6.1
import PackageDescription

let swiftSettings: [SwiftSetting] = [
    .enableUpcomingFeature("ExistentialAny"),
    .enableUpcomingFeature("MemberImportVisibility"),
]

let package = Package(
    name: "gdpr-worker",
    platforms: [.macOS(.v14)],
    products: [
        .executable(name: "gdpr-worker", targets: ["GDPRWorkerCLI"]),
        .library(name: "GDPRWorkerQueue", targets: ["GDPRWorkerQueue"]),
        .library(name: "GDPRWorkerErasure", targets: ["GDPRWorkerErasure"]),
        .library(name: "GDPRWorkerPostgres", targets: ["GDPRWorkerPostgres"]),
        .library(name: "GDPRWorkerSQLite", targets: ["GDPRWorkerSQLite"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser.git", from: "1.5.0"),
        .package(url: "https://github.com/swift-server/async-http-client.git", from: "1.20.0"),
        .package(url: "https://github.com/hummingbird-project/hummingbird.git", from: "2.5.0"),
        .package(url: "https://github.com/hummingbird-project/hummingbird-auth.git", from: "2.0.0"),
        .package(url: "https://github.com/CoreOffice/XMLCoder.git", from: "0.17.0"),
        .package(url: "https://github.com/swift-server/swift-prometheus.git", from: "2.1.0"),
        .package(url: "https://github.com/apple/swift-http-types.git", from: "1.0.0"),
        .package(url: "https://github.com/apple/swift-crypto.git", from: "3.12.0"),
        .package(url: "https://github.com/apple/swift-log.git", from: "1.6.0"),
        .package(url: "https://github.com/apple/swift-nio.git", from: "2.70.0"),
        .package(url: "https://github.com/apple/swift-metrics.git", from: "2.5.0"),
        .package(url: "https://github.com/swift-server/swift-service-lifecycle.git", from: "2.6.0"),
        .package(url: "https://github.com/jpsim/Yams.git", from: "5.0.0"),
    ],
    targets: [
        // System libraries: the C clients whose calls block, kept off Swift's cooperative pool.
        .systemLibrary(name: "CSQLite", path: "Sources/CSQLite"),
        .systemLibrary(name: "CLibPQ", path: "Sources/CLibPQ"),

        // The SQL files under schema/ compiled into the binary, so a deployed executable needs no data files.
        .executableTarget(name: "SchemaEmbedder", path: "Sources/SchemaEmbedder"),
        .plugin(name: "EmbedSchema", capability: .buildTool(), dependencies: ["SchemaEmbedder"]),
        .target(
            name: "GDPRWorkerSchema",
            swiftSettings: swiftSettings,
            plugins: ["EmbedSchema"]
        ),

        // The queue: requests, jobs, the store and connection protocols, the worker pool. It imports
        // no database and knows nothing of erasure: a handler is what the pool runs.
        .target(
            name: "GDPRWorkerQueue",
            dependencies: [
                "GDPRWorkerSchema",
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "Metrics", package: "swift-metrics"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
            ],
            swiftSettings: swiftSettings
        ),

        // The erasure engine: the data map, the planner, the statements, export and the archive sweep;
        // the handler the pool runs for remove and export jobs.
        .target(
            name: "GDPRWorkerErasure",
            dependencies: [
                "GDPRWorkerQueue",
                "GDPRWorkerSchema",
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "Yams", package: "Yams"),
            ],
            swiftSettings: swiftSettings
        ),

        // Storage drivers behind the one `JobStore` protocol.
        .target(
            name: "GDPRWorkerPostgres",
            dependencies: ["CLibPQ", "GDPRWorkerQueue", "GDPRWorkerErasure"],
            swiftSettings: swiftSettings
        ),
        .target(
            name: "GDPRWorkerSQLite",
            dependencies: [
                "CSQLite", "GDPRWorkerQueue", "GDPRWorkerErasure", .product(name: "Crypto", package: "swift-crypto"),
            ],
            swiftSettings: swiftSettings
        ),

        // Notifications out of the transactional outbox: signed webhooks (Standard Webhooks) and the
        // confirmation to the data subject by SMTP or sendmail.
        .target(
            name: "GDPRWorkerNotify",
            dependencies: [
                "GDPRWorkerQueue",
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "Metrics", package: "swift-metrics"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOHTTP1", package: "swift-nio"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
            ],
            swiftSettings: swiftSettings
        ),

        // The HTTP API: Voyado-compatible job endpoints, the other seed systems' front doors
        // (Azotte, the loyalty platform, easycms), tenants, health and metrics.
        .target(
            name: "GDPRWorkerHTTP",
            dependencies: [
                "GDPRWorkerQueue", "GDPRWorkerErasure",
                "GDPRWorkerSchema",
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "_CryptoExtras", package: "swift-crypto"),
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "HummingbirdBcrypt", package: "hummingbird-auth"),
                .product(name: "HummingbirdCore", package: "hummingbird"),
                .product(name: "HTTPTypes", package: "swift-http-types"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "Prometheus", package: "swift-prometheus"),
                .product(name: "XMLCoder", package: "XMLCoder"),
            ],
            swiftSettings: swiftSettings
        ),

        // The thin executable.
        .executableTarget(
            name: "GDPRWorkerCLI",
            dependencies: [
                "GDPRWorkerQueue", "GDPRWorkerErasure",
                "GDPRWorkerHTTP",
                "GDPRWorkerNotify",
                "GDPRWorkerPostgres",
                "GDPRWorkerSQLite",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                .product(name: "HummingbirdBcrypt", package: "hummingbird-auth"),
                .product(name: "Prometheus", package: "swift-prometheus"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
                .product(name: "Logging", package: "swift-log"),
            ],
            swiftSettings: swiftSettings
        ),

        // Erasure throughput on the sample shop against hand-written SQL (Benchmarks/erasure.sh).
        .executableTarget(
            name: "ErasureBenchmark",
            dependencies: ["GDPRWorkerQueue", "GDPRWorkerErasure", "GDPRWorkerPostgres", "GDPRWorkerTestSupport"],
            path: "Benchmarks/ErasureBenchmark",
            swiftSettings: swiftSettings
        ),

        // Test support: ephemeral PostgreSQL clusters, temporary SQLite files, the engine matrix.
        .target(
            name: "GDPRWorkerTestSupport",
            dependencies: [
                "GDPRWorkerQueue", "GDPRWorkerErasure", "GDPRWorkerPostgres", "GDPRWorkerSQLite",
                .product(name: "Yams", package: "Yams"),
            ],
            swiftSettings: swiftSettings
        ),
        .testTarget(
            name: "QueueTests",
            dependencies: ["GDPRWorkerQueue", "GDPRWorkerErasure"],
            swiftSettings: swiftSettings
        ),
        // The store conformance suite as a library each driver's tests run (River's riverdrivertest).
        .target(
            name: "GDPRWorkerConformance",
            dependencies: ["GDPRWorkerQueue", "GDPRWorkerErasure", "GDPRWorkerTestSupport"],
            swiftSettings: swiftSettings
        ),
        .testTarget(
            name: "DriverTests",
            dependencies: [
                "GDPRWorkerQueue", "GDPRWorkerErasure", "GDPRWorkerPostgres", "GDPRWorkerSQLite",
                "GDPRWorkerTestSupport",
                "GDPRWorkerConformance",
            ],
            swiftSettings: swiftSettings
        ),
        .testTarget(
            name: "WorkerPoolTests",
            dependencies: [
                "GDPRWorkerQueue", "GDPRWorkerErasure", "GDPRWorkerPostgres", "GDPRWorkerSQLite",
                "GDPRWorkerTestSupport",
                .product(name: "Logging", package: "swift-log"),
            ],
            swiftSettings: swiftSettings
        ),
        .testTarget(
            name: "ErasureTests",
            dependencies: [
                "GDPRWorkerQueue", "GDPRWorkerErasure", "GDPRWorkerPostgres", "GDPRWorkerSQLite",
                "GDPRWorkerTestSupport",
            ],
            swiftSettings: swiftSettings
        ),
        .testTarget(
            name: "SweepTests",
            dependencies: [
                "GDPRWorkerQueue", "GDPRWorkerErasure", "GDPRWorkerPostgres", "GDPRWorkerSQLite",
                "GDPRWorkerTestSupport",
                .product(name: "Logging", package: "swift-log"),
            ],
            swiftSettings: swiftSettings
        ),
        .testTarget(
            name: "HTTPTests",
            dependencies: [
                "GDPRWorkerHTTP", "GDPRWorkerSchema", "GDPRWorkerPostgres", "GDPRWorkerSQLite", "GDPRWorkerTestSupport",
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "_CryptoExtras", package: "swift-crypto"),
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "HummingbirdBcrypt", package: "hummingbird-auth"),
                .product(name: "HummingbirdTesting", package: "hummingbird"),
                .product(name: "HTTPTypes", package: "swift-http-types"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "Prometheus", package: "swift-prometheus"),
                .product(name: "Yams", package: "Yams"),
            ],
            swiftSettings: swiftSettings
        ),
        .testTarget(
            name: "NotifyTests",
            dependencies: [
                "GDPRWorkerCLI", "GDPRWorkerNotify", "GDPRWorkerQueue", "GDPRWorkerSQLite", "GDPRWorkerPostgres",
                "GDPRWorkerTestSupport",
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "HTTPTypes", package: "swift-http-types"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "NIOCore", package: "swift-nio"),
            ],
            swiftSettings: swiftSettings
        ),
        .testTarget(
            name: "CommandLineTests",
            dependencies: ["GDPRWorkerCLI", "GDPRWorkerPostgres", "GDPRWorkerSQLite", "GDPRWorkerTestSupport"],
            swiftSettings: swiftSettings
        ),
    ]
)
