import CivicSealPDF
import CivicSealQR
import CivicSealWorkflow
import Foundation

/// Renders ``DocumentRecord``s into PDFs with the validated templates. Fonts and templates are loaded once;
/// the renderer is immutable, so one instance serves every thread.
///
/// Output is deterministic: the same record (including its issue time), template and options give the same bytes.
package final class DocumentRenderer: Sendable {
    package let templates: [DocumentTemplate]
    package let regularFont: TrueTypeFont
    package let boldFont: TrueTypeFont
    /// The verification site; the QR code encodes `<verificationBaseURL>/v/<documentID>`.
    package let verificationBaseURL: String
    private let byID: [String: DocumentTemplate]

    /// The repository's `Templates/` folder, for tools and tests run from a checkout.
    package static func repositoryTemplateDirectory() -> String {
        var url = URL(fileURLWithPath: #filePath)
        for _ in 0..<4 { url.deleteLastPathComponent() }
        return url.appendingPathComponent("Templates").path
    }

    package init(
        templates: [DocumentTemplate], regularFont: TrueTypeFont, boldFont: TrueTypeFont, verificationBaseURL: String
    ) {
        self.templates = templates
        self.regularFont = regularFont
        self.boldFont = boldFont
        var base = verificationBaseURL
        while base.hasSuffix("/") { base.removeLast() }
        self.verificationBaseURL = base
        byID = Dictionary(templates.map { ($0.id, $0) }, uniquingKeysWith: { first, _ in first })
    }

    /// Loads every template of `templateDirectory` and the DejaVu fonts from `fontDirectory`.
    /// - Throws: ``DocumentTemplateError`` for a bad template, `PDFError` for a missing or malformed font.
    package convenience init(
        templateDirectory: String, fontDirectory: String = TrueTypeFont.defaultDirectory,
        verificationBaseURL: String = "https://verify.civicseal.invalid"
    ) throws {
        self.init(
            templates: try TemplateLoader.loadDirectory(templateDirectory),
            regularFont: try TrueTypeFont.dejaVuSans(directory: fontDirectory),
            boldFont: try TrueTypeFont.dejaVuSansBold(directory: fontDirectory),
            verificationBaseURL: verificationBaseURL)
    }

    package func template(id: String) -> DocumentTemplate? { byID[id] }

    /// The address printed and encoded for `documentID`.
    package func verificationURL(for documentID: String) -> String { "\(verificationBaseURL)/v/\(documentID)" }

    /// The template a record uses unless told otherwise: `criminal-record-form-1`/`-2`,
    /// `health-certificate-<type>` (driving-licence, general, employment, study), `health-book-extract`.
    package static func defaultTemplateID(for record: DocumentRecord) -> String {
        switch record.findings {
        case .criminalRecord(let findings): "criminal-record-form-\(findings.form.rawValue)"
        case .healthCertificate(let findings): findings.certificateType.templateID
        case .healthBookExtract: "health-book-extract"
        }
    }

    /// Renders `record` with the template `templateID` (default: ``defaultTemplateID(for:)``).
    package func render(
        _ record: DocumentRecord, templateID: String? = nil, signature: SignaturePlaceholder? = nil
    ) throws(DocumentError) -> RenderedDocument {
        let id = templateID ?? Self.defaultTemplateID(for: record)
        guard let template = byID[id] else {
            throw DocumentError(
                .templateNotFound, "no template \"\(id)\" (loaded: \(byID.keys.sorted().joined(separator: ", ")))")
        }
        guard template.kind == record.kind else {
            throw DocumentError(
                .kindMismatch,
                "template \"\(id)\" renders \(template.kind.rawValue) documents, not \(record.kind.rawValue)")
        }
        // Each health certificate type has its own title and fields: never the driver's certificate for another type.
        if case .healthCertificate(let findings) = record.findings, template.id != findings.certificateType.templateID {
            throw DocumentError(
                .kindMismatch,
                "template \"\(id)\" does not print a \(findings.certificateType.rawValue) health certificate")
        }
        let url = verificationURL(for: record.documentID)
        var layout = DocumentLayout(
            record: record, template: template, regular: regularFont, bold: boldFont, verificationURL: url,
            page: PDFPage(width: template.page.width, height: template.page.height))
        try layout.run()

        let info = PDFDocumentInfo(
            title: layout.resolve(template.title, item: nil), author: record.department.nameVietnamese,
            subject: layout.resolve(template.subject, item: nil),
            keywords: [template.id, record.department.nameEnglish],
            documentID: record.documentID, creationDate: record.issuedAt)
        var field: PDFSignatureField?
        if let signature {
            let share = signature.horizontalShare
            let rect = (signature.visible ? layout.sealRect : nil).map { whole in
                PDFRect(
                    x: whole.x + whole.width * share.lowerBound, y: whole.y,
                    width: whole.width * (share.upperBound - share.lowerBound), height: whole.height)
            }
            // The visible box states the signing time in Hà Nội time, the zone named once per language.
            let lines =
                signature.lines ?? [
                    "Ký bởi / Signed by: \(signature.signerName ?? "")",
                    "Thời gian / Time: \(HanoiTime.dateTimeWithSeconds(record.issuedAt))",
                    "\(HanoiTime.zoneVietnamese) / \(HanoiTime.zoneEnglish)",
                ]
            field = PDFSignatureField(
                fieldName: signature.fieldName, pageIndex: 0, rect: rect,
                appearance: rect.map { _ in
                    .init(font: regularFont, size: signature.lines == nil ? 7 : 5, lines: lines)
                },
                contentsCapacity: signature.contentsCapacity, signingTime: record.issuedAt,
                signerName: signature.signerName,
                reason: signature.reason, location: signature.location)
        }
        let file = PDFDocument(info: info, pages: [layout.page], signatureField: field).render()
        return RenderedDocument(
            pdf: file, templateID: template.id, templateVersion: template.version, templateSHA256: template.sha256Hex,
            verificationURL: url,
            sealRect: layout.sealRect)
    }
}
