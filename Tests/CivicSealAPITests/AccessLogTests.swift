import CivicSealServiceTestSupport
import CivicSealTestSupport
import Foundation
import Testing

/// The access log as an operator reads it: one JSON object per request, route patterns rather than paths, and
/// nothing personal or secret anywhere in it.
@Suite("Live API: access log")
struct AccessLogTests {
    static let members: Set<String> = [
        "time", "requestId", "method", "route", "status", "durationMs", "bytesOut", "client",
    ]

    @Test("the whole flow logs one JSON line per request, with route patterns and no token, id, name or personal ID")
    func wholeFlowLogsOneSafeLinePerRequest() async throws {
        try await withLiveService { live in
            let client = live.client
            let person = Person.man(70)
            let citizen = try live.token(for: person)
            let officer = try live.token(for: .justiceOfficer)
            let clinician = try live.token(for: .clinician)
            var responses: [ClientResponse] = []
            let submitted = try await client.post(
                "/v1/requests", token: citizen, json: Bodies.criminalRecord(),
                headers: [("Idempotency-Key", "log-test-0001")])
            responses.append(submitted)
            let id = try #require(submitted.json["id"] as? String)
            responses.append(try await client.get("/v1/queues/justice-hanoi?status=submitted", token: officer))
            responses.append(try await client.post("/v1/requests/\(id)/claim", token: officer, json: ""))
            responses.append(
                try await client.post("/v1/requests/\(id)/decision", token: officer, json: Bodies.noConviction))
            responses.append(try await client.get("/v1/requests/\(id)", token: citizen))
            responses.append(try await client.get("/v1/requests", token: citizen))
            responses.append(
                try await client.post(
                    "/v1/health-books/\(person.personalID)/entries", token: clinician, json: Bodies.vaccination))
            responses.append(try await client.get("/v1/health-book", token: citizen))
            responses.append(
                try await client.post("/v1/requests", token: citizen + "tampered", json: Bodies.criminalRecord()))
            responses.append(
                try await client.get(
                    "/v1/requests/\(id)?personal_id=\(person.personalID)", token: try live.token(for: .man(71))))
            responses.append(try await client.get("/v1/no-such-route/\(person.personalID)"))
            responses.append(try await client.get("/healthz"))
            #expect(
                responses.map(\.status) == [201, 200, 200, 200, 200, 200, 201, 200, 401, 404, 404, 200], "\(responses)")

            #expect(await eventually { live.log.lines.count >= responses.count })
            let lines = live.log.lines
            #expect(lines.count == responses.count, "\(lines.joined(separator: "\n"))")
            var requestIDs: Set<String> = []
            var records: [[String: Any]] = []
            for line in lines {
                #expect(!line.contains("\n"))
                guard let record = try? JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any] else {
                    Issue.record("not a JSON object: \(line)")
                    continue
                }
                records.append(record)
                #expect(Set(record.keys) == Self.members, "\(line)")
                #expect(record["client"] as? String == "127.0.0.1", "the client address traces abuse: \(line)")
                #expect(
                    (record["time"] as? String)?.range(
                        of: #"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$"#, options: .regularExpression) != nil, "\(line)"
                )
                #expect(record["durationMs"] is Double || record["durationMs"] is Int, "\(line)")
                #expect((record["bytesOut"] as? Int ?? 0) > 0, "\(line)")
                if let requestID = record["requestId"] as? String, !requestID.isEmpty { requestIDs.insert(requestID) }
            }
            #expect(requestIDs.count == lines.count, "request ids are not unique")
            let routes = records.map {
                "\($0["method"] as? String ?? "") \($0["route"] as? String ?? "null") \($0["status"] as? Int ?? 0)"
            }
            #expect(
                Set(routes) == [
                    "POST /v1/requests 201", "GET /v1/queues/{department} 200", "POST /v1/requests/{id}/claim 200",
                    "POST /v1/requests/{id}/decision 200", "GET /v1/requests/{id} 200", "GET /v1/requests 200",
                    "POST /v1/health-books/{personal_id}/entries 201", "GET /v1/health-book 200",
                    "POST /v1/requests 401",
                    "GET /v1/requests/{id} 404", "GET null 404", "GET /healthz 200",
                ], "\(routes)")
            let secrets = [
                id, citizen, officer, clinician, String(citizen.split(separator: ".")[1]), "Bearer", "eyJ",
                person.personalID, person.name,
                "Trần", "log-test-0001", "justice-hanoi", "status=submitted", "personal_id=",
            ]
            let all = lines.joined(separator: "\n")
            for secret in secrets where all.contains(secret) {
                Issue.record("the access log contains \(secret.prefix(30))")
            }
        }
    }
}
