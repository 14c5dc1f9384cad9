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
    /// Every SHA-256 the service published for this document: as issued, then each archive renewal (a new document
    /// timestamp appended as an incremental update). `hash-matches` passes for any of them.
    package let versionSHA256s: [[UInt8]]
    package let status: Status
    /// The document that replaced this one (a re-issue after a seal key compromise); nil when none did.
    package var supersededBy: String? = nil

    /// `versionSHA256s` defaults to `[pdfSHA256]`; when given, `pdfSHA256` is put first if it is missing.
    package init(
        documentID: String, kind: String, departmentID: String, issuedAt: Date, pdfSHA256: [UInt8], status: Status,
        versionSHA256s: [[UInt8]]? = nil
    ) {
        self.documentID = documentID
        self.kind = kind
        self.departmentID = departmentID
        self.issuedAt = issuedAt
        self.pdfSHA256 = pdfSHA256
        let versions = versionSHA256s ?? [pdfSHA256]
        self.versionSHA256s = versions.contains(pdfSHA256) ? versions : [pdfSHA256] + versions
        self.status = status
    }
}
