import CivicSealCrypto
import CivicSealIdentity
import CivicSealJSON
import CivicSealTestSupport
import CivicSealWorkflow
import Foundation
import Testing

typealias F = IdentityFixtures

/// Expects `body` to throw an ``IdentityError`` with `code` and returns it.
@discardableResult
func expectRefusal(
    _ code: IdentityError.Code, sourceLocation: SourceLocation = #_sourceLocation,
    _ body: () throws(IdentityError) -> Principal
) -> IdentityError? {
    do {
        let principal = try body()
        Issue.record("expected \(code), got a \(principal.kind) principal", sourceLocation: sourceLocation)
        return nil
    } catch {
        #expect(error.code == code, "\(error)", sourceLocation: sourceLocation)
        return error
    }
}

@Suite struct TokenAcceptanceTests {
    @Test func validCitizenTokenGivesTheApplicant() throws {
        let principal = try F.verifier().verify(authorization: "Bearer " + F.token(F.citizenClaims()))
        let citizen = try principal.requireCitizen()
        #expect(citizen.personalID.digits == "001090012345")
        #expect(citizen.identity.fullName == "Nguyễn Văn An")
        #expect(citizen.identity.birthDate == CalendarDate("1990-05-17"))
        #expect(citizen.identity.sex == .male)
        #expect(citizen.assuranceLevel == .level2)
        #expect(citizen.subject == "vneid-8f14e45f")
        #expect(citizen.token.issuer == F.issuer)
        #expect(citizen.token.expiresAt == Date(timeIntervalSince1970: Double(F.nowSeconds + 600)))
        #expect(citizen.applicant == Applicant(identity: citizen.identity, assuranceLevel: .level2))
    }

    @Test func validStaffTokenGivesRolesAndDepartment() throws {
        let claims = F.staffClaims(["roles": ["justice.officer", "health.clinician", "library.admin"]])
        let staff = try F.verifier().verify(token: F.token(claims)).requireStaff(role: .justiceOfficer)
        #expect(staff.roles == [.justiceOfficer, .healthClinician], "unknown roles are ignored")
        #expect(staff.department == "justice-hanoi")
        #expect(staff.name == "Trần Thị Bình")
    }

    @Test func decomposedNameIsNormalisedToNFC() throws {
        let decomposed = "Nguye\u{0302}\u{0303}n  Va\u{0306}n An "
        let citizen = try F.verifier().verify(token: F.token(F.citizenClaims(["name": .string(decomposed)])))
            .requireCitizen()
        #expect(citizen.identity.fullName == "Nguyễn Văn An")
        #expect(
            citizen.identity.fullName.unicodeScalars.count
                == "Nguyễn Văn An".precomposedStringWithCanonicalMapping.unicodeScalars.count)
    }

    @Test func audienceArrayContainingOursIsAccepted() throws {
        let claims = F.citizenClaims(["aud": ["other-client", "civicseal"], "azp": "civicseal"])
        _ = try F.verifier().verify(token: F.token(claims)).requireCitizen()
    }

    @Test func femaleBornIn2005FromHoChiMinhCity() throws {
        let claims = F.citizenClaims([
            "personal_id": "079305012345", "birthdate": "2005-01-31", "gender": "female", "name": "Lê Thị Cúc",
        ])
        let citizen = try F.verifier().verify(token: F.token(claims)).requireCitizen()
        #expect(citizen.identity.sex == .female && citizen.personalID.provinceCode == .hoChiMinhCity)
    }

    @Test func leewayAllowsSmallClockSkew() throws {
        let claims = F.citizenClaims([
            "exp": .number(String(F.nowSeconds - 30)), "iat": .number(String(F.nowSeconds + 30)),
            "nbf": .number(String(F.nowSeconds + 30)),
        ])
        _ = try F.verifier().verify(token: F.token(claims))
    }

    @Test func fractionalNumericDatesAreNumbers() throws {
        _ = try F.verifier().verify(token: F.token(F.citizenClaims(["exp": .number("\(F.nowSeconds + 100).5")])))
    }
}

