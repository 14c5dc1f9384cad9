import CivicSealAPI
import CivicSealApp
import CivicSealHTTP
import CivicSealServiceTestSupport
import CivicSealTestSupport
import Foundation
import Testing

/// `Templates/api/openapi.json` is the API's contract: the server loads and serves it, every route is in it, an
/// independent validator accepts it, and schemathesis finds no request it answers against it.
@Suite("Live API: the OpenAPI contract", .serialized)
struct OpenAPIContractTests {
    /// The repository's `Templates/api`.
    static let directory = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        .appendingPathComponent("Templates/api").path
    static let documentPath = directory + "/openapi.json"
    static let repositoryRoot = URL(fileURLWithPath: directory).deletingLastPathComponent().deletingLastPathComponent()
        .path
    static let httpMethods: Set<String> = ["get", "put", "post", "delete", "options", "head", "patch", "trace"]

    @Test("GET /openapi.json serves Templates/api/openapi.json byte for byte, an OpenAPI 3.1 document")
    func documentIsServedAsStored() async throws {
        try await withLiveService { live in
            let response = try await live.client.get("/openapi.json")
            #expect(response.status == 200)
            #expect(response.header("Content-Type")?.hasPrefix("application/json") == true)
            #expect(response.body == Array(try Data(contentsOf: URL(fileURLWithPath: Self.documentPath))))
            let version = try #require(response.json["openapi"] as? String)
            #expect(version.hasPrefix("3.1."), "openapi \(version)")
        }
    }

