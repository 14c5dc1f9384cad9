import CivicSealApp
import CivicSealServiceTestSupport
import CivicSealTestSupport
import Foundation
import Testing

@testable import CivicSealPages

/// Issue #13, the citizen's pages on a live service, as a browser without JavaScript uses them: rows added by a
/// submit button, the request page showing what was sent and the processing time with its reasons, form 2 without
/// the form-1 box, a refused nationality, the link to the open request, the list naming form and purpose.
@Suite("Live pages: what the citizen sends and sees")
struct CitizenPagesTests {
    /// The criminal-record form with `rows` as (from, to, address, country, province, occupation).
    static func form(key: String, formNumber: String = "1", nationality: String = "VN", rows: [[String]]) -> [(
        String, String
    )] {
        var fields = WebPagesTests.criminalRecordForm(key: key, purpose: "Xin việc", phone: "0987654321", rows: [])
        fields.removeAll { $0.0 == "residenceRows" || $0.0 == "request.form" || $0.0 == "particulars.nationality" }
        fields += [
            ("request.form", formNumber), ("particulars.nationality", nationality),
            ("residenceRows", String(rows.count)),
        ]
        for (index, row) in rows.enumerated() {
            for (part, value) in zip(CitizenForm.rowParts, row) {
                fields.append(("residenceHistory[\(index)].\(part)", value))
            }
        }
        return fields
    }

