import CivicSealApp
import CivicSealCrypto
import CivicSealDocuments
import CivicSealPDF
import CivicSealSealing
import CivicSealTestSupport
import CivicSealVerification
import CivicSealWorkflow
import Foundation

/// A development keyring in a temporary folder and a renderer over the repository's templates.
final class SealFixtures: Sendable {
    let directory = TemporaryDirectory("civicseal-seal")
    let keyring: Keyring
    let renderer: DocumentRenderer

    init(algorithm: SealAlgorithm = .ecdsaP256) throws {
        _ = try DevelopmentPKI.initialize(directory: "\(directory.path)/Keys", sealAlgorithm: algorithm)
        keyring = try Keyring(directory: "\(directory.path)/Keys")
        var url = URL(fileURLWithPath: #filePath)
        for _ in 0..<3 { url.deleteLastPathComponent() }
        renderer = try DocumentRenderer(templateDirectory: url.appendingPathComponent("Templates").path)
    }

    var rootPath: String { "\(directory.path)/Keys/trust/root-ca.cert.pem" }

    static let holder = DocumentHolder(
        fullName: "Nguyễn Thị Ánh Tuyết", sex: .female, birthDate: CalendarDate("1990-09-02")!,
        birthPlace: "Phường Hàng Bạc, Hà Nội",
        ethnicity: "Kinh", residence: "Số 12 phố Hàng Bạc, phường Hoàn Kiếm, thành phố Hà Nội",
        personalID: "001190012345",
        fatherName: "Nguyễn Văn Hùng", motherName: "Lê Thị Mai", spouseName: "Trần Quốc Bảo")

    static func formOne(documentID: String = "7QH2KX9V4M3TBCJ5RW8ZNPYD6A", issuedAt: Date = Date()) -> DocumentRecord {
        DocumentRecord(
            documentID: documentID, number: "1234/2026/LLTP", issuedAt: issuedAt, place: "Hà Nội",
            department: .justiceHanoi,
            officer: DocumentOfficer(
                fullName: "Lê Văn Hưởng", titleVietnamese: "KT. GIÁM ĐỐC - PHÓ GIÁM ĐỐC",
                titleEnglish: "For the Director - Deputy Director"),
            holder: holder,
            findings: .criminalRecord(
                CriminalRecordFindings(form: .form1, statesBans: false, convictions: [], bans: [])))
    }

    /// A sealed form-1 certificate written to `name`; returns its path.
    func sealedFormOne(_ name: String = "sealed.pdf", signer: CMSSigner? = nil) throws -> (path: String, bytes: [UInt8])
    {
        let department = try require(keyring.department("justice-hanoi"), "justice-hanoi department")
        let rendered = try renderer.render(
            Self.formOne(),
            signature: SignaturePlaceholder(
                signerName: department.name, reason: "Phiếu lý lịch tư pháp", location: "Hà Nội"))
        let sealed = try PAdESSealer.seal(rendered.pdf, signer: try signer ?? department.signer())
        return (try directory.write(name, sealed), sealed)
    }
}

struct FixtureMissing: Error, CustomStringConvertible {
    let description: String
}

/// `#require` outside a test body.
func require<T>(_ value: T?, _ what: String = "value") throws -> T {
    guard let value else { throw FixtureMissing(description: "\(what) is missing") }
    return value
}

extension SealFixtures {
    var trustDirectory: String { "\(directory.path)/Keys/trust" }

    /// A verifier trusting this keyring's development root.
    func verifier() throws -> DocumentVerifier { try DocumentVerifier(trustAnchors: keyring.trustAnchors) }

    /// The development root's key and certificate.
    func root() throws -> (key: PrivateKey, certificate: Certificate) {
        let key = try PrivateKey(
            pem: String(
                decoding: try Data(contentsOf: URL(fileURLWithPath: "\(directory.path)/Keys/private/root-ca.key.pem")),
                as: UTF8.self))
        return (key, try require(keyring.trustAnchors.first, "root certificate"))
    }

    /// A document-signing certificate from the development root, valid over `validity`, and a signer for it.
    func issueSigner(
        commonName: String = "Sở Tư pháp thử nghiệm", unit: String = "justice-test", kind: KeyKind = .ecP256,
        validity: ClosedRange<Date> = Date().addingTimeInterval(-3600)...Date().addingTimeInterval(86400)
    ) throws -> CMSSigner {
        let (rootKey, rootCertificate) = try root()
        let key = try PrivateKey.generate(kind)
        let subject = DistinguishedName([
            .init("C", "VN"), .init("O", commonName), .init("OU", unit), .init("CN", commonName),
        ])
        let certificate = try CertificateBuilder.documentSigner(
            subject: subject, publicKey: key.publicKey, notBefore: validity.lowerBound, notAfter: validity.upperBound
        ).issued(by: rootCertificate, key: rootKey)
        return try CMSSigner(key: key, certificate: certificate, chain: [rootCertificate])
    }

    /// A form-1 rendered with a signature placeholder, not yet sealed.
    func renderedFormOne(issuedAt: Date = Date(), signerName: String = "Sở Tư pháp thành phố Hà Nội") throws -> PDFFile
    {
        try renderer.render(
            Self.formOne(issuedAt: issuedAt),
            signature: SignaturePlaceholder(signerName: signerName, reason: "Phiếu lý lịch tư pháp", location: "Hà Nội")
        ).pdf
    }
}

/// A registry that knows one document.
struct RegistryStub: DocumentRegistryLookup {
    let document: RegisteredDocument?
    func registeredDocument(id: String) -> RegisteredDocument? { document?.documentID == id ? document : nil }

    static func registering(
        _ pdf: [UInt8], id: String = "7QH2KX9V4M3TBCJ5RW8ZNPYD6A", status: RegisteredDocument.Status = .valid
    ) -> RegistryStub {
        RegistryStub(
            document: RegisteredDocument(
                documentID: id, kind: "criminal-record", departmentID: "justice-hanoi", issuedAt: Date(),
                pdfSHA256: Digest.sha256(pdf), status: status))
    }
}