    @Test(
        "every route the server knows is in the OpenAPI paths with its method, and every documented operation is served"
    )
    func routesAndOpenAPIAgree() async throws {
        try await withLiveService { live in
            let response = try await live.client.get("/openapi.json")
            let paths = try #require(response.json["paths"] as? [String: [String: Any]])
            let documented = Set(
                paths.flatMap { path, item in
                    item.keys.filter { Self.httpMethods.contains($0) }.map { "\($0.uppercased()) \(path)" }
                })
            let all = live.service.routes.map { "\($0.method.rawValue) \($0.pattern)" }
            #expect(Set(all).count == all.count, "duplicate routes")
            // The HTML pages are for browsers, not part of the API — except /v/{id}, the address printed on every
            // document.
            let served = Set(
                live.service.routes.filter { !Self.isBrowserPage($0.pattern) }.map {
                    "\($0.method.rawValue) \($0.pattern)"
                })
            #expect(
                served.subtracting(documented).isEmpty,
                "served but not documented: \(served.subtracting(documented).sorted())")
            #expect(
                documented.subtracting(served).isEmpty,
                "documented but not served: \(documented.subtracting(served).sorted())")
            #expect(
                served.contains("POST /v1/requests") && served.contains("GET /openapi.json")
                    && served.contains("GET /v/{id}"))
        }
    }

    /// A route of the server-rendered pages (`/`, `/verify`, `/officer/…`, `/citizen/…`, `/static/…`…), other than
    /// the documents' public address `/v/{id}` (the CA's `/pki/…` services are API routes).
    static func isBrowserPage(_ pattern: String) -> Bool {
        !(pattern.hasPrefix("/v1/") || pattern.hasPrefix("/pki/")
            || ["/healthz", "/metrics", "/openapi.json", "/v/{id}"].contains(pattern))
    }

    @Test(
        "a broken document is refused with its code: not JSON, a member named twice, not 3.1, a $ref to nothing",
        arguments: [
            ("{\"openapi\": \"3.1.0\",", OpenAPIDocument.LoadError.Code.malformed),
            (
                "{\"openapi\": \"3.1.0\", \"openapi\": \"3.1.0\", \"info\": {\"title\": \"x\"}, \"paths\": {}}",
                .malformed
            ),
            ("{\"openapi\": \"3.0.3\", \"info\": {\"title\": \"x\"}, \"paths\": {}}", .notOpenAPI31),
            ("{\"openapi\": \"3.1.0\", \"info\": {\"title\": \"x\"}}", .notOpenAPI31),
            (
                "{\"openapi\": \"3.1.0\", \"info\": {\"title\": \"x\"}, \"paths\": {\"/a\": {\"get\": "
                    + "{\"responses\": {\"200\": {\"$ref\": \"#/components/responses/Gone\"}}}}}}",
                .danglingReference
            ),
        ])
    func brokenDocumentIsRefused(_ text: String, _ code: OpenAPIDocument.LoadError.Code) {
        let error = #expect(throws: OpenAPIDocument.LoadError.self) {
            try OpenAPIDocument(bytes: Array(text.utf8), file: "test.json")
        }
        #expect(error?.code == code, "\(String(describing: error))")
        #expect(error?.description.hasPrefix("test.json: ") == true)
    }

    @Test("the repository's document loads, with every operation the server routes")
    func repositoryDocumentLoads() throws {
        let document = try OpenAPIDocument(file: Self.documentPath)
        #expect(document.operations.contains("POST /v1/requests/{id}/decision"))
        #expect(document.operations.count >= 20, "\(document.operations.sorted())")
    }

    @Test("the service does not start on a missing or broken OpenAPI document, and says which file")
    func serviceRefusesBrokenDocument() throws {
        let folder = TemporaryDirectory("civicseal-openapi")
        let templates = folder.path + "/Templates"
        let repositoryTemplates = URL(fileURLWithPath: Self.directory).deletingLastPathComponent().path
        try FileManager.default.createDirectory(atPath: templates + "/api", withIntermediateDirectories: true)
        for name in try FileManager.default.contentsOfDirectory(atPath: repositoryTemplates) where name != "api" {
            try FileManager.default.createSymbolicLink(
                atPath: "\(templates)/\(name)", withDestinationPath: "\(repositoryTemplates)/\(name)")
        }
        func start() throws(AppError) {
            var options = ServeOptions()
            options.port = 0
            options.dataDirectory = folder.path + "/data"
            options.keysDirectory = folder.path + "/keys"
            options.templatesDirectory = templates
            options.logSink = CollectingLogSink()
            let service = try Service.start(options)
            Task { await service.stop() }
        }
        let file = templates + "/api/openapi.json"
        for (contents, named) in [(nil, "openapi.missing"), ("{\"openapi\": \"3.1.0\"}", "openapi.not-3.1")] {
            if let contents { try folder.write("Templates/api/openapi.json", text: contents) }
            do {
                try start()
                Issue.record("the service started without a valid \(file)")
            } catch {
                #expect(error.code == .configuration)
                #expect(error.message.contains(file) && error.message.contains(named), "\(error.message)")
            }
        }
    }

    // MARK: Independent tools

    @Test(
        "openapi-spec-validator accepts the document",
        .enabled(if: ExternalTool.isUsable("openapi-spec-validator")))
    func specValidatorAcceptsTheDocument() throws {
        let output = try ExternalTool.run("openapi-spec-validator", [Self.documentPath])
        #expect(output.status == 0, "\(output.text)\(output.errorText)")
        #expect(output.text.contains("OK"), "\(output.text)")
    }

    @Test(
        "schemathesis (every phase, every check; citizen, officer, revoker, clinician) finds nothing",
        .enabled(if: ExternalTool.isUsable("schemathesis")), .timeLimit(.minutes(15)))
    func schemathesisFindsNothing() async throws {
        // schemathesis is a client on a socket: the service listens.
        try await withLiveService(transport: .socket, configure: { $0.metricsToken = MetricsAccessTests.token }) {
            live in
            let report = try await Self.runSchemathesis(live)
            #expect(report.status == 0, "\(report.text.suffix(12_000))\(report.errorText.suffix(4_000))")
            // Every phase ran, and the stateful phase followed links (a citizen's request claimed by an officer).
            for phase in ["Examples", "Coverage", "Fuzzing", "Stateful"] {
                #expect(report.text.contains(phase), "no \(phase) phase in\n\(report.text.suffix(6_000))")
            }
            var claimed = 0
            for status in ["in_review", "needs_info", "approved", "issued", "rejected", "revoked"] {
                let page = try await live.client.get(
                    "/v1/queues/justice-hanoi?status=\(status)", token: try live.token(for: .justiceOfficer))
                claimed += (page.json["items"] as? [Any])?.count ?? 0
            }
            #expect(claimed > 0, "the stateful phase never got a citizen's request claimed by the officer")
        }
    }

    /// Runs `schemathesis run` against `live` with the repository's configuration, the tokens filled in.
    static func runSchemathesis(_ live: LiveService) async throws -> ExternalTool.Output {
        var configuration = try String(contentsOfFile: directory + "/schemathesis.toml", encoding: .utf8)
        for (name, token) in [
            ("CIVICSEAL_CITIZEN_TOKEN", try live.token(for: .tuyet)),
            ("CIVICSEAL_OFFICER_TOKEN", try live.token(for: .justiceOfficer)),
            ("CIVICSEAL_REVOKER_TOKEN", try live.token(for: .justiceRevoker)),
            ("CIVICSEAL_CLINICIAN_TOKEN", try live.token(for: .clinician)),
            ("CIVICSEAL_METRICS_TOKEN", MetricsAccessTests.token),
        ] {
            configuration = configuration.replacingOccurrences(of: "${\(name)}", with: token)
        }
        let file = try live.folder.write("schemathesis.toml", text: configuration)
        let arguments = [
            "--config-file", file, "--no-color", "run", "http://127.0.0.1:\(live.service.port)/openapi.json",
            "--checks", "all", "--phases", "examples,coverage,fuzzing,stateful",
            "--max-examples", "25", "--seed", "14", "--workers", "1",
            "--suppress-health-check", "too_slow,filter_too_much",
        ]
        // From the repository root, where the configuration finds its hooks file.
        return try await ExternalTool.runOnOwnThread("schemathesis", arguments, directory: repositoryRoot)
    }
}
