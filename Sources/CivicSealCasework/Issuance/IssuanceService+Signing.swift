import CivicSealCrypto
import CivicSealDocuments
import CivicSealPDF
import CivicSealRecords
import CivicSealSealing
import CivicSealWorkflow
import Foundation

extension IssuanceService {
    /// Renders `record` with the officer's placeholder and runs ``IssuancePipeline`` (or, without officer keys, seals
    /// the rendered placeholder with the department seal alone).
    func sign(_ record: DocumentRecord, source: IssuanceSource, department: Department, keys: DepartmentSeal)
        throws -> (RenderedDocument, IssuancePipeline.Output)
    {
        let reason = Self.reason(for: record.kind)
        let sealSigner = try keys.signer.get()
        guard let officerKeys else {
            let rendered = try renderer().render(
                record,
                signature: SignaturePlaceholder(
                    visible: true, signerName: keys.name, reason: reason, location: record.place))
            let sealed = try PAdESSealer.seal(rendered.pdf, signer: sealSigner)
            return (rendered, IssuancePipeline.Output(pdf: sealed, timestampExpiresAt: nil))
        }
        let officer = try Self.officer(of: source, record: record, department: department)
        let officerSigner = try officerKeys.signer(for: officer, at: record.issuedAt)
        // Short lines: each box is half the template's seal rectangle; the time and the zone on lines of their own,
        // in Hà Nội time with the zone named in both languages (never UTC).
        let time = [
            "Thời gian / Time:", HanoiTime.dateTimeWithSeconds(record.issuedAt),
            "\(HanoiTime.zoneVietnamese) / \(HanoiTime.zoneEnglish)",
        ]
        var placeholder = SignaturePlaceholder(
            fieldName: IssuancePipeline.officerFieldName,
            contentsCapacity: IssuancePipeline.signatureCapacity(for: officerSigner),
            visible: true, signerName: officer.fullName, reason: reason, location: record.place)
        placeholder.lines =
            ["Ký bởi / Signed by:", officer.fullName, officer.title, officer.departmentName] + time
        placeholder.horizontalShare = 0...0.5
        let renderer = try renderer()
        let rendered = try renderer.render(record, signature: placeholder)
        let sealRect = rendered.sealRect.map {
            PDFRect(x: $0.x + $0.width / 2, y: $0.y, width: $0.width / 2, height: $0.height)
        }
        let sealField = PDFSignatureField(
            fieldName: IssuancePipeline.sealFieldName, pageIndex: 0, rect: sealRect,
            appearance: sealRect.map { _ in
                .init(
                    font: renderer.regularFont, size: 5,
                    lines: ["Đóng dấu / Sealed by:", keys.name] + time)
            },
            contentsCapacity: IssuancePipeline.signatureCapacity(for: sealSigner), signingTime: record.issuedAt,
            signerName: keys.name,
            reason: reason, location: record.place)
        let output = try IssuancePipeline.run(
            officerSigned: rendered.pdf, officer: officerSigner, seal: sealSigner, sealField: sealField,
            profile: profile, trust: trust?.pinned(), at: record.issuedAt)
        return (rendered, output)
    }

    /// The officer as the approval recorded them: staff id, printed name, and the recorded title (approvals recorded
    /// before titles were kept fall back to the department's configured signing formula, the same one the document
    /// prints above the name).
    static func officer(of source: IssuanceSource, record: DocumentRecord, department: Department) throws
        -> OfficerIdentity
    {
        guard let staffID = source.approverID, !staffID.isEmpty else {
            throw CaseworkError(.issuanceFailed, "the approval records no officer to sign the document")
        }
        let title = source.approverTitle ?? department.signatureTitleVietnamese ?? record.officer.titleVietnamese
        return OfficerIdentity(
            staffID: staffID, fullName: record.officer.fullName, title: title, departmentID: department.id,
            departmentName: department.nameVietnamese)
    }
}
