import Foundation
import Testing

@testable import CivicSealWorkflow

@Suite("Fees")
struct FeeScheduleTests {
    @Test(
        "criminal-record fees: 200,000 VND, 100,000 reduced, 0 exempt, +5,000 per copy from the third",
        arguments: [
            (1, nil, 200_000, FeeCategory.standard),
            (2, nil, 200_000, .standard),
            (3, nil, 205_000, .standard),
            (5, nil, 215_000, .standard),
            (1, "student", 100_000, .reduced),
            (3, "student", 105_000, .reduced),
            (5, "special-difficulty-area", 115_000, .reduced),
            (1, "child", 0, .exempt),
            (5, "elderly", 0, .exempt),
            (3, "disabled", 0, .exempt),
            (2, "poor-household", 0, .exempt),
        ] as [(Int, String?, Int, FeeCategory)])
    func criminalRecordFees(copies: Int, group: String?, total: Int, category: FeeCategory) {
        let quote = FeeSchedule().quote(kind: .criminalRecord, copies: copies, feeGroup: group)
        #expect(quote.totalVND == total)
        #expect(quote.category == category)
        #expect(quote.extraCopies == max(0, copies - 2))
    }

    @Test("exemption may be configured not to cover extra copies")
    func exemptPaysCopies() {
        var schedule = FeeSchedule()
        schedule.exemptionCoversExtraCopies = false
        #expect(schedule.quote(kind: .criminalRecord, copies: 5, feeGroup: "child").totalVND == 15_000)
    }

    @Test("health documents use their own configured tariff")
    func healthFees() throws {
        #expect(FeeSchedule().quote(kind: .healthCertificate, copies: 1).totalVND == 0)
        let json = """
            {"criminalRecord": {"standardVND": 200000, "reducedVND": 100000, "extraCopyVND": 5000, "copiesIncluded": 2},
             "healthCertificate": {"standardVND": 150000, "reducedVND": 75000, "extraCopyVND": 10000, "copiesIncluded":
             1},
             "healthBookExtract": {"standardVND": 0, "reducedVND": 0, "extraCopyVND": 0, "copiesIncluded": 1},
             "reducedGroups": ["student"], "exemptGroups": ["child"], "exemptionCoversExtraCopies": true}
            """
        let schedule = try WorkflowJSON.decode(FeeSchedule.self, from: Data(json.utf8)).get()
        #expect(schedule.quote(kind: .healthCertificate, copies: 1).totalVND == 150_000)
        #expect(schedule.quote(kind: .healthCertificate, copies: 2, feeGroup: "student").totalVND == 85_000)
        #expect(schedule.quote(kind: .criminalRecord, copies: 3).totalVND == 205_000)
        #expect(schedule.category(forGroup: "elderly") == nil)
    }
}
