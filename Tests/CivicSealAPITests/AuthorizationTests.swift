import CivicSealServiceTestSupport
import Foundation
import Testing

/// Who may do what: citizens see their own data only, officers their own department only, and existence of a
/// request is never disclosed to someone who may not see it (404, not 403).
@Suite("Live API: authorization rules")
struct AuthorizationTests {
    /// Submits a criminal-record request for `person` and returns its id.
    static func submit(_ live: LiveService, _ person: Person, body: String = Bodies.criminalRecord()) async throws
        -> String
    {
        let response = try await live.client.post("/v1/requests", token: try live.token(for: person), json: body)
        guard response.status == 201, let id = response.json["id"] as? String else {
            throw ClientError(description: "submission failed: \(response)")
        }
        return id
    }

    @Test("a citizen asking for, supplementing or cancelling another person's request gets 404, not 403")
    func otherCitizensRequestIsNotFound() async throws {
        try await withLiveService { live in
            let id = try await Self.submit(live, .man(20))
            let stranger = try live.token(for: .man(21))
            let detail = try await live.client.get("/v1/requests/\(id)", token: stranger)
            let supplement = try await live.client.post(
                "/v1/requests/\(id)/supplement", token: stranger, json: Bodies.criminalRecord())
            let cancel = try await live.client.post("/v1/requests/\(id)/cancel", token: stranger, json: "")
            for response in [detail, supplement, cancel] {
                #expect(response.status == 404, "\(response)")
                #expect(response.header("Content-Type") == "application/problem+json")
            }
            // The owner still sees it, untouched.
            let own = try await live.client.get("/v1/requests/\(id)", token: try live.token(for: .man(20)))
            #expect((own.json["request"] as? [String: Any])?["status"] as? String == "submitted", "\(own)")
            // And an id that does not exist answers exactly like someone else's.
            let missing = try await live.client.get(
                "/v1/requests/\(String(repeating: "ab", count: 16))", token: stranger)
            #expect(missing.status == 404)
            #expect(missing.text == detail.text)
        }
    }

