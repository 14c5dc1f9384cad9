import CivicSealDocuments
import CivicSealTestSupport
import Foundation
import Testing

/// Writes one PDF per template to /tmp/civicseal-renders for people to look at (not an assertion of looks).
@Suite struct RenderSnapshotTests {
    @Test func writeSamplesForInspection() throws {
        try FileManager.default.createDirectory(atPath: "/tmp/civicseal-renders", withIntermediateDirectories: true)
        let samples: [(String, DocumentRecord)] = [
            (
                "criminal-record-form-1-clean",
                DocumentFixtures.record(templateID: "criminal-record-form-1", holder: DocumentFixtures.holders[0])
            ),
            (
                "criminal-record-form-1-convictions",
                DocumentFixtures.criminalRecord(
                    form: .form1, holder: DocumentFixtures.holders[1],
                    convictions: (1...5).map { DocumentFixtures.conviction($0) },
                    bans: [DocumentFixtures.ban], statesBans: true)
            ),
            (
                "criminal-record-form-2",
                DocumentFixtures.criminalRecord(
                    form: .form2, holder: DocumentFixtures.holders[2],
                    convictions: [DocumentFixtures.conviction(1, expunged: true)]
                        + (2...5).map { DocumentFixtures.conviction($0) },
                    bans: [DocumentFixtures.ban])
            ),
            (
                "health-certificate-driving-licence",
                DocumentFixtures.record(
                    templateID: "health-certificate-driving-licence", holder: DocumentFixtures.holders[3])
            ),
            (
                "health-certificate-employment",
                DocumentFixtures.healthCertificate(.employment, holder: DocumentFixtures.holders[1])
            ),
            (
                "health-book-extract",
                DocumentFixtures.healthBook(
                    holder: DocumentFixtures.holders[0], encounters: 5, vaccinations: 3, allergies: 2)
            ),
        ]
        for (name, record) in samples {
            let rendered = try DocumentFixtures.renderer.render(
                record, signature: SignaturePlaceholder(signerName: "Lê Văn Hưởng"))
            try Data(rendered.bytes).write(to: URL(fileURLWithPath: "/tmp/civicseal-renders/\(name).pdf"))
        }
    }
}