    static func blankForm(_ browser: Browser) async throws -> (csrf: String, key: String) {
        let page = try await browser.get("/citizen/requests/new?kind=criminal-record")
        #expect(page.status == 200, "\(page)")
        return (try #require(page.csrf), try #require(page.firstMatch(#"name="idempotencyKey" value="([^"]+)""#)))
    }

    @Test("\"Add a row\" brings the form back with one more numbered row, everything typed kept, nothing stored")
    func addRowWithoutJavaScript() async throws {
        try await withLiveService { live in
            let person = Person.man(81)
            let browser = try await PageFlowTests.signedInCitizen(live, person)
            let (csrf, key) = try await Self.blankForm(browser)
            let fields = Self.form(
                key: key,
                rows: [["02/03/1999", "", "45 Lê Lợi", "VN", "079", "Học sinh"], ["", "", "", "VN", "", ""]])
            let page = try await browser.post("/citizen/requests", [("csrf", csrf), ("action", "add-row")] + fields)
            #expect(page.status == 200, "\(page)")
            #expect(
                page.allMatches(#"<fieldset class="form-row">\s*<legend>([^<]+)</legend>"#) == [
                    "Nơi cư trú 1", "Nơi cư trú 2", "Nơi cư trú 3",
                ])
            #expect(page.firstMatch(#"name="residenceRows" value="(\d+)""#) == "3")
            #expect(
                page.inputValue(id: "f-residenceHistory-0--from") == "02/03/1999"
                    && page.inputValue(id: "f-residenceHistory-0--address") == "45 Lê Lợi")
            #expect(
                page.firstMatch(#"<input[^>]*id="f-residenceHistory-2--from"[^>]*( autofocus)"#) != nil,
                "the new row has the focus")
            #expect(!page.text.contains("error-summary"), "nothing was validated")
            #expect(page.firstMatch(#"name="idempotencyKey" value="([^"]+)""#) == key, "the same form, the same key")
            let none = try await live.client.get("/v1/requests", token: try live.token(for: person))
            #expect((none.json["items"] as? [[String: Any]])?.isEmpty == true, "nothing stored: \(none)")
        }
    }

    @Test(
        "the language switch posts a form page: it returns in the other language with all typed, nothing stored"
    )
    func languageSwitchKeepsTheForm() async throws {
        try await withLiveService { live in
            let person = Person.man(83)
            let browser = try await PageFlowTests.signedInCitizen(live, person)
            let (csrf, key) = try await Self.blankForm(browser)
            #expect(
                try await browser.get("/citizen/requests/new?kind=criminal-record").firstMatch(
                    #"<button type="submit" form="(request-form)" name="action" value="switch-language""#)
                    == "request-form",
                "on a form page the switch is a button of the form")
            let fields = Self.form(key: key, rows: [["02/03/1999", "", "45 Lê Lợi", "VN", "079", "Học sinh"]])
            let page = try await browser.post(
                "/citizen/requests", [("csrf", csrf), ("action", "switch-language")] + fields)
            #expect(page.status == 200, "\(page)")
            #expect(page.firstMatch(#"<html lang="([a-z]+)""#) == "en", "the form comes back in English")
            let cookies = page.headers.filter { $0.name.lowercased() == "set-cookie" }.map(\.value)
            #expect(cookies.contains { $0.contains("lang=en") }, "the choice is remembered: \(cookies)")
            #expect(page.inputValue(id: "f-residenceHistory-0--address") == "45 Lê Lợi", "what was typed is kept")
            #expect(page.firstMatch(#"name="idempotencyKey" value="([^"]+)""#) == key, "the same form, the same key")
            #expect(!page.text.contains("error-summary"), "nothing was validated")
            let none = try await live.client.get("/v1/requests", token: try live.token(for: person))
            #expect((none.json["items"] as? [[String: Any]])?.isEmpty == true, "nothing stored: \(none)")
        }
    }

    @Test(
        "Hồ Chí Minh City then Tokyo: 15 working days and why, each row's place; the list names form and purpose"
    )
    func complexityFromTheRows() async throws {
        try await withLiveService { live in
            let person = Person.man(82)
            let browser = try await PageFlowTests.signedInCitizen(live, person)
            let (csrf, key) = try await Self.blankForm(browser)
            let fields = Self.form(
                key: key,
                rows: [
                    ["02/03/1999", "31/12/2015", "45 Lê Lợi", "VN", "079", "Học sinh"],
                    ["01/01/2016", "", "Shinjuku, Tokyo", "JP", "", "Kỹ sư"],
                ])
            let stored = try await browser.post("/citizen/requests", [("csrf", csrf)] + fields)
            #expect(stored.status == 303, "\(stored.status) \(stored.text.prefix(3000))")
            let location = try #require(stored.header("Location"))
            let page = try await browser.get(location)
            #expect(
                page.element(id: "processing-time")
                    == "\(PageText.vi("citizen-deadline")): 15 ngày làm việc: Đã cư trú ở nước ngoài")
            let rows = page.allMatches(#"<tr><td>\d+</td>(?:<td>[^<]*</td>){3}<td>([^<]*)</td>"#)
            #expect(rows == ["TP. Hồ Chí Minh, Việt Nam", "Nhật Bản"], "\(rows)")
            #expect(page.text.contains("<dd>Xin việc</dd>"), "the purpose as sent")
            let detail = try await live.client.get(
                "/v1/requests/\(location.split(separator: "/").last!)", token: try live.token(for: person))
            #expect(
                detail.text.contains(#""countryCode":"JP""#) || detail.text.contains(#""countryCode": "JP""#),
                "\(detail)")
            let list = try await browser.get("/citizen")
            #expect(list.text.contains("Phiếu số 1 – Xin việc"), "\(list)")

            // One province all along: the standard 10 working days.
            let (csrf2, key2) = try await Self.blankForm(browser)
            let simple = try await browser.post(
                "/citizen/requests",
                [("csrf", csrf2)]
                    + Self.form(
                        key: key2, formNumber: "2", rows: [["02/03/1999", "", "45 Lê Lợi", "VN", "079", "Học sinh"]]))
            #expect(simple.status == 303, "\(simple.status) \(simple.text.prefix(3000))")
            let simplePage = try await browser.get(try #require(simple.header("Location")))
            #expect(
                simplePage.element(id: "processing-time")
                    == "\(PageText.vi("citizen-deadline")): 10 ngày làm việc: trường hợp thông thường")
        }
    }

    @Test("form 2 posted without the form-1 bans box is accepted and states bans")
    func form2WithoutTheBox() async throws {
        try await withLiveService { live in
            let person = Person.man(83)
            let browser = try await PageFlowTests.signedInCitizen(live, person)
            let (csrf, key) = try await Self.blankForm(browser)
            let fields = Self.form(
                key: key, formNumber: "2", rows: [["02/03/1999", "", "45 Lê Lợi", "VN", "079", "Học sinh"]])
            #expect(!fields.contains { $0.0 == "request.statesBans" })
            let stored = try await browser.post("/citizen/requests", [("csrf", csrf)] + fields)
            #expect(stored.status == 303, "\(stored.status) \(stored.text.prefix(3000))")
            let page = try await browser.get(try #require(stored.header("Location")))
            #expect(page.text.contains("<dd>\(PageText.vi("citizen-bans-form2"))</dd>"), "\(page)")
        }
    }

    @Test("a nationality outside the list (\"Vi\", \"XX\") is refused next to the field and nothing is stored")
    func unknownNationality() async throws {
        try await withLiveService { live in
            let person = Person.man(84)
            let browser = try await PageFlowTests.signedInCitizen(live, person)
            for typed in ["Vi", "XX"] {
                let (csrf, key) = try await Self.blankForm(browser)
                let fields = Self.form(
                    key: key, nationality: typed, rows: [["02/03/1999", "", "45 Lê Lợi", "VN", "079", "Học sinh"]])
                let refused = try await browser.post("/citizen/requests", [("csrf", csrf)] + fields)
                #expect(refused.status == 200, "\(refused)")
                #expect(
                    refused.element(id: "f-particulars-nationality-error") == PageText.vi("citizen-country-unknown"),
                    "\(typed)")
            }
            let none = try await live.client.get("/v1/requests", token: try live.token(for: person))
            #expect((none.json["items"] as? [[String: Any]])?.isEmpty == true, "nothing stored: \(none)")
        }
    }

    @Test("a second form 1 while one is open is refused with a link to the open request")
    func duplicateLinksToTheOpenRequest() async throws {
        try await withLiveService { live in
            let person = Person.man(85)
            let submitted = try await live.client.post(
                "/v1/requests", token: try live.token(for: person), json: Bodies.criminalRecord())
            let id = try #require(submitted.json["id"] as? String, "\(submitted)")
            let browser = try await PageFlowTests.signedInCitizen(live, person)
            let (csrf, key) = try await Self.blankForm(browser)
            let refused = try await browser.post(
                "/citizen/requests",
                [("csrf", csrf)]
                    + Self.form(key: key, rows: [["02/03/1999", "", "45 Lê Lợi", "VN", "079", "Học sinh"]]))
            #expect(refused.status == 200, "\(refused)")
            #expect(
                refused.text.contains(#"<a href="/citizen/requests/\#(id)" id="open-request">"#),
                "\(refused.text.prefix(3000))")
        }
    }

    @Test(
        "a request waiting for the citizen: supplementing is the primary button; its form repeats the officer"
    )
    func supplementRepeatsTheOfficer() async throws {
        try await withLiveService { live in
            let person = Person.man(86)
            let (id, officer, csrf, version) = try await PageFlowTests.claimed(live, person)
            let asked = "Bổ sung giấy xác nhận cư trú"
            _ = try await officer.post(
                "/officer/requests/\(id)/request-info", [("csrf", csrf), ("version", version), ("info.reason", asked)])
            let citizen = try await PageFlowTests.signedInCitizen(live, person)
            let page = try await citizen.get("/citizen/requests/\(id)")
            #expect(
                page.text.contains(#"<a class="button" href="/citizen/requests/\#(id)/supplement" id="answer">"#),
                "\(page)")
            let form = try await citizen.get("/citizen/requests/\(id)/supplement")
            #expect(form.element(id: "officer-message")?.contains(asked) == true, "\(form)")
        }
    }

    @Test(
        "health form: a driver's certificate needs a licence class, other types refuse one, each next to the field"
    )
    func licenceClassOnlyForDriving() async throws {
        try await withLiveService { live in
            let person = Person.man(87)
            let browser = try await PageFlowTests.signedInCitizen(live, person)
            let residence = ("particulars.currentResidence.line", "12 Phố Huế, Hà Nội")
            let blank = try await browser.get("/citizen/requests/new?kind=health-certificate")
            #expect(
                blank.firstMatch(#"<select id="f-request-licenceClass"[^>]*>(<option value="" selected>)"#) != nil,
                "no class chosen: \(blank)")
            let cases: [(type: String, licence: String, message: String)] = [
                ("driving-licence", "", "validation.healthCertificate.licence-class-required"),
                ("employment", "B", "validation.healthCertificate.licence-class-not-applicable"),
            ]
            for item in cases {
                let form = try await browser.get("/citizen/requests/new?kind=health-certificate")
                let key = try #require(form.firstMatch(#"name="idempotencyKey" value="([^"]+)""#))
                let refused = try await browser.post(
                    "/citizen/requests",
                    [
                        ("csrf", try #require(form.csrf)), ("kind", "health-certificate"), ("idempotencyKey", key),
                        ("request.certificateType", item.type), ("request.licenceClass", item.licence),
                        ("request.purpose", ""), residence,
                    ]
                        + PageFlowTests.contact)
                #expect(refused.status == 200, "\(item.type): \(refused)")
                #expect(
                    refused.element(id: "f-request-licenceClass-error") == PageText.vi(item.message),
                    "\(item.type): \(refused.text.prefix(3000))")
            }
            let none = try await live.client.get("/v1/requests", token: try live.token(for: person))
            #expect((none.json["items"] as? [[String: Any]])?.isEmpty == true, "nothing stored: \(none)")
        }
    }
}
