import CivicSealServiceTestSupport
import Foundation
import Testing

/// Who is signed in is resolved once per request, before a page's handler runs, and handed to it as a typed
/// principal: a citizen's pages only ever see a citizen, an officer's only an officer. What a visitor sees when they
/// are not the principal a page needs.
@Suite("Live pages: the signed-in principal of a request")
struct SignedInContextTests {
    /// Every citizen page that needs a signed-in citizen, for request `id`.
    static func citizenPages(_ id: String) -> [String] {
        [
            "/citizen", "/citizen/requests/new?kind=criminal-record", "/citizen/requests/\(id)",
            "/citizen/requests/\(id)/supplement", "/citizen/requests/\(id)/cancel", "/citizen/requests/\(id)/document",
        ]
    }

    /// Every officer page that needs a signed-in officer, for request `id`.
    static func officerPages(_ id: String) -> [String] { ["/officer/queue", "/officer/requests/\(id)"] }

    /// A criminal-record request by ``Person/man(_:)`` `number`, through the API: its id and the citizen's token.
    static func submitted(_ live: LiveService, _ number: Int) async throws -> (id: String, token: String) {
        let token = try live.token(for: .man(number))
        let response = try await live.client.post("/v1/requests", token: token, json: Bodies.criminalRecord())
        return (try #require(response.json["id"] as? String, "\(response)"), token)
    }

    @Test("a signed-out visitor of a citizen or officer page is sent to that side's sign-in form")
    func signedOutVisitorGetsTheSignInPage() async throws {
        try await withLiveService { live in
            let (id, _) = try await Self.submitted(live, 70)
            let visitor = Browser(live)
            for (pages, signIn) in [
                (Self.citizenPages(id), "/citizen/sign-in"), (Self.officerPages(id), "/officer/sign-in"),
            ] {
                for path in pages {
                    let response = try await visitor.get(path)
                    #expect(response.status == 303 && response.header("Location") == signIn, "\(path): \(response)")
                }
                let form = try await visitor.get(signIn)
                #expect(
                    form.status == 200 && form.element(id: "sign-in") == PageText.vi("sign-in-national-identity"),
                    "\(form)")
            }
        }
    }

    @Test("an officer's session reaches no citizen page or form; the citizen sign-in names the officer; nothing stored")
    func officerSessionCannotReachCitizenPages() async throws {
        try await withLiveService { live in
            let (id, _) = try await Self.submitted(live, 71)
            let officer = Browser(live)
            #expect(
                try await officer.signIn("/officer/sign-in", token: try live.token(for: .justiceOfficer)).status == 303)
            let queue = try await officer.get("/officer/queue")
            #expect(WebPagesTests.queueRows(queue) == [id], "\(queue)")
            for path in Self.citizenPages(id) {
                let response = try await officer.get(path)
                #expect(response.status == 303 && response.header("Location") == "/citizen/sign-in", "\(path)")
            }
            // A citizen's form posted with the officer's own valid CSRF token: no citizen, no request.
            let csrf = try #require(queue.csrf)
            let posted = try await officer.post(
                "/citizen/requests",
                [("csrf", csrf)]
                    + WebPagesTests.criminalRecordForm(
                        key: "officer-post", purpose: "Xin việc", phone: "0987654321", rows: WebPagesTests.validRows))
            #expect(posted.status == 303 && posted.header("Location") == "/citizen/sign-in", "\(posted)")
            for action in ["cancel", "supplement"] {
                let response = try await officer.post(
                    "/citizen/requests/\(id)/\(action)", [("csrf", csrf), ("confirm", "yes")])
                #expect(response.header("Location") == "/citizen/sign-in", "\(action): \(response)")
            }
            // The sign-in page says who they are signed in as rather than signing them out.
            let notice = try await officer.get("/citizen/sign-in")
            #expect(notice.status == 200 && notice.text.contains(StaffMember.justiceOfficer.name), "\(notice)")
            #expect(notice.element(id: "sign-in") == nil)
            // Still an officer; the queue holds the one request, still submitted.
            let after = try await officer.get("/officer/queue")
            #expect(after.status == 200 && WebPagesTests.queueRows(after) == [id], "\(after)")
        }
    }

    @Test(
        "a citizen's session reaches no officer page or action; the request is untouched, the citizen signed in"
    )
    func citizenSessionCannotReachOfficerPages() async throws {
        try await withLiveService { live in
            let (id, token) = try await Self.submitted(live, 72)
            let citizen = Browser(live)
            #expect(try await citizen.signIn("/citizen/sign-in", token: token).status == 303)
            let home = try await citizen.get("/citizen")
            #expect(home.status == 200, "\(home)")
            for path in Self.officerPages(id) {
                let response = try await citizen.get(path)
                #expect(response.status == 303 && response.header("Location") == "/officer/sign-in", "\(path)")
            }
            let csrf = try #require(home.csrf)
            for action in ["claim", "reject", "set-complexity", "revoke-confirm"] {
                let response = try await citizen.post(
                    "/officer/requests/\(id)/\(action)", [("csrf", csrf), ("reject.reason", "x"), ("version", "1")])
                #expect(response.header("Location") == "/officer/sign-in", "\(action): \(response)")
            }
            let stored = try await live.client.get("/v1/requests/\(id)", token: token)
            #expect((stored.json["request"] as? [String: Any])?["status"] as? String == "submitted", "\(stored)")
            #expect(try await citizen.get("/citizen/requests/\(id)").status == 200, "the citizen is still signed in")
        }
    }
}
