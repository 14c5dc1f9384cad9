import CivicSealApp
import CivicSealDocuments
import CivicSealRecords
import CivicSealServiceTestSupport
import CivicSealTestSupport
import CivicSealWebKit
import CivicSealWorkflow
import Foundation
import Testing

@testable import CivicSealPages

/// The pages' languages and their catalogue: the switch, every template key in both languages.
@Suite("Live pages: languages, templates and messages")
struct WebPagesCatalogueTests {
    // MARK: Languages

    @Test("the language switch sets a cookie and goes back to a local path only; the page is then in English")
    func languageSwitch() async throws {
        try await withLiveService { live in
            let browser = Browser(live)
            let vietnamese = try await browser.get("/verify")
            #expect(vietnamese.text.contains(#"<html lang="vi">"#))
            #expect(vietnamese.text.contains(#"href="/language/en?next=/verify""#), "the switch link comes back here")
            let switched = try await browser.get("/language/en?next=/verify")
            #expect(switched.status == 303 && switched.header("Location") == "/verify", "\(switched)")
            let cookie = try #require(switched.setCookies.first { $0.name == "civicseal_lang" })
            #expect(
                cookie.value == "en" && cookie.attributes["path"] == "/" && cookie.attributes["samesite"] == "Strict")
            #expect(!cookie.has("Secure"), "loopback")
            let english = try await browser.get("/verify")
            #expect(english.text.contains(#"<html lang="en">"#), "\(english.text.prefix(200))")
            #expect(
                english.text.contains(PageText.en("verify-title"))
                    && !english.text.contains(PageText.vi("verify-title")))
            #expect(english.text.contains(#"href="/language/vi?next=/verify""#))
            let back = try await browser.get("/language/vi?next=/verify")
            #expect(back.header("Location") == "/verify")
            #expect(try await browser.get("/verify").text.contains(#"<html lang="vi">"#))

