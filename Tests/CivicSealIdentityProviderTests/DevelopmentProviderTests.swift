import CivicSealCrypto
import CivicSealDevelopmentProvider
import CivicSealHTTP
import CivicSealHTTPClient
import CivicSealJSON
import Foundation
import Testing

/// The development provider as the browser and the relying party meet it: discovery and keys over the in-process
/// transport, the authorize page, the code exchange with PKCE and private_key_jwt, and RP-initiated logout.
struct DevelopmentProviderTests {
    typealias Fixture = DevelopmentProviderFixture

    @Test("Discovery names the issuer exactly and the browser endpoints on the server's own origin")
    func discovery() async throws {
        let fixture = try Fixture()
        let response = try await fixture.get(Fixture.issuer + "/.well-known/openid-configuration")
        #expect(response.status == 200)
        let document = Fixture.json(response)
        #expect(document["issuer"]?.stringValue == Fixture.issuer)
        #expect(document["authorization_endpoint"]?.stringValue == Fixture.origin + "/dev-idp/authorize")
        #expect(document["end_session_endpoint"]?.stringValue == Fixture.origin + "/dev-idp/end-session")
        #expect(document["token_endpoint"]?.stringValue == Fixture.issuer + "/token")
        #expect(document["code_challenge_methods_supported"] == ["S256"])
        #expect(document["token_endpoint_auth_methods_supported"] == ["private_key_jwt"])

        let keys = try await fixture.get(try #require(document["jwks_uri"]?.stringValue))
        #expect(String(decoding: keys.body, as: UTF8.self) == fixture.publishedKeySet)
        #expect(keys.header("cache-control")?.contains("max-age=") == true)
    }

    @Test("The transport reaches the development issuer only")
    func transportRefusesOtherHosts() async throws {
        let fixture = try Fixture()
        let error = await #expect(throws: OutboundHTTPError.self) {
            _ = try await fixture.get("https://idp.civicseal.invalid/devx/jwks")
        }
        #expect(error?.code == .connectFailed)
        let other = await #expect(throws: OutboundHTTPError.self) { _ = try await fixture.get("https://example.org/") }
        #expect(other?.code == .connectFailed)
    }

    @Test("A picked citizen comes back as a verifiable ID token with nonce, acr, azp and at_hash")
    func presetSignIn() async throws {
        let fixture = try Fixture()
        let authorization = Fixture.authorization(acr: "level2")
        let page = await fixture.browser(.get, "/dev-idp/authorize?" + Fixture.encode(authorization.parameters))
        #expect(page.status.code == 200)
        let text = String(decoding: page.body, as: UTF8.self)
        #expect(text.contains("Nguyễn Thị Ánh Tuyết") && text.contains("Trần Đức Lương"))
        #expect(text.contains("<html lang=\"vi\">"))
        #expect(!text.contains("<script"))
        // One form, the request's parameters once: a client reading its hidden fields posts each exactly once.
        #expect(text.components(separatedBy: "<form").count == 2)
        #expect(text.components(separatedBy: "name=\"state\"").count == 2)

        let callback = try await fixture.authorize(authorization, ("preset", "citizen-tuyet"))
        #expect(callback["state"] == authorization.state)
        let answer = try await fixture.exchange(code: callback["code"], verifier: authorization.verifier)
        #expect(answer.status == 200)
        #expect(answer.header("Cache-Control") == "no-store")
        let tokens = Fixture.json(answer)
        let claims = try fixture.verifiedClaims(try #require(tokens["id_token"]?.stringValue))
        #expect(claims["iss"]?.stringValue == Fixture.issuer)
        #expect(claims["aud"]?.stringValue == "civicseal")
        #expect(claims["azp"]?.stringValue == "civicseal")
        #expect(claims["nonce"]?.stringValue == authorization.nonce)
        #expect(claims["acr"]?.stringValue == "level2")
        #expect(claims["personal_id"]?.stringValue == "001190012345")
        let accessToken = try #require(tokens["access_token"]?.stringValue)
        #expect(
            claims["at_hash"]?.stringValue == Base64URL.encode(Digest.sha256(Array(accessToken.utf8)).prefix(16)))
    }

