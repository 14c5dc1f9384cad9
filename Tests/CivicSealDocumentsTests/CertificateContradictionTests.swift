import CivicSealDocuments
import CivicSealWorkflow
import Foundation
import Testing

/// The review step's contradiction check (issue 13, finding 7): a new criminal-record outcome against the
/// certificates issued earlier about the same person.
@Suite("Certificate contradictions")
struct CertificateContradictionTests {
    static func conviction(_ number: String, court: String = "TAND quận Ba Đình", expunged: Bool) -> Conviction {
        Conviction(
            judgmentDate: CalendarDate("2019-04-02")!, judgmentNumber: number, court: court, crime: "Trộm cắp tài sản",
            articles: "Điều 173",
            mainPenalty: "12 tháng tù", executionStatus: "Đã chấp hành xong", expunged: expunged)
    }

    static func earlier(_ form: CriminalRecordForm, _ convictions: [Conviction]) -> CertificateContradiction.Earlier {
        .init(
            documentID: "DOC\(form.rawValue)", form: form, issuedAt: Date(timeIntervalSince1970: 1_780_000_000),
            convictions: convictions)
    }

    @Test("form 2 with an unexpunged conviction, then form 1 saying no criminal record: the conviction is left out")
    func form1LeavesOutCurrentConviction() {
        let found = CertificateContradiction.find(
            form: .form1, convictions: [],
            earlier: [Self.earlier(.form2, [Self.conviction("11/2019/HS-ST", expunged: false)])])
        #expect(found.map(\.code) == [.convictionLeftOut])
        #expect(found.first?.earlierDocumentID == "DOC2" && found.first?.conviction.judgmentNumber == "11/2019/HS-ST")
    }

    @Test(
        "an expunged conviction on an earlier form 2 contradicts a later form 2 without it, not a clean form 1"
    )
    func expungedConvictionOnlyForForm2() {
        let earlier = [Self.earlier(.form2, [Self.conviction("11/2019/HS-ST", expunged: true)])]
        #expect(CertificateContradiction.find(form: .form1, convictions: [], earlier: earlier).isEmpty)
        #expect(
            CertificateContradiction.find(form: .form2, convictions: [], earlier: earlier).map(\.code) == [
                .convictionLeftOut
            ])
    }

    @Test(
        "the same judgment (number and court, case and spacing aside) again is no contradiction; unexpunging is"
    )
    func sameJudgmentMatches() {
        let earlier = [Self.earlier(.form2, [Self.conviction("11/2019/HS-ST", expunged: true)])]
        let restated = Self.conviction(" 11/2019/hs-st ", court: "TAND  quận Ba Đình", expunged: true)
        #expect(CertificateContradiction.find(form: .form2, convictions: [restated], earlier: earlier).isEmpty)
        var unexpunged = restated
        unexpunged.expunged = false
        #expect(
            CertificateContradiction.find(form: .form2, convictions: [unexpunged], earlier: earlier).map(\.code) == [
                .expungementWithdrawn
            ])
        // A conviction expunged since the earlier certificate is no contradiction.
        let current = [Self.earlier(.form1, [Self.conviction("11/2019/HS-ST", expunged: false)])]
        #expect(CertificateContradiction.find(form: .form2, convictions: [restated], earlier: current).isEmpty)
    }

    @Test("a different court with the same number is another judgment: left out")
    func differentCourtIsAnotherJudgment() {
        let earlier = [Self.earlier(.form1, [Self.conviction("11/2019/HS-ST", expunged: false)])]
        let other = Self.conviction("11/2019/HS-ST", court: "TAND quận Hoàn Kiếm", expunged: false)
        #expect(
            CertificateContradiction.find(form: .form1, convictions: [other], earlier: earlier).map(\.code) == [
                .convictionLeftOut
            ])
    }
}