    @Test("an officer of another department gets 404 for a request's detail, claim and decision")
    func otherDepartmentOfficerGetsNotFound() async throws {
        try await withLiveService { live in
            let id = try await Self.submit(live, .man(22))
            let healthOfficer = try live.token(for: .healthOfficer)
            let detail = try await live.client.get("/v1/requests/\(id)", token: healthOfficer)
            let claim = try await live.client.post("/v1/requests/\(id)/claim", token: healthOfficer, json: "")
            let approve = try await live.client.post(
                "/v1/requests/\(id)/decision", token: healthOfficer, json: Bodies.noConviction)
            let reject = try await live.client.post(
                "/v1/requests/\(id)/decision", token: healthOfficer, json: #"{"decision": "reject", "reason": "x"}"#)
            for response in [detail, claim, approve, reject] { #expect(response.status == 404, "\(response)") }
            // The request is still waiting for its own department.
            let queue = try await live.client.get(
                "/v1/queues/justice-hanoi", token: try live.token(for: .justiceOfficer))
            #expect((queue.json["items"] as? [[String: Any]] ?? []).contains { $0["id"] as? String == id })
        }
    }

    @Test("an officer asking for another department's queue gets 404")
    func otherDepartmentQueueIsNotFound() async throws {
        try await withLiveService { live in
            let response = try await live.client.get(
                "/v1/queues/justice-hanoi", token: try live.token(for: .healthOfficer))
            #expect(response.status == 404, "\(response)")
            let own = try await live.client.get("/v1/queues/health-hanoi", token: try live.token(for: .healthOfficer))
            #expect(own.status == 200, "\(own)")
        }
    }

    @Test("a staff token on citizen routes is refused with 403")
    func staffTokenOnCitizenRouteIsForbidden() async throws {
        try await withLiveService { live in
            let officer = try live.token(for: .justiceOfficer)
            let submit = try await live.client.post("/v1/requests", token: officer, json: Bodies.criminalRecord())
            let list = try await live.client.get("/v1/requests", token: officer)
            let book = try await live.client.get("/v1/health-book", token: officer)
            for response in [submit, list, book] {
                #expect(response.status == 403, "\(response)")
                #expect(response.header("WWW-Authenticate")?.contains("insufficient_scope") == true)
            }
        }
    }

    @Test("a citizen token on officer routes is refused with 403")
    func citizenTokenOnOfficerRoutesIsForbidden() async throws {
        try await withLiveService { live in
            let id = try await Self.submit(live, .man(23))
            let citizen = try live.token(for: .man(23))
            let queue = try await live.client.get("/v1/queues/justice-hanoi", token: citizen)
            let claim = try await live.client.post("/v1/requests/\(id)/claim", token: citizen, json: "")
            let decide = try await live.client.post(
                "/v1/requests/\(id)/decision", token: citizen, json: Bodies.noConviction)
            let entry = try await live.client.post(
                "/v1/health-books/079085000023/entries", token: citizen, json: Bodies.vaccination)
            for response in [queue, claim, decide, entry] { #expect(response.status == 403, "\(response)") }
            let own = try await live.client.get("/v1/requests/\(id)", token: citizen)
            #expect((own.json["request"] as? [String: Any])?["status"] as? String == "submitted")
        }
    }

    @Test("a clinician records health-book entries; each citizen reads only their own health book")
    func clinicianRecordsAndCitizenReadsOwnHealthBook() async throws {
        try await withLiveService { live in
            let patient = Person.man(24)
            let recorded = try await live.client.post(
                "/v1/health-books/\(patient.personalID)/entries", token: try live.token(for: .clinician),
                json: Bodies.vaccination)
            #expect(recorded.status == 201, "\(recorded)")

            let own = try await live.client.get("/v1/health-book", token: try live.token(for: patient))
            #expect(own.status == 200, "\(own)")
            let entries = own.json["entries"] as? [[String: Any]] ?? []
            #expect(entries.count == 1, "\(own)")
            #expect(entries.first?["vaccine"] as? String == "Vaxigrip Tetra")

            let other = try await live.client.get("/v1/health-book", token: try live.token(for: .man(25)))
            #expect(other.status == 200)
            #expect((other.json["entries"] as? [Any])?.isEmpty == true, "\(other)")
            #expect(!other.text.contains("Vaxigrip"))
        }
    }

    @Test("officers (justice or health) cannot record health-book entries: 403")
    func officerCannotRecordHealthEntries() async throws {
        try await withLiveService { live in
            for staff in [StaffMember.healthOfficer, .justiceOfficer] {
                let response = try await live.client.post(
                    "/v1/health-books/079085000026/entries", token: try live.token(for: staff), json: Bodies.vaccination
                )
                #expect(response.status == 403, "\(response)")
            }
            let book = try await live.client.get("/v1/health-book", token: try live.token(for: .man(26)))
            #expect((book.json["entries"] as? [Any])?.isEmpty == true, "\(book)")
        }
    }

    @Test("a clinician is not an officer: no queue, no claim")
    func clinicianIsNotAnOfficer() async throws {
        try await withLiveService { live in
            let id = try await Self.submit(live, .man(27), body: Bodies.healthCertificate)
            let clinician = try live.token(for: .clinician)
            let queue = try await live.client.get("/v1/queues/health-hanoi", token: clinician)
            let claim = try await live.client.post("/v1/requests/\(id)/claim", token: clinician, json: "")
            #expect(queue.status == 403, "\(queue)")
            #expect(claim.status == 403, "\(claim)")
        }
    }

    @Test("approving a request nobody has claimed is refused with 409 and the request stays submitted")
    func approvingUnclaimedRequestIsRefused() async throws {
        try await withLiveService { live in
            let id = try await Self.submit(live, .man(28))
            let officer = try live.token(for: .justiceOfficer)
            let approve = try await live.client.post(
                "/v1/requests/\(id)/decision", token: officer, json: Bodies.noConviction)
            #expect(approve.status == 409, "\(approve)")
            #expect((approve.json["type"] as? String)?.hasSuffix("/transition-not-allowed") == true, "\(approve)")
            let detail = try await live.client.get("/v1/requests/\(id)", token: officer)
            #expect((detail.json["request"] as? [String: Any])?["status"] as? String == "submitted")
        }
    }

    @Test("a colleague of the same department cannot claim or decide a request another officer has claimed")
    func colleagueCannotDecideClaimedRequest() async throws {
        try await withLiveService { live in
            let id = try await Self.submit(live, .man(29))
            let officer = try live.token(for: .justiceOfficer)
            let colleague = try live.token(for: .justiceColleague)
            #expect(try await live.client.post("/v1/requests/\(id)/claim", token: officer, json: "").status == 200)

            let claimAgain = try await live.client.post("/v1/requests/\(id)/claim", token: colleague, json: "")
            let approve = try await live.client.post(
                "/v1/requests/\(id)/decision", token: colleague, json: Bodies.noConviction)
            let reject = try await live.client.post(
                "/v1/requests/\(id)/decision", token: colleague,
                json: #"{"decision": "reject", "reason": "Không đủ điều kiện"}"#)
            for response in [claimAgain, approve, reject] {
                #expect(response.status == 409 || response.status == 403, "\(response)")
            }
            let detail = try await live.client.get("/v1/requests/\(id)", token: colleague)
            #expect((detail.json["request"] as? [String: Any])?["status"] as? String == "in_review", "\(detail)")
            // The officer who claimed it still can.
            #expect(
                try await live.client.post("/v1/requests/\(id)/decision", token: officer, json: Bodies.noConviction)
                    .status == 200)
        }
    }
}
