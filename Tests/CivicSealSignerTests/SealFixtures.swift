import CivicSealApp
import CivicSealCrypto
import CivicSealDocuments
import CivicSealPDF
import CivicSealSigner
import CivicSealTestSupport
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
        fullName: "Nguyễn Thị Ánh Tuyết", sex: .female, birthDate: CalendarDate("1990-09-02")!, birthPlace: "Phường Hàng Bạc, Hà Nội",
        ethnicity: "Kinh", residence: "Số 12 phố Hàng Bạc, phường Hoàn Kiếm, thành phố Hà Nội", personalID: "001190012345",
        fatherName: "Nguyễn Văn Hùng", motherName: "Lê Thị Mai", spouseName: "Trần Quốc Bảo")

    static func formOne(documentID: String = "7QH2KX9V4M3TBCJ5RW8ZNPYD6A", issuedAt: Date = Date()) -> DocumentRecord {
        DocumentRecord(
            documentID: documentID, number: "1234/2026/LLTP", issuedAt: issuedAt, place: "Hà Nội", department: .justiceHanoi,
            officer: DocumentOfficer(fullName: "Lê Văn Hưởng", titleVietnamese: "KT. GIÁM ĐỐC - PHÓ GIÁM ĐỐC", titleEnglish: "For the Director - Deputy Director"),
            holder: holder, findings: .criminalRecord(CriminalRecordFindings(form: .form1, statesBans: false, convictions: [], bans: [])))
    }

    /// A sealed form-1 certificate written to `name`; returns its path.
    func sealedFormOne(_ name: String = "sealed.pdf") throws -> (path: String, bytes: [UInt8]) {
        let department = try require(keyring.department("justice-hanoi"), "justice-hanoi department")
        let rendered = try renderer.render(
            Self.formOne(), signature: SignaturePlaceholder(signerName: department.name, reason: "Phiếu lý lịch tư pháp", location: "Hà Nội"))
        let sealed = try PAdESSealer.seal(rendered.pdf, signer: try department.signer())
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