            for next in [
                "//evil.example", "https://evil", "https:%2F%2Fevil", "%2F%2Fevil.example", "/%5Cevil.example",
                "javascript:alert(1)", "", "evil", "/ok%0d%0aSet-Cookie:%20x=1",
            ] {
                let response = try await Browser(live).get("/language/en?next=\(next)")
                #expect(
                    response.status == 303 && response.header("Location") == "/", "next=\(next): \(response.headers)")
            }
            #expect(try await Browser(live).get("/language/en").header("Location") == "/")
            #expect(try await Browser(live).get("/language/fr?next=/verify").status == 404)
        }
    }

    // MARK: Templates and messages

    @Test(
        "a message written twice in messages.json is refused at load, naming it, instead of one copy silently winning")
    func duplicateMessageKeyIsRefused() throws {
        let folder = TemporaryDirectory("civicseal-messages")
        let file = try folder.write(
            "messages.json", text: #"{"a": ["Một", "One"], "b": ["Hai", "Two"], "a": ["Ba", "Three"]}"#)
        #expect(throws: WebMessages.LoadError.self) { try WebMessages(file: file) }
        do {
            _ = try WebMessages(file: file)
        } catch {
            #expect(error.description.contains("duplicate") && error.description.contains("a"), "\(error.description)")
        }
        let good = try folder.write("good.json", text: #"{"a": ["Một", "One"]}"#)
        #expect(try WebMessages(file: good).lookup("a", .english) == "One")
        // The repository's catalogue loads under the same rule.
        _ = try WebMessages(file: PageText.directory + "/messages.json")
    }

    @Test("every {{@key}} of Templates/web exists in messages.json in Vietnamese and English")
    func templateKeysHaveBothLanguages() throws {
        let directory = PageText.directory
        let files = try FileManager.default.contentsOfDirectory(atPath: directory).filter { $0.hasSuffix(".html") }
            .sorted()
        #expect(files.count >= 10, "\(files)")
        let pattern = try NSRegularExpression(pattern: #"\{\{\s*@\s*([^}\s]+)\s*\}\}"#)
        var used: Set<String> = []
        for file in files {
            let text = try String(contentsOfFile: "\(directory)/\(file)", encoding: .utf8)
            for match in pattern.matches(in: text, range: NSRange(text.startIndex..., in: text)) {
                guard let range = Range(match.range(at: 1), in: text) else { continue }
                let key = String(text[range])
                used.insert(key)
                let pair = PageText.catalogue[key]
                #expect(pair?.count == 2, "\(file): {{@\(key)}} is not in messages.json as [vi, en]")
                #expect(
                    pair?.allSatisfy { !$0.trimmingCharacters(in: .whitespaces).isEmpty } == true,
                    "\(file): \(key) has an empty text")
            }
        }
        #expect(used.count > 100, "the scan found the keys (\(used.count))")
        #expect(PageText.catalogue.values.allSatisfy { $0.count == 2 }, "every entry is [vi, en]")
    }

    @Test(
        "every template renders in both languages, each section open and closed; keys built in code exist"
    )
    func everyTemplateRenders() throws {
        let site = try WebSite(configuration: WebConfiguration(directory: PageText.directory, secureCookies: false))
        let names = site.templates.names
        #expect(names.contains("layout") && names.contains("officer-queue") && names.contains("document"), "\(names)")
        // Every name any tag mentions, set to true: sections open (partials included), variables print "true".
        var tagged: Set<String> = []
        let pattern = try NSRegularExpression(pattern: #"\{\{\{?\s*[#^/]?\s*([A-Za-z_][A-Za-z0-9_-]*)"#)
        for name in names {
            let text = try String(contentsOfFile: "\(PageText.directory)/\(name).html", encoding: .utf8)
            for match in pattern.matches(in: text, range: NSRange(text.startIndex..., in: text)) {
                if let range = Range(match.range(at: 1), in: text) { tagged.insert(String(text[range])) }
            }
        }
        let open = TemplateValue.object(Dictionary(uniqueKeysWithValues: tagged.map { ($0, TemplateValue.bool(true)) }))
        for language in WebLanguage.allCases {
            for name in names {
                for context in [open, TemplateValue.object([:])] {
                    do {
                        let html = try site.templates.render(
                            name, context, messages: { site.messages.lookup($0, language) })
                        #expect(!html.isEmpty, "\(name) rendered nothing")
                    } catch {
                        Issue.record("\(name) (\(language.rawValue)): \(error)")
                    }
                }
            }
        }
        // Keys the page code builds from values (kinds, states, roles…) rather than writing them in a template.
        var built: [String] = []
        built +=
            RequestKind.allCases.map { "kind-\($0.rawValue)" } + RequestState.allCases.map { "state-\($0.rawValue)" }
        built += ParticipantRole.allCases.map { "role-\($0.rawValue)" } + Sex.allCases.map { "sex-\($0.rawValue)" }
        built += LifecycleAction.allCases.map { "action-name-\($0.rawValue)" } + ["action-name-submit"]
        built += HealthBookSection.allCases.map { "section-\($0.rawValue)" }
        built += DeliveryChoice.Method.allCases.map { "delivery-\($0.rawValue)" }
        built += ValidationPolicy().healthCertificateTypes.map { "certificate-\($0)" }
        built += ["valid", "invalid", "revoked", "basic"].flatMap { ["verdict-\($0)", "verdict-\($0)-text"] }
        built += ["officer", "seal", "document-timestamp"].map { "signature-role-\($0)" }
        built += [
            "structure", "byte-range", "allowed-updates", "digest", "signature", "signing-certificate", "chain",
            "validity-at-signing-time", "key-usage", "timestamp", "revocation-at-signing-time", "long-term",
            "officer-signature", "seal-signature", "registered", "hash-matches", "not-revoked",
        ].flatMap { ["verify-check-\($0)-pass", "verify-check-\($0)-fail", "verify-check-\($0)-what"] }
        built += ["status-valid", "status-revoked", "form-1", "form-2"]
        built += RevocationReason.allCases.map { "revocation-\($0.rawValue)" }
        for key in built {
            for language in WebLanguage.allCases {
                #expect(site.messages.lookup(key, language) != nil, "messages.json lacks \(key)")
            }
        }
    }
}
