import CivicSealJSON
import CivicSealTestSupport
import Foundation

/// What `curl` saw: the status, the body and the `Location` of a redirect (never followed).
package struct CurlResponse: Sendable {
    package let status: Int
    package let body: String
    package let location: String?
}

extension IndependentProvider {
    /// Picks `user` on the login page behind `authorizationURL` (the page must offer them) and submits the form, as a
    /// person would with a browser that does not follow the redirect; returns the query the provider sends the
    /// browser back with (`code` and `state`, or `error`). A request the provider refuses to redirect (unknown
    /// client or redirect URI) throws with the provider's page.
    package func signIn(_ user: User, authorizationURL: String) async throws -> [String: String] {
        let page = try await curl(["--get", authorizationURL])
        guard page.status == 200, page.body.contains("value='\(user.rawValue)'") else {
            if let location = page.location { return Self.query(of: location) }
            throw ClientError(
                description: "the provider's login page did not offer \(user): \(page.status) \(page.body)")
        }
        let submitted = try await curl(["--data-urlencode", "user=\(user.rawValue)", authorizationURL])
        guard submitted.status == 302, let location = submitted.location else {
            throw ClientError(description: "the provider did not redirect: \(submitted.status) \(submitted.body)")
        }
        return Self.query(of: location)
    }

    /// Makes a new ES256 key the signing key; `dropPrevious` removes the one that signed until now from the JWK set.
    /// Returns the new `kid`.
    @discardableResult
    package func rotate(dropPrevious: Bool = false) async throws -> String {
        let answer = try await curl(["-X", "POST", "--data", "drop=\(dropPrevious ? 1 : 0)", issuer + "/test/rotate"])
        guard let kid = try Self.object(answer)["kid"]?.stringValue else {
            throw ClientError(description: "rotate answered \(answer.status) \(answer.body)")
        }
        return kid
    }

    /// How many times the JWK set has been fetched.
    package func jwksFetches() async throws -> Int {
        try await count(issuer + "/test/jwks-fetches")
    }

    /// How many RP-initiated logouts have arrived at the end-session endpoint.
    package func endSessions() async throws -> Int {
        try await count(issuer + "/test/end-sessions")
    }

    /// Switches the provider's test-only misbehaviour (see ``Misbehaviour``).
    package func setMisbehaviour(_ misbehaviour: Misbehaviour) async throws {
        var body: [String: JSONValue] = [:]
        if let flag = misbehaviour.wrongNonce { body["wrongNonce"] = .bool(flag) }
        if let flag = misbehaviour.wrongAudience { body["wrongAudience"] = .bool(flag) }
        if let issuer = misbehaviour.discoveryIssuer { body["discoveryIssuer"] = issuer.map { .string($0) } ?? .null }
        if let age = misbehaviour.jwksMaxAge { body["jwksMaxAge"] = .number(String(age)) }
        let answer = try await curl([
            "-X", "POST", "-H", "Content-Type: application/json", "--data", JSONValue.object(body).serialized(),
            issuer + "/test/misbehave",
        ])
        guard answer.status == 200 else { throw ClientError(description: "misbehave answered \(answer.status)") }
    }

    /// Expires every authorization code issued so far (as if their lifetime had passed).
    package func expireCodes() async throws {
        let answer = try await curl(["-X", "POST", issuer + "/test/expire-codes"])
        guard answer.status == 200 else { throw ClientError(description: "expire-codes answered \(answer.status)") }
    }

    /// `curl` trusting only the test CA, with `arguments` (a URL among them); redirects are reported, not followed.
    package func curl(_ arguments: [String]) async throws -> CurlResponse {
        let name = UUID().uuidString
        let headers = "\(folder.path)/\(name).headers"
        let body = "\(folder.path)/\(name).body"
        defer {
            try? FileManager.default.removeItem(atPath: headers)
            try? FileManager.default.removeItem(atPath: body)
        }
        let output = try await ExternalTool.runOnOwnThread(
            "curl", ["-sS", "--max-time", "60", "--cacert", caBundlePath, "-D", headers, "-o", body] + arguments)
        guard output.status == 0 else {
            throw ClientError(description: "curl failed (\(output.status)): \(output.errorText)")
        }
        let head = (try? String(contentsOfFile: headers, encoding: .utf8)) ?? ""
        let lines = head.split(whereSeparator: \.isNewline).map(String.init)
        let status = lines.first.flatMap { Int($0.split(separator: " ").dropFirst().first ?? "") } ?? 0
        let location = lines.first { $0.lowercased().hasPrefix("location:") }.map {
            String($0.dropFirst("location:".count)).trimmingCharacters(in: .whitespaces)
        }
        let text = (try? String(contentsOfFile: body, encoding: .utf8)) ?? ""
        return CurlResponse(status: status, body: text, location: location)
    }

    private func count(_ url: String) async throws -> Int {
        let answer = try await curl([url])
        guard let count = try Self.object(answer)["count"]?.int64Value else {
            throw ClientError(description: "\(url) answered \(answer.status) \(answer.body)")
        }
        return Int(count)
    }

    static func object(_ response: CurlResponse) throws -> [String: JSONValue] {
        try JSONValue(parsing: Array(response.body.utf8)).objectValue ?? [:]
    }

    /// The query parameters of `url` (the last value of a repeated name).
    package static func query(of url: String) -> [String: String] {
        var result: [String: String] = [:]
        for item in URLComponents(string: url)?.queryItems ?? [] { result[item.name] = item.value ?? "" }
        return result
    }
}
