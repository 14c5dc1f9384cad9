import CivicSealServiceTestSupport
import Foundation
import Testing

/// The citizen and officer journeys over a live server, as a client sees them.
@Suite("Live API: the request workflow")
struct WorkflowFlowTests {
    @Test(
        "a criminal-record request goes from submission to issuance; the citizen sees its history and findings"
    )
    func submissionToApproval() async throws {
        try await withLiveService { live in
            let client = live.client
            let citizen = try live.token(for: .man(1))
            let officer = try live.token(for: .justiceOfficer)

            let submitted = try await client.post("/v1/requests", token: citizen, json: Bodies.criminalRecord())
            #expect(submitted.status == 201, "\(submitted)")
            let id = try #require(submitted.json["id"] as? String)
            #expect(id.count == 32 && id.allSatisfy(\.isHexDigit), "id \(id) is not 128 bits of hex")
            #expect(submitted.json["status"] as? String == "submitted")
            #expect(submitted.json["kind"] as? String == "criminal-record")
            #expect(submitted.json["department"] as? String == "justice-hanoi")
            let dueDate = try #require(submitted.json["dueDate"] as? String)
            #expect(dueDate.range(of: #"^\d{4}-\d{2}-\d{2}$"#, options: .regularExpression) != nil)
            #expect((submitted.json["fee"] as? [String: Any])?["amount"] as? Int == 200_000)
            #expect(submitted.header("Location") == "/v1/requests/\(id)")

            let queue = try await client.get("/v1/queues/justice-hanoi", token: officer)
            #expect(queue.status == 200, "\(queue)")
            let queued = (queue.json["items"] as? [[String: Any]] ?? []).compactMap { $0["id"] as? String }
            #expect(queued.contains(id))

            let claimed = try await client.post("/v1/requests/\(id)/claim", token: officer, json: "")
            #expect(claimed.status == 200, "\(claimed)")
            #expect(claimed.json["status"] as? String == "in_review")

            let approved = try await client.post(
                "/v1/requests/\(id)/decision", token: officer, json: Bodies.noConviction)
            #expect(approved.status == 200, "\(approved)")
            // Approval issues the document at once: the answer is the request as it stands after issuance.
            #expect(approved.json["status"] as? String == "issued")

            let detail = try await client.get("/v1/requests/\(id)", token: citizen)
            #expect(detail.status == 200, "\(detail)")
            #expect((detail.json["request"] as? [String: Any])?["status"] as? String == "issued")
            let history = detail.json["history"] as? [[String: Any]] ?? []
            #expect(history.count == 4)
            #expect(history.compactMap { $0["to"] as? String } == ["submitted", "in_review", "approved", "issued"])
            let findings = detail.json["findings"] as? [String: Any]
            #expect((findings?["convictions"] as? [Any])?.isEmpty == true)
            #expect(history.allSatisfy { $0["actor"] == nil }, "a citizen is not shown officers' subjects")

            let afterwards = try await client.get("/v1/queues/justice-hanoi", token: officer)
            #expect(!((afterwards.json["items"] as? [[String: Any]] ?? []).contains { $0["id"] as? String == id }))
            let own = try await client.get("/v1/requests", token: citizen)
            #expect((own.json["items"] as? [[String: Any]] ?? []).map { $0["id"] as? String } == [id])
        }
    }

