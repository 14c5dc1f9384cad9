import CivicSealCasework
import CivicSealCrypto
import CivicSealHTTP
import CivicSealIdentity
import CivicSealJSON
import CivicSealRecords
import CivicSealVerification
import CivicSealWorkflow
import Foundation

extension APIService {
    /// `{id}` as a document id (26 Crockford base-32 characters), else 404.
    func documentID(_ context: RequestContext) throws(APIError) -> String {
        guard let id = context.parameter("id"), DocumentID.isValid(id) else { throw .notFound }
        return id
    }

    /// `GET /v1/requests/{id}/document` → ``Casework/ownDocument(ofRequest:by:)``: the owner downloads the sealed
    /// PDF; anyone else, or before issuance, 404.
    func ownDocument(_ request: HTTPRequest, _ context: RequestContext) throws -> HTTPResponse {
        let id = try requestID(context)
        let (documentID, pdf) = try casework.ownDocument(ofRequest: id, by: try citizen(request))
        return .sealedDocument(documentID: documentID, pdf: pdf)
    }

    /// `GET /v1/documents/{id}/status` (public) → ``Casework/documentStatus(_:)``: status, kind, issuing
    /// department, issue date — nothing personal. With `Accept: application/jose` (and JSON not preferred), the
    /// status as a compact JWS by the keyring's status signer (``SignedDocumentStatus``); 406 without one.
    func documentStatus(_ request: HTTPRequest, _ context: RequestContext) throws -> HTTPResponse {
        let status = try casework.documentStatus(try documentID(context))
        guard Self.wantsJOSE(request.headers.values(for: "Accept")) else { return json(DocumentStatusBody(status)) }
        guard let statusSigner else {
            throw APIError(
                problem: ProblemDetails(
                    slug: "not-acceptable", title: "Not acceptable", status: HTTPStatus(code: 406),
                    detail: "This service has no status signer; ask for application/json."))
        }
        var reason: String?
        var revokedAt: Date?
        if case .revoked(_, let code, let at) = status.entry.status {
            reason = code.rawValue
            revokedAt = at
        }
        let compact = try SignedDocumentStatus.sign(
            documentID: status.entry.documentID, status: status.entry.status.name, reason: reason,
            revokedAt: revokedAt, supersededBy: status.entry.supersededBy, asOf: clock(), signer: statusSigner)
        var response = HTTPResponse(status: .ok, body: Array(compact.utf8))
        response.headers.replaceOrAdd(name: "Content-Type", value: "application/jose")
        response.headers.replaceOrAdd(name: "Cache-Control", value: "no-store")
        response.headers.replaceOrAdd(name: "Vary", value: "Accept")
        return response
    }

    /// Whether an `Accept` field asks for `application/jose` over JSON: listed with a higher (or equal and
    /// earlier) quality than `application/json`.
    static func wantsJOSE(_ fields: [String]) -> Bool {
        var jose: Double?
        var json: Double?
        for range in fields.joined(separator: ",").split(separator: ",").prefix(32) {
            let parts = range.split(separator: ";").map { $0.trimmingCharacters(in: .whitespaces).lowercased() }
            guard let type = parts.first else { continue }
            let quality = parts.dropFirst().first { $0.hasPrefix("q=") }.flatMap { Double($0.dropFirst(2)) } ?? 1
            if type == "application/jose", jose == nil { jose = quality }
            if type == "application/json" || type == "application/*" || type == "*/*", json == nil { json = quality }
        }
        guard let jose, jose > 0 else { return false }
        return jose >= (json ?? 0)
    }

    /// `POST /v1/documents/{id}/revoke` with `{"reasonCode": "…", "reason": "…"}` → ``Casework/revoke(_:by:input:)``:
    /// `reasonCode` is public (one of ``RevocationReason/selectable``, else 422); `reason`, the grounds in free text,
    /// stays internal (history and audit). The body is read once the revoker may act on the document.
    func revokeDocument(_ request: HTTPRequest, _ context: RequestContext) async throws -> HTTPResponse {
        let id = try documentID(context)
        let status = try await casework.revoke(id, by: try staffPrincipal(request)) {
            try requireJSONMediaType(request)
            let object = try Self.jsonObject(request.body, members: ["reason", "reasonCode"])
            guard let given = object["reasonCode"]?.stringValue else {
                throw APIError.invalid(
                    "reasonCode", "field.required", "a revocation names its reason code: \(Self.revocationCodes)")
            }
            guard let code = RevocationReason(selectable: given) else {
                throw APIError.invalid(
                    "reasonCode", "field.unknown-code", "the reason code is one of \(Self.revocationCodes)")
            }
            return RevocationInput(code: code, grounds: object["reason"]?.stringValue ?? "")
        }
        return json(DocumentStatusBody(status))
    }

    static let revocationCodes = RevocationReason.selectable.map(\.rawValue).joined(separator: ", ")

    /// `GET /v1/trust` (public): the trust anchors and every department certificate, active and retired, as PEM.
    func trust() -> HTTPResponse {
        var response = HTTPResponse.json(trustBody.withLock { $0 })
        response.headers.replaceOrAdd(name: "Cache-Control", value: "public, max-age=300")
        return response
    }

