import CivicSealCasework
import CivicSealHTTP
import CivicSealIdentity
import CivicSealRecords
import CivicSealWorkflow
import Foundation

// HTTP mapping lives at the edge: domain errors adopt `HTTPProblemConvertible` here, in the API module,
// so that the domain modules know nothing of HTTP. Problem `detail`s never carry SQL, tokens or personal data.

extension IdentityError: HTTPProblemConvertible {
    package var problem: ProblemDetails {
        let status = HTTPStatus(code: httpStatus)
        return httpStatus == 401
            ? ProblemDetails(
                slug: "unauthorized", title: "Authentication required", status: status, detail: message,
                errors: fieldErrors)
            : ProblemDetails(
                slug: "forbidden", title: "Not allowed", status: status, detail: message, errors: fieldErrors)
    }

    /// The refusal as field errors a client can switch on: first the identity code against the claim concerned
    /// (or `Authorization`), then each validation reason (`personal_id: personal-id.year-mismatch`) against its
    /// claim. Codes and claim names only, never a claim value or the token.
    var fieldErrors: [ProblemDetails.FieldError] {
        var errors = [ProblemDetails.FieldError(field: claim ?? "Authorization", code: code.rawValue, message: message)]
        for reason in reasons {
            let parts = reason.split(separator: ":", maxSplits: 1).map { $0.trimmingCharacters(in: .whitespaces) }
            errors.append(
                parts.count == 2
                    ? .init(field: parts[0], code: parts[1], message: "the \(parts[0]) claim is not valid")
                    : .init(field: claim ?? "Authorization", code: reason, message: message))
        }
        return errors
    }

    package var problemHeaders: HTTPHeaders { ["WWW-Authenticate": wwwAuthenticate] }
}

extension ValidationFailure: HTTPProblemConvertible {
    /// Field errors: 422 when the JSON was well-formed but its content is not acceptable.
    package var problem: ProblemDetails {
        let structural = issues.allSatisfy { $0.code.rawValue.hasPrefix("json.") }
        return ProblemDetails(
            slug: structural ? "malformed-body" : "validation-failed",
            title: structural ? "The request body is not valid JSON for this resource" : "The request is invalid",
            status: HTTPStatus(code: structural ? 400 : 422),
            detail: structural ? "See errors for the offending members." : "See errors for each offending field.",
            errors: issues.map { .init(field: $0.field, code: $0.code.rawValue, message: $0.message) })
    }
}

extension RecordsError: HTTPProblemConvertible {
    package var problem: ProblemDetails {
        switch code {
        case .notFound:
            return .notFound(detail: "No such request, or it is not yours to see.")
        case .idempotencyKeyReused:
            return ProblemDetails(
                slug: "idempotency-key-reused", title: "Idempotency key already used", status: HTTPStatus(code: 422),
                detail: message)
        case .idempotencyKeyInvalid:
            return ProblemDetails(
                slug: "idempotency-key-invalid", title: "Invalid Idempotency-Key header", status: HTTPStatus(code: 400),
                detail: message)
        case .unfinishedRequestExists:
            return ProblemDetails(
                slug: "unfinished-request-exists", title: "An unfinished request of the same form exists",
                status: HTTPStatus(code: 409),
                detail: message,
                errors: issues.map { .init(field: $0.field, code: $0.code.rawValue, message: $0.message) })
        case .transitionRefused:
            if let lifecycle, lifecycle.code.rawValue.contains("reason") {
                return ProblemDetails(
                    slug: "validation-failed", title: "The request is invalid", status: HTTPStatus(code: 422),
                    detail: lifecycle.message,
                    errors: [.init(field: "reason", code: lifecycle.code.rawValue, message: lifecycle.message)])
            }
            return ProblemDetails(
                slug: "transition-not-allowed", title: "This step is not allowed now", status: HTTPStatus(code: 409),
                detail: lifecycle?.message ?? message)
        case .concurrentModification:
            return ProblemDetails(
                slug: "conflict", title: "The request changed meanwhile", status: HTTPStatus(code: 409), detail: message
            )
        case .noDepartment, .invalidInput, .supplementMismatch:
            return ProblemDetails(
                slug: "validation-failed", title: "The request is invalid", status: HTTPStatus(code: 422),
                detail: message,
                errors: issues.map { .init(field: $0.field, code: $0.code.rawValue, message: $0.message) })
        case .invalidCursor:
            // Well-formed query, but a position this queue never gave out: unprocessable, like any value the
            // document's schema admits and the server cannot use.
            return ProblemDetails(
                slug: "invalid-cursor", title: "Invalid cursor", status: HTTPStatus(code: 422), detail: message)
        case .forbidden:
            return ProblemDetails(
                slug: "forbidden", title: "Not allowed", status: HTTPStatus(code: 403), detail: message)
        default:
            return ProblemDetails(
                slug: "service-unavailable", title: "Storage is unavailable", status: HTTPStatus(code: 503))
        }
    }
}

extension CaseworkError: HTTPProblemConvertible {
    package var problem: ProblemDetails {
        switch code {
        case .notFound:
            return .notFound()
        case .findingsRequired:
            return APIError.invalid("findings", code.rawValue, message).problem
        case .groundsRequired:
            return APIError.invalid("reason", "field.required", message).problem
        case .verificationUnavailable:
            return ProblemDetails(
                slug: "service-unavailable", title: "Verification is not configured", status: HTTPStatus(code: 503))
        case .verificationBusy:
            return ProblemDetails(
                slug: "verification-busy", title: "Too many verifications in progress", status: HTTPStatus(code: 503),
                detail: message)
        case .tooManyAttempts:
            return ProblemDetails(
                slug: "too-many-requests", title: "Too many confirmation attempts", status: HTTPStatus(code: 429),
                detail: message)
        case .keyUnavailable:
            // The approval is recorded; only the signature waits for the token (the sweeper issues it).
            return ProblemDetails(
                slug: "signing-key-unavailable", title: "The signing key is unavailable", status: HTTPStatus(code: 503),
                detail: "The decision is recorded; the document will be issued once the signing key's token is "
                    + "reachable again.")
        case .sealNotConfigured, .issuanceFailed, .storage:
            // Issuance failures never reach a client through a decision (the approval stands); nothing leaks.
            return ProblemDetails(
                slug: "service-unavailable", title: "Issuance is unavailable", status: HTTPStatus(code: 503))
        }
    }

    package var problemHeaders: HTTPHeaders {
        guard let retryAfter else { return [:] }
        return ["Retry-After": String(retryAfter)]
    }
}

/// Errors of the API layer itself (bad path parameters, query strings, bodies).
struct APIError: Error, HTTPProblemConvertible {
    let problem: ProblemDetails
    var problemHeaders: HTTPHeaders = [:]

    init(problem: ProblemDetails, headers: HTTPHeaders = [:]) {
        self.problem = problem
        problemHeaders = headers
    }

    static func badRequest(_ field: String, _ code: String, _ message: String) -> APIError {
        APIError(
            problem: ProblemDetails(
                slug: "malformed-body", title: "The request is malformed", status: HTTPStatus(code: 400),
                detail: message,
                errors: [.init(field: field, code: code, message: message)]))
    }

    static func invalid(_ field: String, _ code: String, _ message: String) -> APIError {
        APIError(
            problem: ProblemDetails(
                slug: "validation-failed", title: "The request is invalid", status: HTTPStatus(code: 422),
                detail: message,
                errors: [.init(field: field, code: code, message: message)]))
    }

    static let notFound = APIError(problem: .notFound())
}