    @Test("a health-certificate request is routed to health-hanoi and appears in its queue only")
    func healthCertificateRoutesToHealthDepartment() async throws {
        try await withLiveService { live in
            let submitted = try await live.client.post(
                "/v1/requests", token: try live.token(for: .man(2)), json: Bodies.healthCertificate)
            #expect(submitted.status == 201, "\(submitted)")
            #expect(submitted.json["department"] as? String == "health-hanoi")
            #expect(submitted.json["kind"] as? String == "health-certificate")
            let id = try #require(submitted.json["id"] as? String)
            let health = try await live.client.get(
                "/v1/queues/health-hanoi", token: try live.token(for: .healthOfficer))
            #expect(
                (health.json["items"] as? [[String: Any]] ?? []).contains { $0["id"] as? String == id }, "\(health)")
            let justice = try await live.client.get(
                "/v1/queues/justice-hanoi", token: try live.token(for: .justiceOfficer))
            #expect(justice.status == 200)
            #expect(!((justice.json["items"] as? [[String: Any]] ?? []).contains { $0["id"] as? String == id }))
        }
    }

    @Test("a request for information sends the request back to the citizen, whose supplement returns it to submitted")
    func requestInfoThenSupplement() async throws {
        try await withLiveService { live in
            let client = live.client
            let citizen = try live.token(for: .man(3))
            let officer = try live.token(for: .justiceOfficer)
            let id = try #require(
                try await client.post("/v1/requests", token: citizen, json: Bodies.criminalRecord()).json["id"]
                    as? String)
            #expect(try await client.post("/v1/requests/\(id)/claim", token: officer, json: "").status == 200)

            let asked = try await client.post(
                "/v1/requests/\(id)/decision", token: officer,
                json: #"{"decision": "request-info", "reason": "Thiếu nơi cư trú trước năm 2000"}"#)
            #expect(asked.status == 200, "\(asked)")
            #expect(asked.json["status"] as? String == "needs_info")

            let detail = try await client.get("/v1/requests/\(id)", token: citizen)
            #expect(
                (detail.json["history"] as? [[String: Any]])?.last?["reason"] as? String
                    == "Thiếu nơi cư trú trước năm 2000")

            let supplemented = try await client.post(
                "/v1/requests/\(id)/supplement", token: citizen,
                json: Bodies.criminalRecord(purpose: "Xin việc tại công ty"))
            #expect(supplemented.status == 200, "\(supplemented)")
            #expect(supplemented.json["status"] as? String == "submitted")
            let queue = try await client.get("/v1/queues/justice-hanoi", token: officer)
            #expect((queue.json["items"] as? [[String: Any]] ?? []).contains { $0["id"] as? String == id })
        }
    }

    @Test("rejecting without a reason is refused with 422 naming the field reason; with one it is rejected")
    func rejectNeedsReason() async throws {
        try await withLiveService { live in
            let client = live.client
            let officer = try live.token(for: .justiceOfficer)
            let id = try #require(
                try await client.post(
                    "/v1/requests", token: try live.token(for: .man(4)), json: Bodies.criminalRecord()
                ).json["id"] as? String)
            #expect(try await client.post("/v1/requests/\(id)/claim", token: officer, json: "").status == 200)

            for body in [#"{"decision": "reject"}"#, #"{"decision": "reject", "reason": "   "}"#] {
                let refused = try await client.post("/v1/requests/\(id)/decision", token: officer, json: body)
                #expect(refused.status == 422, "\(refused)")
                #expect(refused.header("Content-Type") == "application/problem+json")
                #expect(refused.problemErrors.map(\.field) == ["reason"], "\(refused)")
            }
            let rejected = try await client.post(
                "/v1/requests/\(id)/decision", token: officer,
                json: #"{"decision": "reject", "reason": "Không đủ điều kiện"}"#)
            #expect(rejected.status == 200, "\(rejected)")
            #expect(rejected.json["status"] as? String == "rejected")
        }
    }

    @Test("a citizen cancels their own submitted request, which then leaves the queue and cannot be claimed")
    func citizenCancels() async throws {
        try await withLiveService { live in
            let client = live.client
            let citizen = try live.token(for: .man(5))
            let officer = try live.token(for: .justiceOfficer)
            let id = try #require(
                try await client.post("/v1/requests", token: citizen, json: Bodies.criminalRecord()).json["id"]
                    as? String)

            let cancelled = try await client.post("/v1/requests/\(id)/cancel", token: citizen, json: "")
            #expect(cancelled.status == 200, "\(cancelled)")
            #expect(cancelled.json["status"] as? String == "cancelled")
            let queue = try await client.get("/v1/queues/justice-hanoi", token: officer)
            #expect(!((queue.json["items"] as? [[String: Any]] ?? []).contains { $0["id"] as? String == id }))
            let claim = try await client.post("/v1/requests/\(id)/claim", token: officer, json: "")
            #expect(claim.status == 409, "\(claim)")
            // Cancelled, the citizen may submit the same form again.
            #expect(try await client.post("/v1/requests", token: citizen, json: Bodies.criminalRecord()).status == 201)
        }
    }

    @Test("an officer pages through the queue with limit and cursor, oldest due first, without repeats or gaps")
    func queuePagesWithCursor() async throws {
        try await withLiveService { live in
            var submitted: [String] = []
            for number in 90..<95 {
                let response = try await live.client.post(
                    "/v1/requests", token: try live.token(for: .man(number)), json: Bodies.criminalRecord())
                submitted.append(try #require(response.json["id"] as? String, "\(response)"))
            }
            let officer = try live.token(for: .justiceOfficer)
            var seen: [String] = []
            var path = "/v1/queues/justice-hanoi?limit=2"
            for _ in 0..<5 {
                let page = try await live.client.get(path, token: officer)
                #expect(page.status == 200, "\(page)")
                let items = page.json["items"] as? [[String: Any]] ?? []
                #expect(items.count <= 2)
                seen += items.compactMap { $0["id"] as? String }
                guard let cursor = page.json["nextCursor"] as? String else { break }
                path =
                    "/v1/queues/justice-hanoi?limit=2&cursor="
                    + cursor.addingPercentEncoding(withAllowedCharacters: .alphanumerics)!
            }
            #expect(seen.count == 5 && Set(seen) == Set(submitted), "pages gave \(seen)")
            let bad = try await live.client.get("/v1/queues/justice-hanoi?cursor=not-a-cursor", token: officer)
            #expect(bad.status == 422 && (bad.json["type"] as? String)?.hasSuffix("/invalid-cursor") == true, "\(bad)")
            let unknown = try await live.client.get("/v1/queues/justice-hanoi?state=submitted", token: officer)
            #expect(unknown.status == 400 && unknown.hasError(field: "state", code: "query.unknown"), "\(unknown)")
        }
    }
}
