import CivicSealPDF

/// A rendered document: the PDF and what the registry records beside it.
package struct RenderedDocument: Sendable {
    /// The PDF, with the signature placeholder location when one was requested.
    package let pdf: PDFFile
    package let templateID: String
    package let templateVersion: String
    /// SHA-256 of the template file bytes, lowercase hexadecimal.
    package let templateSHA256: String
    /// The address the QR code encodes and the page prints.
    package let verificationURL: String
    /// The rectangle reserved by the template's `seal` block (page coordinates), where a visible signature goes.
    package let sealRect: PDFRect?

    /// The PDF file bytes.
    package var bytes: [UInt8] { pdf.bytes }
}

/// Asks the renderer to leave a signature field with a placeholder signature dictionary, so the signer can
/// seal the file in place (see ``PDFSignatureField``).
package struct SignaturePlaceholder: Sendable {
    package var fieldName: String
    /// Bytes reserved for the DER-encoded CMS.
    package var contentsCapacity: Int
    /// Draw a visible widget over the template's seal rectangle (invisible when the template has none).
    package var visible: Bool
    package var signerName: String?
    package var reason: String?
    package var location: String?
    /// The lines the visible box shows; nil: the signer's name and the signing time.
    package var lines: [String]?
    /// The share of the seal rectangle's width the box takes, as fractions from its left edge (the officer's
    /// signature takes the left half and the department's seal, added later, the right).
    package var horizontalShare: ClosedRange<Double> = 0...1

    package init(
        fieldName: String = "Signature1", contentsCapacity: Int = 6144, visible: Bool = true, signerName: String? = nil,
        reason: String? = nil,
        location: String? = nil
    ) {
        self.fieldName = fieldName
        self.contentsCapacity = contentsCapacity
        self.visible = visible
        self.signerName = signerName
        self.reason = reason
        self.location = location
    }
}
