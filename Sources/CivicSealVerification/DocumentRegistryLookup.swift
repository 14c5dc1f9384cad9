import CivicSealWorkflow
import Foundation

/// What the verifier asks the document registry when it verifies online: the record registered under an id.
package protocol DocumentRegistryLookup: Sendable {
    /// The registered document `id`, or nil when no document has that id.
    func registeredDocument(id: String) -> RegisteredDocument?
}

/// The registry's view of one issued document, as far as verification needs it (no personal data).
package struct RegisteredDocument: Sendable, Hashable {
    package enum Status: Sendable, Hashable {
        case valid
        /// The public reason code only: the registry never hands the verifier the officer's free-text grounds.
        case revoked(code: RevocationReason, at: Date)
    }

    package let documentID: String
    /// The document kind, e.g. `criminal-record`.
    package let kind: String
    package let departmentID: String
    package let issuedAt: Date
    /// SHA-256 of the sealed PDF exactly as issued.
    package let pdfSHA256: [UInt8]
    package let status: Status

    package init(
        documentID: String, kind: String, departmentID: String, issuedAt: Date, pdfSHA256: [UInt8], status: Status
    ) {
        self.documentID = documentID
        self.kind = kind
        self.departmentID = departmentID
        self.issuedAt = issuedAt
        self.pdfSHA256 = pdfSHA256
        self.status = status
    }
}