    @Test("Typed claims become the ID token's; the provider's own claims cannot be typed in")
    func typedClaims() async throws {
        let fixture = try Fixture()
        let authorization = Fixture.authorization()
        let typed =
            #"{"sub":"dev-staff-x","name":"Lê Văn Luật","roles":["justice.officer"],"department":"justice-hanoi","#
            + #""iss":"https://evil.example","aud":"someone-else","exp":1}"#
        let callback = try await fixture.authorize(authorization, ("claims", typed))
        let answer = try await fixture.exchange(code: callback["code"], verifier: authorization.verifier)
        let claims = try fixture.verifiedClaims(try #require(Fixture.json(answer)["id_token"]?.stringValue))
        #expect(claims["sub"]?.stringValue == "dev-staff-x")
        #expect(claims["roles"] == ["justice.officer"])
        #expect(claims["iss"]?.stringValue == Fixture.issuer)
        #expect(claims["aud"]?.stringValue == "civicseal")
        #expect(claims["exp"]?.int64Value ?? 0 > 1)

        let broken = await fixture.browser(
            .post, "/dev-idp/authorize", form: authorization.parameters + [("claims", "[1]")])
        #expect(broken.status.code == 400)
        #expect(broken.headers["Location"] == nil)
        #expect(String(decoding: broken.body, as: UTF8.self).contains("id=\"problem\""))
        let huge = "{\"name\": \"" + String(repeating: "Ánh ", count: 3_000) + "\"}"
        let oversized = await fixture.browser(
            .post, "/dev-idp/authorize", form: authorization.parameters + [("claims", huge)])
        #expect(oversized.status.code == 400)
        #expect(oversized.headers["Location"] == nil)
        #expect(String(decoding: oversized.body, as: UTF8.self).contains("8 KiB"))
    }

    @Test("Requests the provider cannot trust are shown a page; the others go back with an error and the state")
    func authorizationRequestValidation() async throws {
        let fixture = try Fixture()
        let good = Fixture.authorization()
        let shown: [(Fixture.Authorization, String)] = [
            (good.replacing("redirect_uri", with: "https://evil.example/cb"), "unregistered-redirect-uri"),
            (good.replacing("redirect_uri", with: Fixture.redirectURI + "/x"), "unregistered-redirect-uri"),
            (good.replacing("client_id", with: "someone"), "unknown-client"),
            (good.replacing("state", with: String(repeating: "s", count: 513)), "malformed-request"),
            (good.replacing("state", with: nil), "malformed-request"),
        ]
        for (authorization, code) in shown {
            let response = await fixture.browser(
                .post, "/dev-idp/authorize",
                form: authorization.parameters + [
                    ("preset", "citizen-tuyet")
                ])
            #expect(response.status.code == 400, "\(code)")
            #expect(response.headers["Location"] == nil)
            #expect(String(decoding: response.body, as: UTF8.self).contains(code))
        }
        let redirected: [(Fixture.Authorization, String, String)] = [
            (good.replacing("code_challenge", with: nil), "invalid_request", "pkce-required"),
            (good.replacing("code_challenge_method", with: "plain"), "invalid_request", "pkce-required"),
            (good.replacing("code_challenge", with: "short"), "invalid_request", "invalid-request"),
            (good.replacing("response_type", with: "token"), "unsupported_response_type", "unsupported-response-type"),
            (good.replacing("scope", with: "profile"), "invalid_scope", "invalid-scope"),
            (good.replacing("nonce", with: nil), "invalid_request", "invalid-request"),
        ]
        for (authorization, error, description) in redirected {
            let callback = try await fixture.authorize(authorization, ("preset", "citizen-tuyet"))
            #expect(callback["error"] == error)
            #expect(callback["error_description"] == description)
            #expect(callback["state"] == good.state)
            #expect(callback["code"] == nil)
        }
        let twice = await fixture.browser(
            .post, "/dev-idp/authorize", form: good.parameters + [("state", "other"), ("preset", "citizen-tuyet")])
        #expect(twice.status.code == 400)
        #expect(twice.headers["Location"] == nil)
    }

    @Test("A verifier that does not match the challenge is refused, and the code is spent")
    func pkceMismatch() async throws {
        let fixture = try Fixture()
        let authorization = Fixture.authorization()
        let callback = try await fixture.authorize(authorization, ("preset", "citizen-tuyet"))
        let wrong = try await fixture.exchange(
            code: callback["code"], verifier: Base64URL.encode(SecureRandom.bytes(32)))
        #expect(wrong.status == 400)
        #expect(Fixture.json(wrong)["error"] == "invalid_grant")
        let right = try await fixture.exchange(code: callback["code"], verifier: authorization.verifier)
        #expect(Fixture.json(right)["error"] == "invalid_grant")
    }

    @Test("A code works once")
    func replayedCode() async throws {
        let fixture = try Fixture()
        let authorization = Fixture.authorization()
        let callback = try await fixture.authorize(authorization, ("preset", "justice-officer"))
        let first = try await fixture.exchange(code: callback["code"], verifier: authorization.verifier)
        #expect(first.status == 200)
        let second = try await fixture.exchange(code: callback["code"], verifier: authorization.verifier)
        #expect(second.status == 400)
        #expect(Fixture.json(second)["error"] == "invalid_grant")
        #expect(!String(decoding: second.body, as: UTF8.self).contains(callback["code"] ?? "-"))
    }

    @Test("A code older than 60 seconds is refused")
    func expiredCode() async throws {
        let fixture = try Fixture()
        let authorization = Fixture.authorization()
        let callback = try await fixture.authorize(authorization, ("preset", "citizen-tuyet"))
        fixture.advance(seconds: 61)
        let answer = try await fixture.exchange(code: callback["code"], verifier: authorization.verifier)
        #expect(answer.status == 400)
        #expect(Fixture.json(answer)["error"] == "invalid_grant")
    }

    @Test("The token endpoint refuses a client assertion by another key, for another audience, or replayed")
    func clientAuthentication() async throws {
        let fixture = try Fixture()
        let stranger = try PrivateKey.generate(.ecP256)
        let reused = try fixture.assertion(jti: "once")
        let cases: [(String?, String)] = [
            (try fixture.assertion(key: stranger), "another key"),
            (try fixture.assertion(audience: "https://elsewhere.example/token"), "another audience"),
            (try fixture.assertion(lifetime: 3600), "too long-lived"),
            (reused, "replayed"),
            ("not.a.jws", "malformed"),
        ]
        // The reused assertion is spent first on a request that fails for its code, not its assertion.
        _ = try await fixture.exchange(code: "unknown", verifier: "v", assertion: reused)
        for (assertion, why) in cases {
            let authorization = Fixture.authorization()
            let callback = try await fixture.authorize(authorization, ("preset", "citizen-tuyet"))
            let answer = try await fixture.exchange(
                code: callback["code"], verifier: authorization.verifier, assertion: assertion)
            #expect(answer.status == 401, "\(why)")
            #expect(Fixture.json(answer)["error"] == "invalid_client", "\(why)")
            #expect(Fixture.json(answer)["id_token"] == nil)
        }
    }

    @Test("A full code table refuses new sign-ins with a page until codes expire")
    func fullTable() async throws {
        let fixture = try Fixture(codeCapacity: 2)
        for _ in 0..<2 { _ = try await fixture.authorize(Fixture.authorization(), ("preset", "citizen-tuyet")) }
        let refused = await fixture.browser(
            .post, "/dev-idp/authorize", form: Fixture.authorization().parameters + [("preset", "citizen-tuyet")])
        #expect(refused.status.code == 503)
        #expect(refused.headers["Retry-After"] == "60")
        #expect(refused.headers["Location"] == nil)
        #expect(String(decoding: refused.body, as: UTF8.self).contains("table-full"))
        fixture.advance(seconds: 61)
        let callback = try await fixture.authorize(Fixture.authorization(), ("preset", "citizen-tuyet"))
        #expect(callback["code"] != nil)
    }

    @Test("Sign-out returns to a registered address with the state, and to no other")
    func endSession() async throws {
        let fixture = try Fixture()
        let authorization = Fixture.authorization()
        let callback = try await fixture.authorize(authorization, ("preset", "citizen-tuyet"))
        let answer = try await fixture.exchange(code: callback["code"], verifier: authorization.verifier)
        let idToken = try #require(Fixture.json(answer)["id_token"]?.stringValue)
        let back = await fixture.browser(
            .get,
            "/dev-idp/end-session?"
                + Fixture.encode([
                    ("id_token_hint", idToken), ("post_logout_redirect_uri", Fixture.origin + "/"), ("state", "s-1"),
                ]))
        #expect(back.status.code == 302)
        #expect(back.headers["Location"] == Fixture.origin + "/?state=s-1")
        let elsewhere = await fixture.browser(
            .get,
            "/dev-idp/end-session?"
                + Fixture.encode([("id_token_hint", idToken), ("post_logout_redirect_uri", "https://evil.example/")]))
        #expect(elsewhere.status.code == 400)
        #expect(elsewhere.headers["Location"] == nil)
        let plain = await fixture.browser(.get, "/dev-idp/end-session?ui_locales=en")
        #expect(plain.status.code == 200)
        #expect(String(decoding: plain.body, as: UTF8.self).contains("You are signed out"))
    }

    @Test("The page speaks English when the client asks for it")
    func englishPage() async throws {
        let fixture = try Fixture()
        let authorization = Fixture.authorization().replacing("ui_locales", with: "en")
        let page = await fixture.browser(.get, "/dev-idp/authorize?" + Fixture.encode(authorization.parameters))
        let text = String(decoding: page.body, as: UTF8.self)
        #expect(text.contains("<html lang=\"en\">"))
        #expect(text.contains("Sign in (development identity provider)"))
        #expect(text.contains("Tiếng Việt"))
    }
}
