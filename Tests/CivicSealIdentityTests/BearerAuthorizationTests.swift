import CivicSealIdentity
import Foundation
import Testing

@Suite struct BearerAuthorizationTests {
    static let token = F.token(F.citizenClaims())

    @Test(arguments: ["Bearer %@", "bearer %@", "BEARER %@", "Bearer    %@", " Bearer %@ \t"])
    func acceptedSpellings(template: String) throws {
        let value = template.replacingOccurrences(of: "%@", with: Self.token)
        #expect(try BearerAuthorization.token(from: value) == Self.token[...])
        _ = try F.verifier().verify(authorization: value).requireCitizen()
    }

    @Test func missingCredentialsGetAChallengeWithoutAnErrorCode() {
        for value in [nil, "", "   "] as [String?] {
            let error = expectRefusal(.missingToken) { () throws(IdentityError) in
                try F.verifier().verify(authorization: value)
            }
            #expect(error?.httpStatus == 401)
            #expect(error?.wwwAuthenticate == #"Bearer realm="civicseal""#)
        }
        let basic = expectRefusal(.unsupportedScheme) { () throws(IdentityError) in
            try F.verifier().verify(authorization: "Basic dXNlcjpwYXNz")
        }
        #expect(basic?.wwwAuthenticate == #"Bearer realm="civicseal""#)
        expectRefusal(.unsupportedScheme) { () throws(IdentityError) in
            try F.verifier().verify(authorization: "Bearerx " + Self.token)
        }
        expectRefusal(.unsupportedScheme) { () throws(IdentityError) in
            try F.verifier().verify(authorization: Self.token)
        }
    }

    @Test(arguments: [
        "Bearer", "Bearer ", "Bearer %@ %@", "Bearer %@, Basic abc", "Bearer\t%@", "Bearer %@=", "Bearer %@+",
        "Bearer \"%@\"",
        "Bearer %@\u{0}", "Bearer %@\r\n",
    ])
    func malformedAuthorizationIsRefused(template: String) {
        let value = template.replacingOccurrences(of: "%@", with: Self.token)
        let error = expectRefusal(.malformedAuthorization) { () throws(IdentityError) in
            try F.verifier().verify(authorization: value)
        }
        #expect(error?.wwwAuthenticate == #"Bearer realm="civicseal", error="invalid_token""#)
        #expect(!(error?.description.contains(Self.token) ?? true))
    }

    @Test func twoAuthorizationFieldsAreRefused() throws {
        expectRefusal(.malformedAuthorization) {
            () throws(IdentityError) in
            try F.verifier().verify(authorizationFields: ["Bearer " + Self.token, "Bearer " + Self.token])
        }
        _ = try F.verifier().verify(authorizationFields: ["Bearer " + Self.token])
        expectRefusal(.missingToken) { () throws(IdentityError) in try F.verifier().verify(authorizationFields: []) }
    }

    @Test func headerLargerThanTheCapIsRefusedCheaply() {
        let value = "Bearer " + String(repeating: "a", count: 100_000)
        expectRefusal(.tokenTooLarge) { () throws(IdentityError) in try F.verifier().verify(authorization: value) }
    }
}