/// The token cases of issue #4's acceptance list, one test each.
@Suite struct TokenRejectionTests {
    @Test func anotherIssuerIsRefused() {
        let other = try! JWSSigner(privateKey: F.otherKey, keyID: F.keyID, algorithm: .es256)
        let error = expectRefusal(.unknownIssuer) {
            () throws(IdentityError) in
            try F.verifier().verify(token: F.token(F.citizenClaims(["iss": "https://evil.example"]), signer: other))
        }
        #expect(error?.httpStatus == 401)
        #expect(error?.wwwAuthenticate == #"Bearer realm="civicseal", error="invalid_token""#)
    }

    @Test func anotherKeyClaimingOurIssuerIsRefused() {
        let impostor = try! JWSSigner(privateKey: F.otherKey, keyID: F.keyID, algorithm: .es256)
        expectRefusal(.invalidSignature) { () throws(IdentityError) in
            try F.verifier().verify(token: F.token(F.citizenClaims(), signer: impostor))
        }
    }

    @Test func issuerIsComparedExactly() {
        for variant in [F.issuer + "/", "HTTPS://idp.example.vn/oidc", F.issuer + " "] {
            expectRefusal(.unknownIssuer) { () throws(IdentityError) in
                try F.verifier().verify(token: F.token(F.citizenClaims(["iss": .string(variant)])))
            }
        }
    }

    @Test func staffTokenOnACitizenRouteIsForbidden() throws {
        let principal = try F.verifier().verify(token: F.token(F.staffClaims()))
        #expect(throws: IdentityError(.wrongPrincipal, "")) { try principal.requireCitizen() }
        do { _ = try principal.requireCitizen() } catch {
            #expect(error.httpStatus == 403)
            #expect(error.wwwAuthenticate.contains(#"error="insufficient_scope""#))
        }
    }

    @Test func citizenTokenOnAStaffRouteIsForbidden() throws {
        let principal = try F.verifier().verify(token: F.token(F.citizenClaims()))
        #expect(throws: IdentityError(.wrongPrincipal, "")) { try principal.requireStaff(role: .justiceOfficer) }
    }

