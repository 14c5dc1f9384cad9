import Foundation
import CivicSealWorkflow

/// One row of the document registry, without the PDF and the record (see ``RequestStore/documentEntry(id:)``).
public struct DocumentEntry: Sendable, Hashable {
    public enum Status: Sendable, Hashable {
        case valid
        /// `reason` is the officer's free-text grounds (internal); `code` the public reason from the fixed list.
        case revoked(reason: String, code: RevocationReason, at: Date)

        /// `valid` or `revoked`.
        public var name: String { if case .valid = self { "valid" } else { "revoked" } }
    }

    public let documentID: String
    public let requestID: String
    public let kind: RequestKind
    public let departmentID: String
    public let templateID: String
    public let templateVersion: String
    public let templateSHA256: String
    public let recordSHA256: String
    /// Lowercase hex SHA-256 of the sealed PDF.
    public let pdfSHA256: String
    public let signerCertificateSHA256: String
    public let issuedAt: Date
    public let status: Status
}

/// What the issuer registers in one transaction with the request's `approved` → `issued` step.
public struct NewDocument: Sendable {
    public let documentID: String
    public let requestID: String
    public let kind: RequestKind
    public let departmentID: String
    public let templateID: String
    public let templateVersion: String
    public let templateSHA256: String
    /// The canonical JSON of the stated facts (sorted keys).
    public let recordJSON: String
    public let pdf: [UInt8]
    public let signerCertificateSHA256: String
    public let issuedAt: Date

    public init(
        documentID: String, requestID: String, kind: RequestKind, departmentID: String, templateID: String, templateVersion: String,
        templateSHA256: String, recordJSON: String, pdf: [UInt8], signerCertificateSHA256: String, issuedAt: Date
    ) {
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
public struct IssuanceSource: Sendable, Hashable {
    public let requestID: String
    public let kind: RequestKind
    public let form: CriminalRecordForm?
    public let departmentID: String
    /// The citizen who submitted it (personal ID number).
    public let ownerID: String
    /// The validated, normalised submission JSON.
    public let submissionJSON: String
    /// `{personalId, fullName, birthDate, sex}` of the person the document is about; `nil` for rows older than
    /// migration 2.
    public let subjectIdentityJSON: String?
    public let findingsJSON: String
    public let approverName: String?
    /// When the request was approved (its last change).
    public let approvedAt: Date
}
