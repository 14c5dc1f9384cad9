import CivicSealApp
import CivicSealCrypto
import CivicSealIdentity
import CivicSealRecords
import CivicSealServiceTestSupport
import CivicSealTestSupport
import CivicSealWorkflow
import Foundation
import Synchronization
import Testing

@testable import CivicSealAPI

/// Finding 7 of issue #12: one authorization policy. Every staff role × endpoint × department × kind of request is
/// walked over the live API (and the officer pages), and the status a user sees is compared with an expectation
/// table written here, independently of ``AuthorizationPolicy``; the policy's own table is checked against it too.
@Suite("Authorization policy: every role × endpoint × department × kind")
struct AuthorizationPolicyTests {
    enum Endpoint: String, CaseIterable, Sendable {
        case queue, view, claim, approve
        case requestInfo = "request-info"
        case reject, revoke
        case healthEntry = "health-entry"
    }

    // MARK: The expectation table (written independently of the policy)

    static let roles = ["justice.officer", "health.officer", "justice.revoker", "health.revoker", "health.clinician"]
    static let departments = ["justice-hanoi", "health-hanoi"]
    static let kinds = ["criminal-record", "health-certificate", "health-book-extract"]
    /// Where the default configuration routes each kind.
    static let home = [
        "criminal-record": "justice-hanoi", "health-certificate": "health-hanoi", "health-book-extract": "health-hanoi",
    ]
    /// What each role may do, on which kinds.
    static let may: [String: (endpoints: Set<Endpoint>, kinds: Set<String>)] = [
        "justice.officer": ([.queue, .view, .claim, .approve, .requestInfo, .reject], ["criminal-record"]),
        "health.officer": (
            [.queue, .view, .claim, .approve, .requestInfo, .reject], ["health-certificate", "health-book-extract"]
        ),
        "justice.revoker": ([.queue, .view, .revoke], ["criminal-record"]),
        "health.revoker": ([.queue, .view, .revoke], ["health-certificate", "health-book-extract"]),
        "health.clinician": ([.healthEntry], []),
    ]

    /// The status a staff member with `role` of `department` sees at `endpoint` for a request of `kind`.
    static func expectedStatus(_ role: String, _ department: String, _ kind: String, _ endpoint: Endpoint) -> Int {
        let grant = may[role]!
        if endpoint == .healthEntry { return grant.endpoints.contains(.healthEntry) ? 201 : 403 }
        guard grant.endpoints.contains(endpoint) else { return 403 }
        if endpoint == .queue {
            let handled = Set(kinds.filter { home[$0] == department })
            return grant.kinds.isDisjoint(with: handled) ? 403 : 200
        }
        guard home[kind] == department else { return 404 }
        return grant.kinds.contains(kind) ? 200 : 403
    }

    static let actions: [Endpoint: StaffAction] = [
        .queue: .viewQueue, .view: .viewRequest, .claim: .claim, .approve: .approve, .requestInfo: .requestInfo,
        .reject: .reject,
        .revoke: .revoke, .healthEntry: .recordHealthEntry,
    ]

