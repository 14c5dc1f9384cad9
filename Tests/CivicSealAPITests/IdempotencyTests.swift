import CivicSealServiceTestSupport
import Foundation
import Testing

@Suite("Live API: Idempotency-Key")
struct IdempotencyTests {
    @Test("a retry with the same Idempotency-Key and body returns the same request, and only one is stored")
    func retryReturnsSameRequest() async throws {
        try await withLiveService { live in
            let citizen = try live.token(for: .man(10))
            let key = [("Idempotency-Key", "retry-7f3a9c1e")]
            let first = try await live.client.post(
                "/v1/requests", token: citizen, json: Bodies.criminalRecord(), headers: key)
            let second = try await live.client.post(
                "/v1/requests", token: citizen, json: Bodies.criminalRecord(), headers: key)
            #expect(first.status == 201, "\(first)")
            #expect(second.status == 201 || second.status == 200, "\(second)")
            let id = try #require(first.json["id"] as? String)
            #expect(second.json["id"] as? String == id)
            let own = try await live.client.get("/v1/requests", token: citizen)
            #expect((own.json["items"] as? [Any])?.count == 1, "\(own)")
        }
    }

    @Test("the same Idempotency-Key with a different body is refused with 422")
    func sameKeyDifferentBodyIsRefused() async throws {
        try await withLiveService { live in
            let citizen = try live.token(for: .man(11))
            let key = [("Idempotency-Key", "retry-0b2d44aa")]
            let first = try await live.client.post(
                "/v1/requests", token: citizen, json: Bodies.criminalRecord(copies: 1), headers: key)
            #expect(first.status == 201, "\(first)")
            let changed = try await live.client.post(
                "/v1/requests", token: citizen, json: Bodies.criminalRecord(copies: 3), headers: key)
            #expect(changed.status == 422, "\(changed)")
            #expect(changed.header("Content-Type") == "application/problem+json")
            #expect((changed.json["type"] as? String)?.hasSuffix("/idempotency-key-reused") == true)
        }
    }

    @Test("two Idempotency-Key header fields are refused with 400 and nothing is stored")
    func duplicateIdempotencyKeyHeaderIsRefused() async throws {
        try await withLiveService { live in
            let citizen = try live.token(for: .man(12))
            let refused = try await live.client.post(
                "/v1/requests", token: citizen, json: Bodies.criminalRecord(),
                headers: [("Idempotency-Key", "key-one-1234"), ("Idempotency-Key", "key-two-5678")])
            #expect(refused.status == 400, "\(refused)")
            #expect(refused.hasError(field: "Idempotency-Key", code: "header.duplicate"), "\(refused)")
            let own = try await live.client.get("/v1/requests", token: citizen)
            #expect((own.json["items"] as? [Any])?.isEmpty == true, "\(own)")
        }
    }

    @Test(
        "an Idempotency-Key is the caller's own: another citizen with the same key and body gets their own request"
    )
    func idempotencyKeyIsScopedToTheCitizen() async throws {
        try await withLiveService { live in
            let key = [("Idempotency-Key", "shared-key-42")]
            let first = try await live.client.post(
                "/v1/requests", token: try live.token(for: .man(13)), json: Bodies.healthCertificate, headers: key)
            let second = try await live.client.post(
                "/v1/requests", token: try live.token(for: .man(14)), json: Bodies.healthCertificate, headers: key)
            #expect(first.status == 201 && second.status == 201, "\(first) \(second)")
            let firstID = try #require(first.json["id"] as? String)
            #expect(second.json["id"] as? String != firstID, "a second citizen was handed the first citizen's request")
            let detail = try await live.client.get("/v1/requests/\(firstID)", token: try live.token(for: .man(14)))
            #expect(detail.status == 404)
        }
    }
}
