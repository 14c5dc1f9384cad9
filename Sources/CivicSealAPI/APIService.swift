import CivicSealCrypto
import CivicSealHTTP
import CivicSealIdentity
import CivicSealJSON
import CivicSealRecords
import CivicSealVerification
import CivicSealWorkflow
import Foundation

/// The CivicSeal HTTP API: every route of `/v1`, `/healthz`, `/metrics` and `/openapi.json`, wired to the
/// records store and the identity verifier. Built once; the router is frozen.
package final class APIService: Sendable {
    let store: RequestStore
    let verifier: TokenVerifier
    package let validator: SubmissionValidator
    let metrics: MetricsRegistry
    let clock: @Sendable () -> Date
    /// `Templates/api/openapi.json` as loaded at start: `GET /openapi.json` serves it byte for byte.
    let openAPIDocument: OpenAPIDocument
    let stateGauge: Gauge
    let stateCounts = StateCountCache()
    let healthCache = HealthCache()
    let issuer: (any DocumentIssuing)?
    let documentVerifier: DocumentVerifier?
    /// Where uploads are verified: threads of their own with bounded queues (full: 503 with `Retry-After`).
    package let verification: VerificationLanes
    let trustBody: [UInt8]
    /// Who may do what: the one table every staff route asks.
    package let policy = AuthorizationPolicy.standard
    /// Five-field confirmations: 10 per minute per client address (see ``verifyDetails(_:_:)``).
    package let confirmationLimiter = RateLimiter(limit: 10, window: 60)
    /// What `GET /metrics` requires as `Authorization: Bearer`; nil: `/metrics` is not served (404).
    let metricsToken: [UInt8]?

    /// - Parameters:
    ///   - openAPI: the OpenAPI document served at `GET /openapi.json` (``OpenAPIDocument``, loaded at start).
    ///   - clock: the wall clock (injected for tests of due dates and token expiry).
    ///   - issuer: issues the document right after an approval (none: requests stay `approved`).
    ///   - documentVerifier: verifies uploaded PDFs for `POST /v1/verify` (none: 503).
    ///   - verification: the threads and queue limits uploads are verified with (`POST /v1/verify` and `/verify`).
    ///   - trust: what `GET /v1/trust` publishes.
    ///   - metricsToken: the bearer token `GET /metrics` requires; nil answers 404 there.
    package init(
        store: RequestStore, verifier: TokenVerifier, validator: SubmissionValidator = SubmissionValidator(),
        metrics: MetricsRegistry, openAPI: OpenAPIDocument, clock: @escaping @Sendable () -> Date = { Date() },
        issuer: (any DocumentIssuing)? = nil,
        documentVerifier: DocumentVerifier? = nil, verification: VerificationLanes = VerificationLanes(),
        trust: TrustPublication = TrustPublication(), metricsToken: String? = nil
    ) {
        self.verification = verification
        self.metricsToken = metricsToken.map { Array($0.utf8) }
        self.issuer = issuer
        self.documentVerifier = documentVerifier
        trustBody = trust.body()
        self.store = store
        self.verifier = verifier
        self.validator = validator
        self.metrics = metrics
        self.clock = clock
        openAPIDocument = openAPI
        stateGauge = metrics.gauge("civicseal_requests", help: "Requests by lifecycle state.", labelNames: ["state"])
    }

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
        builder.add(.post, "/v1/verify/details") { [self] request, context in try verifyDetails(request, context) }
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

    /// A staff member whose roles grant `action` on some kind of request (else 403 before anything is read); the
    /// kind and department are checked with ``authorize(_:_:_:)`` once the target is known.
    func staff(_ request: HTTPRequest, for action: StaffAction) throws(IdentityError) -> (StaffPrincipal, Actor) {
        let staff = try principal(request).requireStaff()
        try policy.requireAny(staff, action)
        return (staff, Actor.officer(staff.token.subject, department: staff.department, name: staff.name))
    }

    /// Applies ``AuthorizationPolicy`` to a request of `summary`'s kind and department: another department's is 404,
    /// a kind the roles do not cover 403.
    func authorize(_ staff: StaffPrincipal, _ action: StaffAction, _ summary: RequestSummary) throws {
        try policy.require(staff, action, kind: summary.kind, department: summary.departmentID) { APIError.notFound }
    }

    /// The kinds the routing configuration sends to `department`.
    func handledKinds(_ department: String) -> Set<RequestKind> {
        store.configuration.authority.routing.kinds(handledBy: department)
    }

    /// The kinds `staff` may see in `department`'s queue (empty: 403).
    func queueKinds(_ staff: StaffPrincipal, department: String) -> Set<RequestKind> {
        policy.queueKinds(staff, department: department, routing: store.configuration.authority.routing)
    }

    /// The `{id}` path parameter, when it has the shape of a request id (else 404: nothing to find).
    func requestID(_ context: RequestContext) throws(APIError) -> String {
        guard let id = context.parameter("id"), RequestStore.isRequestID(id) else { throw .notFound }
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
        var output = JSONOutput()
        value.write(to: &output)
        var response = HTTPResponse.json(output.bytes, status: status)
        response.headers.replaceOrAdd(name: "Cache-Control", value: "no-store")
        return response
    }

    func json(encoding value: some Encodable, status: HTTPStatus = .ok) throws -> HTTPResponse {
        var response = HTTPResponse.json(try APIJSON.encoder().encode(value), status: status)
        response.headers.replaceOrAdd(name: "Cache-Control", value: "no-store")
        return response
    }

    func today() -> CalendarDate { CalendarDate(clock()) }
}

extension HTTPHeaders {
    /// The first value of `name`, if any.
    func first(name: String) -> String? { values(for: name).first }
}