    @Test func staffWithoutTheRouteRoleIsForbidden() throws {
        let principal = try F.verifier().verify(token: F.token(F.staffClaims(["roles": ["health.clinician"]])))
        #expect(throws: IdentityError(.missingRole, "")) { try principal.requireStaff(role: .justiceOfficer) }
        #expect(throws: IdentityError(.missingRole, "")) {
            try principal.requireStaff(anyOf: [.justiceOfficer, .healthOfficer])
        }
        #expect(try principal.requireStaff(anyOf: [.healthClinician]).department == "justice-hanoi")
    }

    @Test func staffTokenFromACitizenOnlyIssuerIsRefused() {
        expectRefusal(.principalNotAllowed) {
            () throws(IdentityError) in
            try F.verifier(F.issuers(citizenOnly: true)).verify(token: F.token(F.staffClaims()))
        }
    }

    @Test func expiredTokenIsRefused() {
        let claims = F.citizenClaims([
            "exp": .number(String(F.nowSeconds - 61)), "iat": .number(String(F.nowSeconds - 600)),
        ])
        let error = expectRefusal(.expired) { () throws(IdentityError) in
            try F.verifier().verify(token: F.token(claims))
        }
        #expect(error?.claim == "exp")
    }

    @Test func notYetValidTokenIsRefused() {
        let claims = F.citizenClaims(["nbf": .number(String(F.nowSeconds + 120))])
        expectRefusal(.notYetValid) { () throws(IdentityError) in try F.verifier().verify(token: F.token(claims)) }
    }

    @Test func tokenIssuedInTheFutureIsRefused() {
        let claims = F.citizenClaims(["iat": .number(String(F.nowSeconds + 120))])
        expectRefusal(.issuedInFuture) { () throws(IdentityError) in try F.verifier().verify(token: F.token(claims)) }
    }

    @Test func tokenIssuedTooLongAgoIsRefused() {
        let claims = F.citizenClaims([
            "iat": .number(String(F.nowSeconds - 25 * 3600)), "exp": .number(String(F.nowSeconds + 3600)),
        ])
        expectRefusal(.tooOld) { () throws(IdentityError) in try F.verifier().verify(token: F.token(claims)) }
        let lenient = F.verifier(policy: TokenPolicy(maximumAge: 48 * 3600))
        #expect((try? lenient.verify(token: F.token(claims))) != nil)
    }

    @Test func wrongAudienceIsRefused() {
        for audience: JSONValue in ["other-service", ["other-service", "another"], "CIVICSEAL"] {
            expectRefusal(.wrongAudience) { () throws(IdentityError) in
                try F.verifier().verify(token: F.token(F.citizenClaims(["aud": audience])))
            }
        }
        expectRefusal(.wrongAudience) {
            () throws(IdentityError) in
            try F.verifier().verify(token: F.token(F.citizenClaims(["aud": ["civicseal", "x"], "azp": "x"])))
        }
        expectRefusal(.missingClaim) { () throws(IdentityError) in
            try F.verifier().verify(token: F.token(F.citizenClaims(["aud": nil])))
        }
        expectRefusal(.invalidClaim) { () throws(IdentityError) in
            try F.verifier().verify(token: F.token(F.citizenClaims(["aud": []])))
        }
    }

    @Test func algNoneIsRefused() {
        let payload = F.encoded(.object(F.citizenClaims()))
        for header in [#"{"alg":"none"}"#, #"{"alg":"None","kid":"idp-2026"}"#] {
            let token = Base64URL.encode(Array(header.utf8)) + "." + payload + "."
            expectRefusal(.algorithmNone) { () throws(IdentityError) in
                try F.verifier().verify(authorization: "Bearer " + token)
            }
        }
    }

    /// The classic key-confusion attack: HS256 with the issuer's public key (PEM text) as the HMAC secret.
    /// The MAC is made by Python's `hmac`, not by CivicSeal.
    @Test(.enabled(if: ExternalTool.isUsable("python3")))
    func hs256SignedWithThePublicKeyAsSecretIsRefused() throws {
        let pem = try F.key.publicKey.pem()
        let input =
            Base64URL.encode(Array(#"{"alg":"HS256","kid":"idp-2026","typ":"JWT"}"#.utf8)) + "."
            + F.encoded(.object(F.citizenClaims()))
        let script = """
            import sys, hmac, hashlib, base64
            secret = sys.stdin.buffer.read()
            mac = hmac.new(secret, sys.argv[1].encode(), hashlib.sha256).digest()
            print(base64.urlsafe_b64encode(mac).rstrip(b"=").decode())
            """
        let output = try ExternalTool.run("python3", ["-c", script, input], input: Data(pem.utf8))
        #expect(output.status == 0, "\(output.errorText)")
        let token = input + "." + output.text.trimmingCharacters(in: .whitespacesAndNewlines)
        #expect(token.split(separator: ".").count == 3 && token.count > input.count + 40)
        expectRefusal(.symmetricAlgorithm) { () throws(IdentityError) in
            try F.verifier().verify(authorization: "Bearer " + token)
        }
    }

    @Test func kidNotInTheSetIsRefused() {
        let stranger = try! JWSSigner(privateKey: F.otherKey, keyID: "rotated-away", algorithm: .es256)
        expectRefusal(.unknownKeyID) { () throws(IdentityError) in
            try F.verifier().verify(token: F.token(F.citizenClaims(), signer: stranger))
        }
    }

    @Test func algorithmNotConfiguredForTheIssuerIsRefused() throws {
        let p384 = try PrivateKey.generate(.ecP384)
        let signer = try JWSSigner(privateKey: p384, keyID: "p384", algorithm: .es384)
        let keySet = JSONWebKeySet(keys: [try signer.publicJWK()])
        let issuers = TrustedIssuers([
            TrustedIssuer(
                issuer: F.issuer, audience: F.audience, keySet: keySet, algorithms: [.es256], principals: [.citizen])
        ])
        expectRefusal(.unsupportedAlgorithm) { () throws(IdentityError) in
            try F.verifier(issuers).verify(token: F.token(F.citizenClaims(), signer: signer))
        }
    }

    @Test func unknownCriticalHeaderIsRefused() {
        let token = F.rawToken(
            header: #"{"alg":"ES256","kid":"idp-2026","crit":["exp-ext"],"exp-ext":1}"#,
            payload: JSONValue.object(F.citizenClaims()).serialized())
        expectRefusal(.invalidCriticalHeader) { () throws(IdentityError) in try F.verifier().verify(token: token) }
    }

    @Test func accessTokenTypeIsRefused() {
        let token = F.rawToken(
            header: #"{"alg":"ES256","kid":"idp-2026","typ":"at+jwt"}"#,
            payload: JSONValue.object(F.citizenClaims()).serialized())
        expectRefusal(.unexpectedTokenType) { () throws(IdentityError) in try F.verifier().verify(token: token) }
    }

    @Test func level1AccountCannotRequestACriminalRecord() throws {
        let citizen = try F.verifier().verify(token: F.token(F.citizenClaims(["acr": "level1"]))).requireCitizen()
        #expect(citizen.assuranceLevel == .level1)
        #expect(!citizen.meetsAssurance(for: .criminalRecord))
        #expect(throws: IdentityError(.insufficientAssurance, "")) {
            try citizen.requireAssurance(for: .criminalRecord)
        }
        do { try citizen.requireAssurance(for: .criminalRecord) } catch { #expect(error.httpStatus == 403) }
        // Configurable like the workflow: a policy that accepts level 1 for health-book extracts.
        var policy = ValidationPolicy()
        policy.healthBookExtractAssurance = .level1
        #expect(citizen.meetsAssurance(for: .healthBookExtract, policy: policy))
        let level2 = try F.verifier().verify(token: F.token(F.citizenClaims())).requireCitizen()
        try level2.requireAssurance(for: .criminalRecord)
    }
}

@Suite struct TokenClaimTests {
    @Test(
        arguments: [
            ("personal_id", JSONValue.string("001190012345"), "personal_id"),  // digit 1 = female, declared male
            ("personal_id", "001000012345", "personal_id"),  // year 00 vs 1990
            ("personal_id", "999090012345", "personal_id"),  // unknown province
            ("personal_id", "00109001234", "personal_id"),  // 11 digits
            ("personal_id", "００１090012345", "personal_id"),  // full-width digits
            ("birthdate", "1990-02-30", "birthdate"),
            ("birthdate", "17/05/1990", "birthdate"),
            ("gender", "other", "gender"),
            ("acr", "level3", "acr"),
            ("name", "Nguyễn\u{0007}An", "name"),
            ("name", .string(String(repeating: "A", count: 101)), "name"),
            ("name", "   ", "name"),
        ] as [(String, JSONValue, String)])
    func badCitizenClaimIsRefusedWithoutQuotingIt(name: String, value: JSONValue, claim: String) {
        let token = F.token(F.citizenClaims([name: value]))
        let error = expectRefusal(.invalidClaim) { () throws(IdentityError) in try F.verifier().verify(token: token) }
        #expect(error?.claim == claim, "\(String(describing: error))")
        let text = error.map { "\($0) \($0.message) \($0.reasons)" } ?? ""
        for secret in ["001090012345", "1990", "Nguyễn", token] { #expect(!text.contains(secret), "\(text)") }
    }

    @Test func nationalityClaimReachesTheApplicantAndMustBeAKnownCountry() throws {
        let citizen = try F.verifier().verify(token: F.token(F.citizenClaims(["nationality": "VN"]))).requireCitizen()
        #expect(citizen.applicant.nationality == "VN")
        let none = try F.verifier().verify(token: F.token(F.citizenClaims())).requireCitizen()
        #expect(none.applicant.nationality == nil)
        for bad: JSONValue in ["XX", "Vi", "Việt Nam", 84] {
            let error = expectRefusal(.invalidClaim) {
                () throws(IdentityError) in
                try F.verifier().verify(token: F.token(F.citizenClaims(["nationality": bad])))
            }
            #expect(error?.claim == "nationality", "\(bad): \(String(describing: error))")
        }
    }

    @Test func genderDisagreeingWithTheIDNumberIsRefused() {
        let error = expectRefusal(.invalidClaim) {
            () throws(IdentityError) in try F.verifier().verify(token: F.token(F.citizenClaims(["gender": "female"])))
        }
        #expect(error?.reasons == ["personal_id: personalId.sex-mismatch"])
    }

    @Test(arguments: ["sub", "personal_id", "name", "birthdate", "gender", "acr", "exp", "iat"])
    func missingCitizenClaimIsRefused(claim: String) {
        let code: IdentityError.Code = claim == "personal_id" ? .ambiguousPrincipal : .missingClaim
        let error = expectRefusal(code) { () throws(IdentityError) in
            try F.verifier().verify(token: F.token(F.citizenClaims([claim: nil])))
        }
        if code == .missingClaim { #expect(error?.claim == claim) }
    }

    @Test(
        arguments: [
            ("exp", JSONValue.string("1795000600")), ("iat", JSONValue.string("1795000000")),
            ("nbf", JSONValue.bool(true)),
            ("exp", JSONValue.number("-1")), ("exp", JSONValue.number("1e400")), ("sub", JSONValue.number("42")),
            ("sub", JSONValue.string("")), ("sub", JSONValue.string("has space")),
            ("personal_id", JSONValue.number("1090012345")), ("name", JSONValue.null),
        ] as [(String, JSONValue)])
    func wronglyTypedClaimIsRefused(name: String, value: JSONValue) {
        let error = expectRefusal(.invalidClaim) { () throws(IdentityError) in
            try F.verifier().verify(token: F.token(F.citizenClaims([name: value])))
        }
        #expect(error?.claim == name)
    }

    @Test func tokenWithBothOrNeitherPrincipalKindIsRefused() {
        expectRefusal(.ambiguousPrincipal) {
            () throws(IdentityError) in
            try F.verifier().verify(
                token: F.token(F.citizenClaims(["roles": ["justice.officer"], "department": "justice-hanoi"])))
        }
        expectRefusal(.ambiguousPrincipal) { () throws(IdentityError) in
            try F.verifier().verify(token: F.token(F.staffClaims(["roles": nil])))
        }
    }

    @Test(
        arguments: [
            ("roles", JSONValue.array([])), ("roles", JSONValue.array(["library.admin"])),
            ("roles", JSONValue.string("justice.officer")),
            ("roles", JSONValue.array([1])), ("department", JSONValue.string("Justice Hanoi")),
            ("department", JSONValue.string("-hanoi")),
            ("department", JSONValue.number("7")), ("name", JSONValue.string("\u{0085}")),
        ] as [(String, JSONValue)])
    func badStaffClaimIsRefused(name: String, value: JSONValue) {
        let error = expectRefusal(.invalidClaim) { () throws(IdentityError) in
            try F.verifier().verify(token: F.token(F.staffClaims([name: value])))
        }
        #expect(error?.claim == name)
    }

    @Test func duplicateClaimNamesAreRefused() {
        let payload =
            #"{"iss":"https://idp.example.vn/oidc","aud":"civicseal","sub":"a","sub":"b","#
            + #""iat":1795000000,"exp":1795000600,"#
            + #""personal_id":"001090012345","name":"An","birthdate":"1990-05-17","gender":"male","acr":"level2"}"#
        expectRefusal(.malformedToken) { () throws(IdentityError) in
            try F.verifier().verify(token: F.rawToken(header: #"{"alg":"ES256","kid":"idp-2026"}"#, payload: payload))
        }
    }

    @Test func tamperedPayloadIsRefused() {
        let token = F.token(F.citizenClaims())
        var parts = token.split(separator: ".").map(String.init)
        parts[1] = F.encoded(.object(F.citizenClaims(["acr": "level2", "personal_id": "001090099999"])))
        expectRefusal(.invalidSignature) { () throws(IdentityError) in
            try F.verifier().verify(token: parts.joined(separator: "."))
        }
    }

    @Test(arguments: ["", "a.b", "a.b.c.d", "eyJhbGciOiJFUzI1NiJ9.!!!.sig", "eyJhbGciOiJFUzI1NiJ9.WzFd.c2ln"])
    func malformedTokenIsRefused(token: String) {
        expectRefusal(.malformedToken) { () throws(IdentityError) in try F.verifier().verify(token: token) }
    }

    @Test func oversizedTokenIsRefusedBeforeAnyParsing() {
        let token = F.token(F.citizenClaims(["padding": .string(String(repeating: "x", count: 9000))]))
        expectRefusal(.tokenTooLarge) { () throws(IdentityError) in try F.verifier().verify(token: token) }
        expectRefusal(.tokenTooLarge) { () throws(IdentityError) in
            try F.verifier().verify(authorization: "Bearer " + token)
        }
    }
}
