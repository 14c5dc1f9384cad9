import CivicSealCrypto
import CivicSealJSON
import CivicSealServiceTestSupport
import CivicSealTestSupport
import Foundation
import Testing

/// Identity tokens at the door of the live service: each refusal is a 401 (or 403) problem naming the
/// identity code, and the request behind it is never carried out.
@Suite("Live API: identity tokens")
struct TokenTests {
    static var now: Int64 { Int64(Date().timeIntervalSince1970) }

    /// Submits with `token` and checks the refusal: status, the identity code in `errors`, the Bearer challenge.
    static func expectRefusal(
        _ live: LiveService, token: String?, status: Int = 401, code: String, body: String = Bodies.criminalRecord(),
        sourceLocation: SourceLocation = #_sourceLocation
    ) async throws {
        let response = try await live.client.post("/v1/requests", token: token, json: body)
        #expect(response.status == status, "\(response)", sourceLocation: sourceLocation)
        #expect(response.header("Content-Type") == "application/problem+json", sourceLocation: sourceLocation)
        #expect(response.problemErrors.first?.code == code, "\(response)", sourceLocation: sourceLocation)
        #expect(response.header("WWW-Authenticate")?.hasPrefix("Bearer ") == true, sourceLocation: sourceLocation)
        if let token { #expect(!response.text.contains(token), sourceLocation: sourceLocation) }
        let stored = try await live.service.store.requestCountsByState()
        #expect(stored.values.reduce(0, +) == 0, "a refused token stored a request", sourceLocation: sourceLocation)
    }

    /// `header.payload.signature` from JSON texts and raw signature bytes.
    static func compact(header: String, claims: [String: JSONValue], signature: [UInt8] = []) -> String {
        Base64URL.encode(Array(header.utf8)) + "." + Base64URL.encode(Array(JSONValue.object(claims).serialized().utf8))
            + "."
            + Base64URL.encode(signature)
    }

    @Test("no token gets 401 with a bare Bearer challenge (RFC 6750 §3.1: no error code)")
    func missingTokenIsUnauthorized() async throws {
        try await withLiveService { live in
            try await Self.expectRefusal(live, token: nil, code: "missing-token")
            let response = try await live.client.get("/v1/requests")
            #expect(response.status == 401)
            #expect(response.header("WWW-Authenticate") == #"Bearer realm="civicseal""#)
        }
    }

    @Test("a token from an issuer the service does not trust, signed by its own key, gets 401")
    func anotherIssuerIsRefused() async throws {
        try await withLiveService { live in
            let stranger = try PrivateKey.generate(.ecP256)
            let claims = try live.citizenClaims(.man(30), ["iss": "https://idp.elsewhere.invalid/oidc"])
            try await Self.expectRefusal(
                live, token: try live.sign(claims, key: stranger, keyID: "other-2026"), code: "unknown-issuer")
            let response = try await live.client.get(
                "/v1/requests", token: try live.sign(claims, key: stranger, keyID: "other-2026"))
            #expect(response.header("WWW-Authenticate")?.contains(#"error="invalid_token""#) == true)
        }
    }

    @Test("a token claiming the development issuer but signed by another key gets 401")
    func forgedSignatureIsRefused() async throws {
        try await withLiveService { live in
            let forged = try live.sign(try live.citizenClaims(.man(31)), key: try PrivateKey.generate(.ecP256))
            try await Self.expectRefusal(live, token: forged, code: "invalid-signature")
        }
    }

    @Test("an expired token gets 401")
    func expiredTokenIsRefused() async throws {
        try await withLiveService { live in
            let claims = try live.citizenClaims(
                .man(32), ["iat": .number(String(Self.now - 7200)), "exp": .number(String(Self.now - 3600))])
            try await Self.expectRefusal(live, token: try live.sign(claims), code: "expired")
        }
    }

    @Test("a token whose nbf is in the future gets 401")
    func notYetValidTokenIsRefused() async throws {
        try await withLiveService { live in
            let claims = try live.citizenClaims(.man(33), ["nbf": .number(String(Self.now + 3600))])
            try await Self.expectRefusal(live, token: try live.sign(claims), code: "not-yet-valid")
        }
    }

    @Test("a token for another audience gets 401")
    func wrongAudienceIsRefused() async throws {
        try await withLiveService { live in
            let claims = try live.citizenClaims(.man(34), ["aud": "tax-portal"])
            try await Self.expectRefusal(live, token: try live.sign(claims), code: "wrong-audience")
        }
    }

    @Test("an unsecured token (alg none, in any capitalisation) gets 401")
    func algorithmNoneIsRefused() async throws {
        try await withLiveService { live in
            let kid = try live.identityProvider.kid
            let claims = try live.citizenClaims(.man(35))
            for alg in ["none", "None", "NONE"] {
                let token = Self.compact(header: #"{"alg":"\#(alg)","typ":"JWT","kid":"\#(kid)"}"#, claims: claims)
                try await Self.expectRefusal(live, token: token, code: "alg-none")
            }
        }
    }

    @Test(
        "HS256 signed with the issuer's public key (PEM) as the HMAC secret gets 401",
        .enabled(if: ExternalTool.isUsable("python3")))
    func hmacWithPublicKeyIsRefused() async throws {
        try await withLiveService { live in
            let publicPEM = try live.folder.write("idp-public.pem", text: try live.identityProviderKey.publicKey.pem())
            let kid = try live.identityProvider.kid
            let script = """
                import base64, hashlib, hmac, sys
                def b64(data): return base64.urlsafe_b64encode(data).rstrip(b"=").decode()
                secret = open(sys.argv[1], "rb").read()
                signing_input = b64(sys.argv[2].encode()) + "." + b64(sys.argv[3].encode())
                print(signing_input + "." + b64(hmac.new(secret, signing_input.encode(), hashlib.sha256).digest()))
                """
            let claims = JSONValue.object(try live.citizenClaims(.man(36))).serialized()
            let output = try ExternalTool.run(
                "python3", ["-c", script, publicPEM, #"{"alg":"HS256","typ":"JWT","kid":"\#(kid)"}"#, claims])
            #expect(output.status == 0, "\(output.errorText)")
            let token = output.text.trimmingCharacters(in: .whitespacesAndNewlines)
            #expect(token.split(separator: ".").count == 3)
            try await Self.expectRefusal(live, token: token, code: "symmetric-algorithm")
        }
    }

    @Test("a token whose kid names no key of the issuer's set gets 401")
    func unknownKeyIDIsRefused() async throws {
        try await withLiveService { live in
            let token = try live.sign(try live.citizenClaims(.man(37)), keyID: "dev-rotated-away")
            try await Self.expectRefusal(live, token: token, code: "unknown-kid")
        }
    }

    @Test("a level1 citizen is refused a criminal-record request with 403")
    func levelOneCannotRequestCriminalRecord() async throws {
        try await withLiveService { live in
            try await Self.expectRefusal(
                live, token: try live.token(for: .man(38), level: 1), status: 403, code: "insufficient-assurance")
            let response = try await live.client.post(
                "/v1/requests", token: try live.token(for: .man(38), level: 1), json: Bodies.criminalRecord())
            #expect(response.header("WWW-Authenticate")?.contains(#"error="insufficient_scope""#) == true)
            // The same person at level 2 is accepted.
            #expect(
                try await live.client.post(
                    "/v1/requests", token: try live.token(for: .man(38)), json: Bodies.criminalRecord()
                ).status == 201)
        }
    }

    /// `ValidationPolicy()` requires level 2 for every kind (`healthCertificateAssurance: .level2`), so a level1
    /// account is refused a health certificate too.
    @Test(
        "a level1 citizen is refused a health certificate too, since the default policy requires level2 for every kind")
    func levelOneCannotRequestHealthCertificateUnderDefaultPolicy() async throws {
        try await withLiveService { live in
            try await Self.expectRefusal(
                live, token: try live.token(for: .man(39), level: 1), status: 403, code: "insufficient-assurance",
                body: Bodies.healthCertificate)
        }
    }

    @Test(
        "an ES256 citizen token made by joserfc (an independent JOSE implementation) is accepted",
        .enabled(if: ExternalTool.isUsable("python3")))
    func joserfcTokenIsAccepted() async throws {
        try await withLiveService { live in
            let script = """
                import json, sys
                from joserfc import jwt
                from joserfc.jwk import ECKey
                key = ECKey.import_key(open(sys.argv[1], "rb").read())
                print(jwt.encode({"alg": "ES256", "typ": "JWT", "kid": sys.argv[2]}, json.loads(sys.argv[3]), key))
                """
            let person = Person.man(40)
            let claims = JSONValue.object(try live.citizenClaims(person)).serialized()
            let output = try ExternalTool.run(
                "python3", ["-c", script, try live.identityProviderKeyPath, try live.identityProvider.kid, claims])
            #expect(output.status == 0, "\(output.errorText)")
            let token = output.text.trimmingCharacters(in: .whitespacesAndNewlines)
            let submitted = try await live.client.post("/v1/requests", token: token, json: Bodies.criminalRecord())
            #expect(submitted.status == 201, "\(submitted)")
            // The same person with a Swift-minted token sees the request: identity is by personal ID, not by token.
            let own = try await live.client.get("/v1/requests", token: try live.token(for: person))
            #expect((own.json["items"] as? [[String: Any]])?.first?["id"] as? String == submitted.json["id"] as? String)
        }
    }
}
