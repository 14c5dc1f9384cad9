import CivicSealCasework
import CivicSealCrypto
import CivicSealHTTP
import CivicSealIdentity
import CivicSealJSON
import CivicSealRecords
import CivicSealVerification
import CivicSealWorkflow
import Foundation
import Synchronization

/// The CivicSeal HTTP API: every route of `/v1`, `/healthz`, `/metrics` and `/openapi.json`. The handlers are
/// adapters: they verify the bearer token, read path parameters, query and body into typed input, call ONE use case
/// of ``Casework`` and write its answer (or its error as a problem document). Built once; the router is frozen.
package final class APIService: Sendable {
    /// Every use case, once.
    package let casework: Casework
    package let verifier: TokenVerifier
    let metrics: MetricsRegistry
    /// `Templates/api/openapi.json` as loaded at start: `GET /openapi.json` serves it byte for byte.
    let openAPIDocument: OpenAPIDocument
    let stateGauge: Gauge
    let stateCounts = StateCountCache()
    let healthCache = HealthCache()
    /// What `GET /v1/trust` answers; replaced when a running `serve` reloads its keyring (``publishTrust(_:)``).
    let trustBody: Mutex<[UInt8]>
    /// What `GET /metrics` requires as `Authorization: Bearer`; nil: `/metrics` is not served (404).
    let metricsToken: [UInt8]?
    /// Signs `GET /v1/documents/{id}/status` for `Accept: application/jose`; nil answers 406 there.
    var statusSigner: CMSSigner? { statusSigners.withLock { $0 } }
    /// Replaced by ``replaceStatusSigner(_:)`` (a status signer rotated without a restart).
    let statusSigners: Mutex<CMSSigner?>

    var clock: @Sendable () -> Date { casework.clock }

    /// - Parameters:
    ///   - casework: the use cases (its store, issuer, verifier and clock).
    ///   - openAPI: the OpenAPI document served at `GET /openapi.json` (``OpenAPIDocument``, loaded at start).
    ///   - trust: what `GET /v1/trust` publishes.
    ///   - metricsToken: the bearer token `GET /metrics` requires; nil answers 404 there.
    ///   - statusSigner: signs document statuses as JWS (`Accept: application/jose`).
    package init(
        casework: Casework, verifier: TokenVerifier, metrics: MetricsRegistry, openAPI: OpenAPIDocument,
        trust: TrustPublication = TrustPublication(), metricsToken: String? = nil, statusSigner: CMSSigner? = nil
    ) {
        self.casework = casework
        statusSigners = Mutex(statusSigner)
        self.metricsToken = metricsToken.map { Array($0.utf8) }
        trustBody = Mutex(trust.body())
        self.verifier = verifier
        self.metrics = metrics
        openAPIDocument = openAPI
        stateGauge = metrics.gauge("civicseal_requests", help: "Requests by lifecycle state.", labelNames: ["state"])
    }

    /// Publishes `trust` at `GET /v1/trust` from now on (a keyring reloaded without a restart: a new active seal).
    package func publishTrust(_ trust: TrustPublication) {
        let body = trust.body()
        trustBody.withLock { $0 = body }
    }

    /// Signs document statuses with `signer` from now on.
    package func replaceStatusSigner(_ signer: CMSSigner?) { statusSigners.withLock { $0 = signer } }

    /// The frozen router with every route of the API and nothing else.
    package func router() throws -> HTTPRouter {
        var builder = HTTPRouter.Builder()
        register(&builder)
        return try builder.build()
    }

    /// Adds every route of the API to `builder` (the app adds the pages' routes beside them, then freezes it).
    package func register(_ builder: inout HTTPRouter.Builder) {
        // Citizen: own data only.
        builder.post("/v1/requests") { [self] request, context in try await submit(request, context) }
        builder.get("/v1/requests") { [self] request, context in try await listOwn(request, context) }
        builder.add(.get, "/v1/requests/{id}") { [self] request, context in try detail(request, context) }
        builder.post("/v1/requests/{id}/supplement") { [self] request, context in try await supplement(request, context)
        }
        builder.post("/v1/requests/{id}/cancel") { [self] request, context in try await cancel(request, context) }
        builder.get("/v1/health-book") { [self] request, context in try await ownHealthBook(request, context) }
        // Officer: own department only.
        builder.get("/v1/queues/{department}") { [self] request, context in try await queue(request, context) }
        builder.post("/v1/requests/{id}/claim") { [self] request, context in try await claim(request, context) }
        builder.post("/v1/requests/{id}/decision") { [self] request, context in try await decide(request, context) }
        builder.post("/v1/requests/{id}/complexity") { [self] request, context in
            try await setComplexity(request, context)
        }
        // Documents: the owner's download, public status and verification, revocation by the issuing department.
        builder.add(.get, "/v1/requests/{id}/document") { [self] request, context in try ownDocument(request, context) }
        builder.add(.get, "/v1/documents/{id}/status") { [self] request, context in try documentStatus(request, context)
        }
        builder.post("/v1/documents/{id}/revoke") { [self] request, context in
            try await revokeDocument(request, context)
        }
        builder.addInline(.get, "/v1/trust") { [self] _, _ in trust() }
        builder.post("/v1/verify") { [self] request, context in try await verifyDocument(request, context) }
        builder.add(.post, "/v1/verify/details") { [self] request, context in try await verifyDetails(request, context)
        }
        // Health facility.
        builder.post("/v1/health-books/{personal_id}/entries") { [self] request, context in
            try await recordHealthEntry(request, context)
        }
        // Operations.
        // Answered on the loop from the last database check (at most a second old); the check itself runs on a
        // handler thread.
        builder.addInline(
            .get, "/healthz", inline: { [self] _, _ in cachedHealth() }, handler: { [self] _, _ in health() })
        builder.get("/metrics") { [self] request, _ in await metricsExposition(request) }
        builder.get("/openapi.json") { [self] _, _ in
            var response = HTTPResponse.json(openAPIDocument.bytes)
            response.headers.replaceOrAdd(name: "Cache-Control", value: "public, max-age=300")
            return response
        }
    }

    // MARK: Shared steps

    func principal(_ request: HTTPRequest) throws(IdentityError) -> Principal {
        try verifier.verify(authorizationFields: request.headers.values(for: "Authorization"))
    }

    func citizen(_ request: HTTPRequest) throws(IdentityError) -> CitizenPrincipal {
        try principal(request).requireCitizen()
    }

    func staffPrincipal(_ request: HTTPRequest) throws(IdentityError) -> StaffPrincipal {
        try principal(request).requireStaff()
    }

    /// The `{id}` path parameter, when it has the shape of a request id (else 404: nothing to find).
    func requestID(_ context: RequestContext) throws(APIError) -> String {
        guard let id = context.parameter("id"), Casework.isRequestID(id) else { throw .notFound }
        return id
    }

    /// Decodes a JSON body strictly (unknown members refused), with field-level errors.
    func decode<T: Codable>(_ type: T.Type, _ request: HTTPRequest) throws -> T {
        guard !request.body.isEmpty else {
            throw APIError.badRequest("body", "json.missing-body", "a JSON body is required")
        }
        try requireJSONMediaType(request)
        switch WorkflowJSON.decode(type, from: request.body) {
        case .success(let value): return value
        case .failure(let failure): throw failure
        }
    }

    /// A hand-parsed JSON body: present, well-formed, an object, and with no member outside `members` (the first
    /// unknown one in sorted order is named). Decisions, revocations and detail checks read their bodies with it.
    static func jsonObject(_ bytes: [UInt8], members: Set<String>) throws(APIError) -> [String: JSONValue] {
        guard !bytes.isEmpty else { throw APIError.badRequest("body", "json.missing-body", "a JSON body is required") }
        let value: JSONValue
        do { value = try JSONValue(parsing: bytes) } catch {
            throw APIError.badRequest("body", "json.malformed", "the body is not a JSON object: \(error.message)")
        }
        guard let object = value.objectValue else {
            throw APIError.badRequest("body", "json.type-mismatch", "the body must be a JSON object")
        }
        if let unknown = object.keys.sorted().first(where: { !members.contains($0) }) {
            throw APIError.badRequest(unknown, "json.unknown-field", "unknown member \(unknown)")
        }
        return object
    }

    /// 415 unless the body is declared `application/json` (parameters and case aside) or not declared at all.
    /// Every route that reads a JSON body calls this, hand-parsed bodies (decisions) included.
    func requireJSONMediaType(_ request: HTTPRequest) throws(APIError) {
        guard let contentType = request.headers.first(name: "Content-Type") else { return }
        let mediaType = contentType.split(separator: ";", maxSplits: 1).first.map {
            $0.trimmingCharacters(in: .whitespaces).lowercased()
        }
        guard mediaType == "application/json" else {
            throw APIError(
                problem: ProblemDetails(
                    slug: "unsupported-media-type", title: "Unsupported media type", status: HTTPStatus(code: 415),
                    detail: "Send application/json."))
        }
    }

    func json(_ value: some JSONWritable, status: HTTPStatus = .ok) -> HTTPResponse {
        var output = JSONWriter()
        value.write(to: &output)
        var response = HTTPResponse.json(output.bytes, status: status)
        response.headers.replaceOrAdd(name: "Cache-Control", value: "no-store")
        return response
    }

    func json(encoding value: some Encodable, status: HTTPStatus = .ok) throws -> HTTPResponse {
        var response = HTTPResponse.json(try JSONValueEncoder().encodeText(value, escaping: .web), status: status)
        response.headers.replaceOrAdd(name: "Cache-Control", value: "no-store")
        return response
    }

    func today() -> CalendarDate { casework.today() }
}

extension HTTPHeaders {
    /// The first value of `name`, if any.
    func first(name: String) -> String? { values(for: name).first }
}
