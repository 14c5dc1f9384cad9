import CivicSealServiceTestSupport
import CivicSealWorkflow
import Foundation
import Testing

@testable import CivicSealPages

/// The pages format times through the one Hà Nội formatter: 10:58 UTC on 4 December is 17:58 on 04/12, not 05/12
/// (issue 13, finding 4: the pages added seven hours and then `CalendarDate(_:)` added seven more).
@Suite("Page times in Hà Nội time")
struct WebPagesTimeTests {
    @Test(
        "every minute after 17:00 Hà Nội time keeps its own day on the pages",
        arguments: [0, 1, 2, 3, 6, 7, 16, 17, 18, 23])
    func pageTimesKeepTheHanoiDay(_ hanoiHour: Int) {
        let day = CalendarDate("2026-12-04")!
        for minute in [0, 1, 58, 59] {
            let instant = Date(
                timeIntervalSince1970: TimeInterval(day.daysSinceEpoch * 86_400 + (hanoiHour - 7) * 3600 + minute * 60))
            let expected = "04/12/2026 \(hanoiHour < 10 ? "0" : "")\(hanoiHour):\(minute < 10 ? "0" : "")\(minute)"
            #expect(WebPages.dateTime(instant) == expected)
            #expect(WebPages.dateTime(instant) == HanoiTime.dateTime(instant))
        }
        #expect(WebPages.date(day) == "04/12/2026")
    }
}

/// The refusals the model added for issue 13 read as sentences on the pages, in both languages.
@Suite("Page messages of the issue-13 validation codes")
struct ModelMessageTests {
    @Test func eachNewValidationCodeHasAVietnameseAndAnEnglishMessage() {
        let codes: [ValidationCode] = [
            .countryUnknown, .nationalityTokenMismatch, .residenceProvinceAbroad, .licenceClassRequired,
            .licenceClassUnknown,
            .licenceClassNotApplicable,
        ]
        for code in codes {
            let pair = PageText.catalogue["validation.\(code.rawValue)"]
            #expect(
                pair?.count == 2 && pair?.allSatisfy { !$0.isEmpty } == true,
                "messages.json lacks validation.\(code.rawValue)")
        }
    }
}
