import CivicSealServiceTestSupport
import Foundation
import Testing

/// Bad input gets an `application/problem+json` answer that names each offending field with a stable code, and
/// no error body ever carries internals (SQL, stack traces, file paths) or the caller's token or personal data.
@Suite("Live API: validation and error bodies")
struct ValidationTests {
    static let overlappingHistory = """
        [{"from": "1985-03-02", "to": "2005-12-31", "address": "45 Lê Lợi", "provinceCode": "079", "occupation": "Học sinh"},
         {"from": "2004-01-01", "address": "45 Lê Lợi", "provinceCode": "079", "occupation": "Kỹ sư"}]
        """

    static func expectProblem(
        _ response: ClientResponse, status: Int, field: (String) -> Bool, code: String,
        sourceLocation: SourceLocation = #_sourceLocation
    ) {
        #expect(response.status == status, "\(response)", sourceLocation: sourceLocation)
        #expect(response.header("Content-Type") == "application/problem+json", sourceLocation: sourceLocation)
        #expect(response.json["status"] as? Int == status, sourceLocation: sourceLocation)
        #expect(
            (response.json["type"] as? String)?.hasPrefix("https://civicseal.invalid/problems/") == true,
            sourceLocation: sourceLocation)
        #expect(response.json["title"] is String, sourceLocation: sourceLocation)
        #expect(
            response.problemErrors.contains { field($0.field) && $0.code == code }, "\(response)",
            sourceLocation: sourceLocation)
    }

    @Test(
        "a token whose personal ID disagrees with its birthdate is refused at the door, naming the claim and the code")
    func personalIDBirthdateMismatchIsCaughtAtTokenLevel() async throws {
        try await withLiveService { live in
            let person = Person.man(50)
            let token = try live.sign(try live.citizenClaims(person, ["birthdate": "1991-03-02"]))
            let response = try await live.client.post("/v1/requests", token: token, json: Bodies.criminalRecord())
            Self.expectProblem(response, status: 401, field: { $0 == "personal_id" }, code: "invalid-claim")
            #expect(response.hasError(field: "personal_id", code: "personalId.year-mismatch"), "\(response)")
            #expect(!response.text.contains(person.personalID) && !response.text.contains("1991"))
        }
    }

    @Test("overlapping residence periods are refused with 422 naming the period")
    func overlappingResidenceHistoryIsRefused() async throws {
        try await withLiveService { live in
            let response = try await live.client.post(
                "/v1/requests", token: try live.token(for: .man(51)),
                json: Bodies.criminalRecord(residenceHistory: Self.overlappingHistory))
            Self.expectProblem(
                response, status: 422, field: { $0.hasPrefix("residenceHistory[") }, code: "residenceHistory.overlap")
        }
    }

    @Test("copies 0 is refused with 422 on the field copies")
    func zeroCopiesIsRefused() async throws {
        try await withLiveService { live in
            let response = try await live.client.post(
                "/v1/requests", token: try live.token(for: .man(52)), json: Bodies.criminalRecord(copies: 0))
            Self.expectProblem(response, status: 422, field: { $0 == "copies" }, code: "copies.out-of-range")
        }
    }

    @Test("several invalid fields are all listed in one answer")
    func everyInvalidFieldIsListed() async throws {
        try await withLiveService { live in
            let response = try await live.client.post(
                "/v1/requests", token: try live.token(for: .man(53)),
                json: Bodies.criminalRecord(copies: 0, residenceHistory: Self.overlappingHistory))
            #expect(response.status == 422)
            #expect(
                Set(response.problemErrors.map(\.code)).isSuperset(of: [
                    "copies.out-of-range", "residenceHistory.overlap",
                ]), "\(response)")
        }
    }

    @Test("a misspelt member (statesBan) is refused with 400 json.unknown-field and its path")
    func unknownMemberIsRefused() async throws {
        try await withLiveService { live in
            let response = try await live.client.post(
                "/v1/requests", token: try live.token(for: .man(54)),
                json: Bodies.criminalRecord(extraRequestMember: #", "statesBan": true"#))
            Self.expectProblem(response, status: 400, field: { $0 == "request.statesBan" }, code: "json.unknown-field")
        }
    }

    @Test("malformed JSON is refused with 400 json.malformed, on submissions and decisions alike")
    func malformedJSONIsRefused() async throws {
        try await withLiveService { live in
            let submit = try await live.client.post(
                "/v1/requests", token: try live.token(for: .man(55)), json: #"{"request": "#)
            Self.expectProblem(submit, status: 400, field: { _ in true }, code: "json.malformed")
            let id = try #require(
                try await live.client.post(
                    "/v1/requests", token: try live.token(for: .man(55)), json: Bodies.criminalRecord()
                ).json["id"] as? String)
            let decision = try await live.client.post(
                "/v1/requests/\(id)/decision", token: try live.token(for: .justiceOfficer), json: "{decision")
            Self.expectProblem(decision, status: 400, field: { $0 == "body" }, code: "json.malformed")
        }
    }

    @Test("hand-parsed bodies (verify/details) refuse malformed JSON, a non-object and an unknown member, naming it")
    func handParsedBodiesAreStrict() async throws {
        try await withLiveService { live in
            let malformed = try await live.client.post("/v1/verify/details", json: #"{"documentId": "#)
            Self.expectProblem(malformed, status: 400, field: { $0 == "body" }, code: "json.malformed")
            let array = try await live.client.post("/v1/verify/details", json: "[]")
            Self.expectProblem(array, status: 400, field: { $0 == "body" }, code: "json.type-mismatch")
            let empty = try await live.client.post("/v1/verify/details", json: "")
            Self.expectProblem(empty, status: 400, field: { $0 == "body" }, code: "json.missing-body")
            let unknown = try await live.client.post(
                "/v1/verify/details", json: #"{"documentId": "x", "nationality": "VN"}"#)
            Self.expectProblem(unknown, status: 400, field: { $0 == "nationality" }, code: "json.unknown-field")
        }
    }

    @Test("a body that is not application/json is refused with 415")
    func wrongContentTypeIsRefused() async throws {
        try await withLiveService { live in
            let response = try await live.client.send(
                "POST", "/v1/requests", token: try live.token(for: .man(56)), headers: [("Content-Type", "text/plain")],
                body: Array(Bodies.criminalRecord().utf8))
            #expect(response.status == 415, "\(response)")
            #expect(response.header("Content-Type") == "application/problem+json")
            let form = try await live.client.send(
                "POST", "/v1/requests", token: try live.token(for: .man(56)),
                headers: [("Content-Type", "application/x-www-form-urlencoded")], body: Array("copies=1".utf8))
            #expect(form.status == 415, "\(form)")
        }
    }

    @Test("every JSON route refuses a non-JSON Content-Type with 415: decisions and health-book entries too")
    func everyJSONRouteRefusesOtherMediaTypes() async throws {
        try await withLiveService { live in
            let id = try #require(
                try await live.client.post(
                    "/v1/requests", token: try live.token(for: .man(58)), json: Bodies.criminalRecord()
                ).json["id"] as? String)
            let officer = try live.token(for: .justiceOfficer)
            #expect(try await live.client.post("/v1/requests/\(id)/claim", token: officer, json: "").status == 200)
            let plain = [("Content-Type", "text/plain")]
            let decision = try await live.client.send(
                "POST", "/v1/requests/\(id)/decision", token: officer, headers: plain,
                body: Array(Bodies.noConviction.utf8))
            let entry = try await live.client.send(
                "POST", "/v1/health-books/079085000058/entries", token: try live.token(for: .clinician), headers: plain,
                body: Array(Bodies.vaccination.utf8))
            let supplement = try await live.client.send(
                "POST", "/v1/requests/\(id)/supplement", token: try live.token(for: .man(58)), headers: plain,
                body: Array(Bodies.criminalRecord().utf8))
            for response in [decision, entry, supplement] {
                #expect(response.status == 415, "\(response)")
                #expect(response.header("Content-Type") == "application/problem+json")
            }
            let detail = try await live.client.get("/v1/requests/\(id)", token: officer)
            #expect((detail.json["request"] as? [String: Any])?["status"] as? String == "in_review", "\(detail)")
            // application/json with parameters, in any case, is JSON.
            let accepted = try await live.client.send(
                "POST", "/v1/requests/\(id)/decision", token: officer,
                headers: [("Content-Type", "Application/JSON; charset=utf-8")],
                body: Array(Bodies.noConviction.utf8))
            #expect(accepted.status == 200, "\(accepted)")
        }
    }

    @Test("no error body leaks SQL, stack traces, file paths, the token or personal data")
    func errorBodiesLeakNothing() async throws {
        try await withLiveService { live in
            let person = Person.man(57)
            let citizen = try live.token(for: person)
            let officer = try live.token(for: .justiceOfficer)
            let id = try #require(
                try await live.client.post("/v1/requests", token: citizen, json: Bodies.criminalRecord()).json["id"]
                    as? String)
            let client = live.client
            let sqlish = "' OR 1=1; DROP TABLE requests; --"
            let badClaims = try live.sign(
                try live.citizenClaims(person, ["birthdate": "1991-03-02", "name": "Trần Văn Thử 57"]))
            let responses: [ClientResponse] = [
                // unfinished request exists
                try await client.post("/v1/requests", token: citizen, json: Bodies.criminalRecord()),
                try await client.post("/v1/requests", token: citizen, json: Bodies.criminalRecord(copies: 0)),
                try await client.post("/v1/requests", token: citizen, json: Bodies.criminalRecord(purpose: sqlish)),
                try await client.post("/v1/requests", token: citizen, json: "{\"request\": \(sqlish)"),
                try await client.post("/v1/requests", token: citizen, json: "[]"),
                try await client.post(
                    "/v1/requests", token: citizen, json: Bodies.criminalRecord(),
                    headers: [("Idempotency-Key", "\u{7F}bad")]),
                try await client.post("/v1/requests", token: badClaims, json: Bodies.criminalRecord()),
                try await client.post("/v1/requests", token: citizen + "x", json: Bodies.criminalRecord()),
                try await client.post(
                    "/v1/requests", token: String(citizen.dropLast(10)), json: Bodies.criminalRecord()),
                try await client.get("/v1/requests/\(id)%27%20OR%201=1", token: citizen),
                try await client.get("/v1/requests/../../etc/passwd", token: citizen),
                try await client.get(
                    "/v1/queues/justice-hanoi?status=\(sqlish.addingPercentEncoding(withAllowedCharacters: .alphanumerics)!)",
                    token: officer),
                try await client.get(
                    "/v1/queues/justice-hanoi?cursor=%27%3B%20SELECT%20*%20FROM%20requests", token: officer),
                try await client.get("/v1/queues/justice-hanoi?limit=99999999999999999999", token: officer),
                // not claimed
                try await client.post("/v1/requests/\(id)/decision", token: officer, json: Bodies.noConviction),
                try await client.post(
                    "/v1/requests/\(id)/decision", token: officer, json: #"{"decision": "\#(sqlish)"}"#),
                try await client.post(
                    "/v1/health-books/\(person.personalID)/entries", token: try live.token(for: .clinician),
                    json:
                        #"{"entryType": "vaccination", "facilityId": "x", "administeredOn": "2025-02-30", "vaccine": "v", "antigen": "a", "dose": 99}"#
                ),
                try await client.post(
                    "/v1/health-books/\(person.personalID)/entries", token: try live.token(for: .clinician),
                    json:
                        #"{"entryType": "vaccination", "facilityId": "x", "administeredOn": "2025-02-01", "vaccine": "v", "antigen": "a", "dose": 99}"#
                ),
                try await client.send("DELETE", "/v1/requests/\(id)", token: citizen),
                try await client.get("/v1/nowhere", token: citizen),
            ]
            let forbidden = [
                "SELECT", "INSERT", "UPDATE ", "sqlite", "SQLITE", "constraint", "Fatal error", ".swift", "Thread ",
                "0x0000",
                live.folder.path, "/tmp", "/home", "/root", "civicseal.sqlite", "BEGIN", "PRIVATE KEY",
                citizen, String(citizen.split(separator: ".")[1]), officer, person.personalID, person.name,
                "1985-03-02", "0987654321",
            ]
            for response in responses {
                #expect(response.status >= 400 && response.status < 500, "\(response)")
                #expect(response.header("Content-Type") == "application/problem+json", "\(response)")
                #expect(!response.json.isEmpty, "not a JSON problem: \(response)")
                for fragment in forbidden where response.text.contains(fragment) {
                    Issue.record("an error body contains \(fragment.prefix(40)): \(response)")
                }
            }
        }
    }
}
