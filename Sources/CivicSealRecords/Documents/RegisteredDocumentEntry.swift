import CivicSealWorkflow
import Foundation

/// One row of the document registry, without the PDF and the record (see ``RequestStore/documentEntry(id:)``).
package struct DocumentEntry: Sendable, Hashable {
    package enum Status: Sendable, Hashable {
        case valid
        /// `reason` is the officer's free-text grounds (internal); `code` the public reason from the fixed list.
        case revoked(reason: String, code: RevocationReason, at: Date)

        /// `valid` or `revoked`.
        package var name: String { if case .valid = self { "valid" } else { "revoked" } }
    }

    package let documentID: String
    package let requestID: String
    package let kind: RequestKind
    package let departmentID: String
    package let templateID: String
    package let templateVersion: String
    package let templateSHA256: String
    package let recordSHA256: String
    /// Lowercase hex SHA-256 of the sealed PDF.
    package let pdfSHA256: String
    package let signerCertificateSHA256: String
    package let issuedAt: Date
    package let status: Status
    /// The document that replaced this one (a re-issue after its seal's key was compromised); nil while current.
    package var supersededBy: String? = nil
    /// The document this one replaced; nil for a first issue.
    package var supersedes: String? = nil
}

/// What the issuer registers in one transaction with the request's `approved` → `issued` step.
package struct NewDocument: Sendable {
    package let documentID: String
    package let requestID: String
    package let kind: RequestKind
    package let departmentID: String
    package let templateID: String
    package let templateVersion: String
    package let templateSHA256: String
    /// The canonical JSON of the stated facts (sorted keys).
    package let recordJSON: String
    package let pdf: [UInt8]
    package let signerCertificateSHA256: String
    package let issuedAt: Date
    /// When the TSA certificate of the file's document timestamp expires (B-LTA); nil without one. The archive
    /// renewal job adds a new document timestamp before then.
    package let timestampExpiresAt: Date?

    package init(
        documentID: String, requestID: String, kind: RequestKind, departmentID: String, templateID: String,
        templateVersion: String,
        templateSHA256: String, recordJSON: String, pdf: [UInt8], signerCertificateSHA256: String, issuedAt: Date,
        timestampExpiresAt: Date? = nil
    ) {
        self.timestampExpiresAt = timestampExpiresAt
        self.documentID = documentID
        self.requestID = requestID
        self.kind = kind
        self.departmentID = departmentID
        self.templateID = templateID
        self.templateVersion = templateVersion
        self.templateSHA256 = templateSHA256
        self.recordJSON = recordJSON
        self.pdf = pdf
        self.signerCertificateSHA256 = signerCertificateSHA256
        self.issuedAt = issuedAt
    }
}

/// An approved request as the issuer reads it: everything the document will state.
package struct IssuanceSource: Sendable, Hashable {
    package let requestID: String
    package let kind: RequestKind
    package let form: CriminalRecordForm?
    package let departmentID: String
    /// The citizen who submitted it (personal ID number).
    package let ownerID: String
    /// The validated, normalised submission JSON.
    package let submissionJSON: String
    /// `{personalId, fullName, birthDate, sex}` of the person the document is about; `nil` for rows older than
    /// migration 2.
    package let subjectIdentityJSON: String?
    package let findingsJSON: String
    package let approverName: String?
    /// The approving officer's staff id (token subject); nil for approvals recorded before migration 8.
    package var approverID: String? = nil
    /// The title recorded with the approval; nil when none was recorded.
    package var approverTitle: String? = nil
    /// When the request was approved (its last change).
    package let approvedAt: Date
}
