import Foundation
import Testing

@testable import CivicSealWorkflow

@Suite("Health book")
struct HealthBookTests {
    @Test(
        "ICD-10 codes",
        arguments: [
            ("E11", true), ("J45.0", true), ("S72.00", true), ("U07.1", true),
            ("j45.0", false), ("J45.", false), ("J4", false), ("J450", false), ("J45.000", false), ("S52.521A", false),
            ("45.0", false), ("J45,0", false), ("", false), ("Ｊ45.0", false),
        ])
    func icd10(text: String, valid: Bool) {
        #expect((ICD10Code(rawValue: text) != nil) == valid)
    }

    static let book = """
        {"personalId": "001190012345", "entries": [
          {"entryType": "encounter", "facilityId": "01001", "facilityName": "Bệnh viện Bạch Mai",
           "startedAt": "2025-11-03T02:15:00Z", "endedAt": "2025-11-03T04:00:00Z", "type": "outpatient",
           "reason": "Khó thở", "outcome": "improved", "diagnoses": ["J45.0", "E11"]},
          {"entryType": "vaccination", "facilityId": "01002", "administeredOn": "2026-03-02",
           "vaccine": "Vaxigrip Tetra", "antigen": "Influenza", "dose": 1},
          {"entryType": "allergy", "facilityId": "01001", "recordedOn": "2025-11-03", "type": "drug",
           "agent": "Penicillin", "reaction": "Mày đay"}
        ]}
        """

    @Test("a health book decodes; the first diagnosis is the main one; extracts filter by section and period")
    func decodeAndExtract() throws {
        let book = try WorkflowJSON.decode(HealthBook.self, from: Data(Self.book.utf8)).get()
        #expect(book.validationIssues().isEmpty)
        guard case .encounter(let encounter) = book.entries[0] else {
            Issue.record("first entry is not an encounter")
            return
        }
        #expect(encounter.mainDiagnosis == ICD10Code(rawValue: "J45.0"))
        let extract = book.extract(sections: [.encounters, .vaccinations], from: CalendarDate("2026-01-01"))
        #expect(extract.entries.map(\.section) == [.vaccinations])
        let data = try WorkflowJSON.encode(book)
        #expect(try WorkflowJSON.decodeStored(HealthBook.self, from: data) == book)
        // Stored entries keep the bytes Foundation's JSONEncoder wrote for them.
        #expect(data == Array(try FoundationJSON.encoder().encode(book)), "\(String(decoding: data, as: UTF8.self))")
        for entry in book.entries {
            #expect(try WorkflowJSON.encode(entry) == Array(try FoundationJSON.encoder().encode(entry)))
        }
    }

    @Test("a malformed ICD-10 code is refused while decoding, with its path")
    func badDiagnosis() {
        let body = Self.book.replacingOccurrences(of: "\"E11\"", with: "\"e11\"")
        guard case .failure(let failure) = WorkflowJSON.decode(HealthBook.self, from: Data(body.utf8)) else {
            Issue.record("accepted a lowercase ICD-10 code")
            return
        }
        #expect(failure.issues.first?.code == .jsonInvalidValue)
        #expect(failure.issues.first?.field == "entries[0].diagnoses[1]")
    }

    @Test("entries are validated: dose range, time order, text rules")
    func entryValidation() throws {
        let id = Fixtures.tuyet.personalID
        let start = Date(timeIntervalSince1970: 1_762_135_200)
        let book = HealthBook(
            personalId: id,
            entries: [
                .vaccination(
                    Vaccination(
                        facilityId: "01002", administeredOn: Fixtures.date("2026-03-02"),
                        vaccine: "Vaxigrip Tetra", antigen: "Influenza", dose: 0)),
                .encounter(
                    Encounter(
                        facilityId: "01001", facilityName: "Bệnh viện\u{0000}", startedAt: start,
                        endedAt: start.addingTimeInterval(-60), type: .emergency, reason: "Sốt",
                        outcome: .recovered, diagnoses: [ICD10Code(rawValue: "A90")!, ICD10Code(rawValue: "A90")!])),
                .allergy(
                    Allergy(
                        facilityId: "01001", recordedOn: Fixtures.date("2025-11-03"), type: .food,
                        agent: "", reaction: "Phù môi")),
            ])
        let issues = book.validationIssues()
        #expect(issues.contains { $0.field == "entries[0].dose" && $0.code == .doseOutOfRange })
        #expect(issues.contains { $0.field == "entries[1].facilityName" && $0.code == .textControlCharacters })
        #expect(issues.contains { $0.field == "entries[1].endedAt" && $0.code == .encounterEndsBeforeStart })
        #expect(issues.contains { $0.field == "entries[1].diagnoses" && $0.code == .listDuplicate })
        #expect(issues.contains { $0.field == "entries[2].agent" && $0.code == .fieldRequired })
        #expect(issues.count == 5)
    }
}
