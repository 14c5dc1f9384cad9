import CivicSealStorage
import CivicSealWorkflow

/// The one error type of the records layer: a stable ``code``, a message safe to log (no SQL, no bound values,
/// no personal data), and, where relevant, the lifecycle refusal or the field issues behind it.
///
/// Errors compare by code only.
package struct RecordsError: Error, Sendable, CustomStringConvertible, Equatable {
    /// A stable, machine-readable reason (`records.<rule>`).
    package struct Code: RawRepresentable, Hashable, Sendable, CustomStringConvertible {
        package let rawValue: String
        package init(rawValue: String) { self.rawValue = rawValue }
        package var description: String { rawValue }

        /// No such request, or the actor may not see it (never revealed which).
        package static let notFound = Code(rawValue: "records.not-found")
        /// The idempotency key was already used by this owner with a different body.
        package static let idempotencyKeyReused = Code(rawValue: "records.idempotency-key-reused")
        /// The idempotency key is empty, too long or holds characters outside printable ASCII.
        package static let idempotencyKeyInvalid = Code(rawValue: "records.idempotency-key-invalid")
        /// An unfinished criminal-record request of the same form exists for the same person (``OpenRequestRule``).
        package static let unfinishedRequestExists = Code(rawValue: "records.unfinished-request-exists")
        /// The lifecycle refused the action; ``RecordsError/lifecycle`` says why. Nothing changed.
        package static let transitionRefused = Code(rawValue: "records.transition-refused")
        /// The row changed since it was read (optimistic `version` check). Nothing changed.
        package static let concurrentModification = Code(rawValue: "records.concurrent-modification")
        /// The routing table names no department (or an unknown one) for the request.
        package static let noDepartment = Code(rawValue: "records.no-department")
        /// A queue cursor that this store did not produce.
        package static let invalidCursor = Code(rawValue: "records.invalid-cursor")
        /// Input refused before storage (findings that are not a JSON object, a bad health-book entry…);
        /// ``RecordsError/issues`` lists the fields.
        package static let invalidInput = Code(rawValue: "records.invalid-input")
        /// A supplement that changes the kind, form or subject of the request.
        package static let supplementMismatch = Code(rawValue: "records.supplement-mismatch")
        /// The actor's role may not do this at all (e.g. a citizen recording a health-book entry).
        package static let forbidden = Code(rawValue: "records.forbidden")
        /// The database failed; ``RecordsError/storageCode`` holds the storage layer's code.
        package static let storage = Code(rawValue: "records.storage")
    }

    package let code: Code
    /// Safe to log: never contains SQL, bound values or personal data.
    package let message: String
    /// The lifecycle refusal behind ``Code/transitionRefused``.
    package let lifecycle: LifecycleError?
    /// Field issues behind ``Code/invalidInput`` or ``Code/unfinishedRequestExists``.
    package let issues: [ValidationIssue]
    /// The ``DatabaseError/Code`` behind ``Code/storage`` (e.g. `SQLITE_BUSY`).
    package let storageCode: DatabaseError.Code?

    package init(
        _ code: Code, _ message: String, lifecycle: LifecycleError? = nil, issues: [ValidationIssue] = [],
        storageCode: DatabaseError.Code? = nil
    ) {
        self.code = code
        self.message = message
        self.lifecycle = lifecycle
        self.issues = issues
        self.storageCode = storageCode
    }

    package var description: String { "\(code): \(message)" }

    package static func == (lhs: RecordsError, rhs: RecordsError) -> Bool { lhs.code == rhs.code }

    static let notFound = RecordsError(.notFound, "no such request")

    /// Maps whatever a transaction threw to a ``RecordsError`` without copying SQL or values into the message.
    static func wrapping(_ error: any Error) -> RecordsError {
        switch error {
        case let error as RecordsError: error
        case let error as LifecycleError:
            RecordsError(.transitionRefused, error.code.rawValue, lifecycle: error)
        case let error as DatabaseError:
            RecordsError(.storage, "database failure \(error.code)", storageCode: error.code)
        default:
            RecordsError(.storage, "unexpected failure \(type(of: error))")
        }
    }
}