    /// `POST /v1/verify` (public; body: the PDF, `application/pdf`, at most 10 MiB — the server's body limit answers
    /// 413 beyond): 200 with the verdict, whatever the outcome. Bytes that are not a sealed PDF are a verdict too
    /// (`invalid`, with a failed `structure` check); only an empty body is a 400, and another media type a 415. It runs
    /// on the verification threads (``VerificationLanes``); when their queue is full, 503 with `Retry-After`.
    func verifyDocument(_ request: HTTPRequest, _ context: RequestContext) async throws -> HTTPResponse {
        let mediaType = request.headers.first(name: "Content-Type")?.split(separator: ";", maxSplits: 1).first.map {
            $0.trimmingCharacters(in: .whitespaces).lowercased()
        }
        guard mediaType == "application/pdf" else {
            throw APIError(
                problem: ProblemDetails(
                    slug: "unsupported-media-type", title: "Unsupported media type", status: HTTPStatus(code: 415),
                    detail: "Send the PDF as application/pdf."))
        }
        guard !request.body.isEmpty else {
            throw APIError.badRequest("body", "pdf.missing-body", "the body must be the PDF to verify")
        }
        guard request.body.count <= 10 * 1024 * 1024 else {
            throw APIError(
                problem: ProblemDetails(
                    slug: "content-too-large", title: "Content too large", status: .contentTooLarge,
                    detail: "A PDF to verify is at most 10 MiB."))
        }
        let verdict = try await casework.verifyDocument(request.body)
        var writer = JSONWriter(capacity: 2048)
        writer.value(verdict.jsonValue())
        var response = HTTPResponse.json(writer.bytes)
        response.headers.replaceOrAdd(name: "Cache-Control", value: "no-store")
        return response
    }

    /// `POST /v1/verify/details` (public): `{documentId, fullName, birthDate, sex, personalId}` → `{"confirmed": …}`,
    /// with status, kind, department and issue date only when every field matches. 10 attempts a minute per client
    /// address (then 429 with `Retry-After`).
    func verifyDetails(_ request: HTTPRequest, _ context: RequestContext) async throws -> HTTPResponse {
        try requireJSONMediaType(request)
        let fields = ["documentId", "fullName", "birthDate", "sex", "personalId"]
        let object = try Self.jsonObject(request.body, members: Set(fields))
        var values: [String] = []
        for field in fields {
            // 400 code points, as the OpenAPI document's maxLength counts them.
            guard let value = object[field]?.stringValue, value.unicodeScalars.count <= 400 else {
                throw APIError.badRequest(
                    field, "field.required", "\(field) is required (a string of at most 400 characters)")
            }
            values.append(value)
        }
        let given = DetailsConfirmation(
            documentID: values[0], fullName: values[1], birthDate: values[2], sex: values[3], personalID: values[4])
        let status = try await casework.confirmDetails(given, client: context.clientAddress.clientKey)
        return json(ConfirmationBody(status))
    }
}

/// The public status of a document: no personal data, not even the revocation's grounds.
struct DocumentStatusBody: JSONWritable {
    let entry: DocumentEntry
    let department: Department?

    init(entry: DocumentEntry, department: Department?) {
        self.entry = entry
        self.department = department
    }

    init(_ status: DocumentStatus) { self.init(entry: status.entry, department: status.department) }

    func write(to output: inout JSONWriter) {
        output.beginObject()
        output.key("documentId")
        output.string(entry.documentID)
        writeFields(to: &output)
        output.endObject()
    }

    func writeFields(to output: inout JSONWriter) {
        output.key("status")
        output.string(entry.status.name)
        output.key("kind")
        output.string(entry.kind.rawValue)
        output.key("department")
        output.beginObject()
        output.key("id")
        output.string(entry.departmentID)
        output.key("name")
        output.string(department?.nameVietnamese)
        output.key("nameEnglish")
        output.string(department?.nameEnglish)
        output.endObject()
        output.key("issueDate")
        output.string(CalendarDate(entry.issuedAt).description)
        if case .revoked(_, let code, let at) = entry.status {
            output.key("revocationDate")
            output.string(CalendarDate(at).description)
            output.key("revocationReason")
            output.string(code.rawValue)
        }
        // Re-issue after a seal key compromise: the replacing document, and the one a re-issue replaced.
        if let replacement = entry.supersededBy {
            output.key("supersededBy")
            output.string(replacement)
        }
        if let replaced = entry.supersedes {
            output.key("supersedes")
            output.string(replaced)
        }
    }
}

/// `{"confirmed": false}`, or `{"confirmed": true, …status fields}`.
struct ConfirmationBody: JSONWritable {
    let entry: DocumentEntry?
    let department: Department?

    init(entry: DocumentEntry?, department: Department?) {
        self.entry = entry
        self.department = department
    }

    init(_ status: DocumentStatus?) { self.init(entry: status?.entry, department: status?.department) }

    func write(to output: inout JSONWriter) {
        output.beginObject()
        output.key("confirmed")
        output.bool(entry != nil)
        if let entry {
            output.key("documentId")
            output.string(entry.documentID)
            DocumentStatusBody(entry: entry, department: department).writeFields(to: &output)
        }
        output.endObject()
    }
}