    @Test(
        "the policy grants exactly what the expectation table says, role by role, action by action, kind by kind"
    )
    func policyTableMatchesTheExpectations() throws {
        let policy = AuthorizationPolicy.standard
        #expect(Set(StaffRole.allCases.map(\.rawValue)) == Set(Self.roles), "every role is in the expectation table")
        for roleName in Self.roles {
            let role = try #require(StaffRole(rawValue: roleName))
            for endpoint in Endpoint.allCases {
                let action = try #require(Self.actions[endpoint])
                let expected = Self.may[roleName]!.endpoints.contains(endpoint)
                #expect(policy.roles(for: action).contains(role) == expected, "\(roleName) \(endpoint)")
                for kindName in Self.kinds where endpoint != .healthEntry {
                    let kind = try #require(RequestKind(rawValue: kindName))
                    #expect(
                        policy.grants([role], action, on: kind)
                            == (expected && Self.may[roleName]!.kinds.contains(kindName)),
                        "\(roleName) \(endpoint) \(kindName)")
                }
            }
        }
    }

    // MARK: The live walk

    static func member(_ role: String, _ department: String) -> StaffMember {
        StaffMember(roles: [role], department: department, name: "Cán bộ \(role) \(department)")
    }

    /// The `sub` the development IdP gives this member (see `DevelopmentTokens`).
    static func subject(_ member: StaffMember) -> String {
        "dev-staff-" + Hex.encode(Digest.sha256(Array("staff:\(member.department):\(member.name)".utf8))).prefix(16)
    }

    static func body(_ kind: String) -> String {
        switch kind {
        case "criminal-record": Bodies.criminalRecord()
        case "health-certificate": DocumentTruthTests.healthBody
        default:
            """
            {"request": {"kind": "health-book-extract", "sections": ["vaccinations"]}, "relation": "self",
             "particulars": {"currentResidence": {"line": "12 Phố Huế, phường Hai Bà Trưng", "provinceCode": "001"}},
             "contact": {"phone": "0987654321"}, "copies": 1, "delivery": {"method": "electronic"}}
            """
        }
    }

    /// An approval the kind's document can be issued from: every fact the document prints is given.
    static func approval(_ kind: String) -> String {
        switch kind {
        case "criminal-record": Bodies.noConviction
        case "health-certificate": #"{"decision": "approve", "findings": \#(DocumentTruthTests.healthFindings)}"#
        default: #"{"decision": "approve", "findings": {"sections": ["vaccinations"]}}"#
        }
    }

    static func decisionBody(_ endpoint: Endpoint, kind: String) -> String {
        switch endpoint {
        case .approve: approval(kind)
        case .reject: #"{"decision": "reject", "reason": "Không đủ điều kiện"}"#
        default: #"{"decision": "request-info", "reason": "Bổ sung giấy tờ"}"#
        }
    }

    /// Submits a fresh request of `kind` for a new synthetic citizen.
    final class Requests: Sendable {
        let live: LiveService
        let next = Mutex(300)
        init(_ live: LiveService) { self.live = live }

        func submit(_ kind: String) async throws -> String {
            let number = next.withLock { value in
                value += 1
                return value
            }
            let response = try await live.client.post(
                "/v1/requests", token: try live.token(for: .man(number)), json: AuthorizationPolicyTests.body(kind))
            return try #require(response.json["id"] as? String, "submit \(kind): \(response)")
        }

        /// Submitted, then claimed by `member` straight in the store (whatever the policy says about them).
        func inReview(_ kind: String, by member: StaffMember) async throws -> String {
            let id = try await submit(kind)
            _ = try await live.service.store.claim(
                id, by: .officer(AuthorizationPolicyTests.subject(member), department: member.department), now: Date())
            return id
        }

        /// Claimed, approved and registered straight in the store, with a stand-in PDF (rendering and sealing are not
        /// what these tests are about, and would only load a busy machine); returns the document id. The services of
        /// these tests never sweep, so nothing else issues the approved request in between.
        func issued(_ kind: String) async throws -> String {
            let id = try await submit(kind)
            let department = AuthorizationPolicyTests.home[kind]!
            let officer = Participant.officer("issuing-officer", department: department)
            let store = live.service.store
            _ = try await store.claim(id, by: officer, now: Date())
            _ = try await store.decide(id, .approve(findingsJSON: "{}"), by: officer, now: Date())
            let documentID = DocumentID.generate()
            let zeros = String(repeating: "0", count: 64)
            _ = try await store.register(
                NewDocument(
                    documentID: documentID, requestID: id, kind: try #require(RequestKind(rawValue: kind)),
                    departmentID: department,
                    templateID: kind, templateVersion: "1", templateSHA256: zeros, recordJSON: "{}",
                    pdf: Array("%PDF-1.7".utf8),
                    signerCertificateSHA256: zeros, issuedAt: Date()),
                now: Date())
            return documentID
        }
    }

    /// No sweeper run after start: documents are registered by hand above.
    static func quiet(_ options: inout ServeOptions) { options.sweepInterval = .seconds(24 * 3600) }

    @Test(
        "over the API, each of 5 roles × 2 departments × 3 kinds × 8 endpoints gets the expected status",
        .timeLimit(.minutes(5)))
    func everyRoleEndpointDepartmentAndKind() async throws {
        try await withLiveService(configure: Self.quiet) { live in
            let requests = Requests(live)
            var shared: [String: (submitted: String, document: String)] = [:]
            for kind in Self.kinds { shared[kind] = (try await requests.submit(kind), try await requests.issued(kind)) }
            let patient = Person.man(299)
            var walked = 0
            for role in Self.roles {
                for department in Self.departments {
                    let member = Self.member(role, department)
                    let token = try live.token(for: member)
                    for kind in Self.kinds {
                        for endpoint in Endpoint.allCases {
                            let expected = Self.expectedStatus(role, department, kind, endpoint)
                            let allowed = (200..<300).contains(expected)
                            let response: ClientResponse
                            switch endpoint {
                            case .queue:
                                response = try await live.client.get("/v1/queues/\(department)", token: token)
                            case .view:
                                response = try await live.client.get(
                                    "/v1/requests/\(shared[kind]!.submitted)", token: token)
                            case .claim:
                                let id = allowed ? try await requests.submit(kind) : shared[kind]!.submitted
                                response = try await live.client.post(
                                    "/v1/requests/\(id)/claim", token: token, json: "")
                            case .approve, .requestInfo, .reject:
                                let id =
                                    allowed ? try await requests.inReview(kind, by: member) : shared[kind]!.submitted
                                response = try await live.client.post(
                                    "/v1/requests/\(id)/decision", token: token,
                                    json: Self.decisionBody(endpoint, kind: kind))
                            case .revoke:
                                let document = allowed ? try await requests.issued(kind) : shared[kind]!.document
                                response = try await live.client.post(
                                    "/v1/documents/\(document)/revoke", token: token,
                                    json: #"{"reasonCode": "issued-in-error", "reason": "Cấp nhầm"}"#)
                            case .healthEntry:
                                response = try await live.client.post(
                                    "/v1/health-books/\(patient.personalID)/entries", token: token,
                                    json: Bodies.vaccination)
                            }
                            #expect(
                                response.status == expected,
                                "\(role) of \(department), \(kind), \(endpoint.rawValue): \(response)")
                            walked += 1
                        }
                    }
                }
            }
            #expect(walked == 5 * 2 * 3 * 8)
            // Nothing refused changed anything: the shared requests are as they were.
            for kind in Self.kinds {
                let citizenView = try live.service.store.documentEntry(id: shared[kind]!.document)
                #expect(citizenView?.status == .valid, "\(kind): a refused revocation revoked")
                let summary = try await live.service.store.request(
                    shared[kind]!.submitted, by: .officer("audit", department: Self.home[kind]!), now: Date()
                ).summary
                #expect(
                    summary.state == .submitted && summary.assigneeID == nil,
                    "\(kind): a refused action changed the request")
            }
        }
    }

    @Test(
        "officer pages: officers and revokers of both departments see, claim and revoke as the table says"
    )
    func officerPagesFollowThePolicy() async throws {
        try await withLiveService(configure: Self.quiet) { live in
            let requests = Requests(live)
            var submitted: [String: String] = [:]
            var issuedRequest: [String: String] = [:]
            for kind in Self.kinds {
                submitted[kind] = try await requests.submit(kind)
                let document = try await requests.issued(kind)
                issuedRequest[kind] = try #require(try live.service.store.documentEntry(id: document)?.requestID)
            }
            for role in Self.roles {
                for department in Self.departments {
                    let browser = Browser(live)
                    let signedIn = try await browser.signIn(
                        "/officer/sign-in", token: try live.token(for: Self.member(role, department)))
                    guard role != "health.clinician" else {
                        #expect(
                            signedIn.status == 403 && signedIn.header("Location") == nil,
                            "a clinician has no officer pages")
                        continue
                    }
                    #expect(signedIn.status == 303, "\(role) \(department): \(signedIn)")
                    let queue = try await browser.get("/officer/queue")
                    let expectedQueue = Self.expectedStatus(role, department, "", .queue)
                    #expect(queue.status == expectedQueue, "\(role) \(department) queue: \(queue.status)")
                    for kind in Self.kinds {
                        let expectedView = Self.expectedStatus(role, department, kind, .view)
                        let page = try await browser.get("/officer/requests/\(submitted[kind]!)")
                        #expect(page.status == expectedView, "\(role) of \(department) viewing \(kind): \(page.status)")
                        if expectedView == 200 {
                            let claimable = Self.expectedStatus(role, department, kind, .claim) == 200
                            #expect(page.text.contains(#"id="claim""#) == claimable, "\(role) \(kind): claim button")
                            let issuedPage = try await browser.get("/officer/requests/\(issuedRequest[kind]!)")
                            let revocable = Self.expectedStatus(role, department, kind, .revoke) == 200
                            #expect(
                                issuedPage.text.contains(#"id="revoke""#) == revocable, "\(role) \(kind): revoke form")
                        }
                        // A claim posted anyway (a crafted form) is refused unless the table allows it.
                        let csrf = try #require(try await browser.get("/verify").csrf)
                        let expectedClaim = Self.expectedStatus(role, department, kind, .claim)
                        guard expectedClaim != 200 else { continue }
                        let claim = try await browser.post(
                            "/officer/requests/\(submitted[kind]!)/claim", [("csrf", csrf), ("version", "1")])
                        #expect(
                            claim.status == expectedClaim,
                            "\(role) of \(department) claiming \(kind) on the page: \(claim.status)")
                    }
                }
            }
        }
    }
}
