import CivicSealPDF

/// A rendered document: the PDF and what the registry records beside it.
public struct RenderedDocument: Sendable {
    /// The PDF, with the signature placeholder location when one was requested.
    public let pdf: PDFFile
    public let templateID: String
    public let templateVersion: String
    /// SHA-256 of the template file bytes, lowercase hexadecimal.
    public let templateSHA256: String
    /// The address the QR code encodes and the page prints.
    public let verificationURL: String
    /// The rectangle reserved by the template's `seal` block (page coordinates), where a visible signature goes.
    public let sealRect: PDFRect?

    /// The PDF file bytes.
    public var bytes: [UInt8] { pdf.bytes }
}

/// Asks the renderer to leave a signature field with a placeholder signature dictionary, so the signer can
/// seal the file in place (see ``PDFSignatureField``).
public struct SignaturePlaceholder: Sendable {
    public var fieldName: String
    /// Bytes reserved for the DER-encoded CMS.
    public var contentsCapacity: Int
    /// Draw a visible widget over the template's seal rectangle (invisible when the template has none).
    public var visible: Bool
    public var signerName: String?
    public var reason: String?
    public var location: String?

    public init(
        fieldName: String = "Signature1", contentsCapacity: Int = 6144, visible: Bool = true, signerName: String? = nil, reason: String? = nil,
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
