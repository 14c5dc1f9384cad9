import CivicSealCrypto
import CivicSealIdentity
import CivicSealJSON
import CivicSealTestSupport
import Foundation
import Testing

/// `trusted-issuers.json` with sign-in providers: the shape, each bad value named by file and field.
@Suite struct RelyingPartyConfigurationTests {
    static let provider =
        #"{"issuer":"https://id.vneid.example","discovery":true,"clientID":"civicseal-hanoi","#
        + #""clientAuthentication":{"method":"private_key_jwt","key":"private/oidc-client.key.pem","kid":"c-2026"},"#
        + #""caBundle":"trust/provider-ca.pem","claims":{"roles":"groups","department":"org"},"#
        + #""acr":{"level1":"urn:vneid:loa:1","level2":"urn:vneid:loa:2"},"scopes":["profile"],"#
        + #""principals":["citizen","staff"],"algorithms":["ES256","RS256"]}"#

    static func directory(_ text: String) throws -> TemporaryDirectory {
        let directory = TemporaryDirectory("civicseal-oidc-config")
        for folder in ["private", "trust"] {
            try FileManager.default.createDirectory(
                atPath: "\(directory.path)/\(folder)", withIntermediateDirectories: true)
        }
        _ = try directory.write("private/oidc-client.key.pem", text: try PrivateKey.generate(.ecP256).pkcs8PEM())
        _ = try directory.write("private/rsa.key.pem", text: try PrivateKey.generate(.rsa(bits: 2048)).pkcs8PEM())
        _ = try directory.write("private/oidc-client.secret", text: "s3cret\n")
        _ = try directory.write("trust/provider-ca.pem", text: "-----BEGIN CERTIFICATE-----\n")
        _ = try directory.write("trusted-issuers.json", text: text)
        return directory
    }

    @Test func signInProviderLoadsWithClientKeyMappingAndCABundle() throws {
        let directory = try Self.directory(#"{"issuers":[\#(Self.provider)]}"#)
        let issuers = try TrustedIssuers.load(file: "\(directory.path)/trusted-issuers.json")
        let issuer = try #require(issuers.issuer("https://id.vneid.example"))
        #expect(issuer.usesDiscovery && !issuer.keys.isFixed && issuer.audience == "civicseal-hanoi")
        let settings = try #require(issuer.relyingParty)
        #expect(settings.clientID == "civicseal-hanoi" && settings.clientAuthentication.method == "private_key_jwt")
        #expect(settings.caBundle == "\(directory.path)/trust/provider-ca.pem" && settings.scopes == ["profile"])
        #expect(issuer.claimMapping.level(acr: "urn:vneid:loa:2") == .level2)
        #expect(issuer.claimMapping.rolesClaim == "groups" && issuer.claimMapping.departmentClaim == "org")
    }

    @Test func clientSecretBasicReadsTheSecretFile() throws {
        let entry = Self.provider.replacingOccurrences(
            of: #"{"method":"private_key_jwt","key":"private/oidc-client.key.pem","kid":"c-2026"}"#,
            with: #"{"method":"client_secret_basic","secretFile":"private/oidc-client.secret"}"#)
        let directory = try Self.directory(#"{"issuers":[\#(entry)]}"#)
        let issuer = try #require(
            try TrustedIssuers.load(file: "\(directory.path)/trusted-issuers.json").issuers.first)
        guard case .clientSecretBasic(let secret) = issuer.relyingParty?.clientAuthentication else {
            Issue.record("not client_secret_basic")
            return
        }
        #expect(secret == "s3cret")
    }

    @Test(arguments: [
        (#""discovery":false"#, IdentityConfigurationError.Code.missingField, "issuers[0].jwks"),
        (#""jwks":"idp/jwks.json""#, .invalidValue, "issuers[0].jwks"),
        (#""discovery":"yes""#, .invalidValue, "issuers[0].discovery"),
        (#""clientID":"""#, .invalidValue, "issuers[0].clientID"),
        (
            #""clientAuthentication":{"method":"client_secret_post"}"#, .invalidValue,
            "issuers[0].clientAuthentication.method"
        ),
        (
            #""clientAuthentication":{"method":"private_key_jwt","key":"private/oidc-client.key.pem"}"#, .missingField,
            "issuers[0].clientAuthentication.kid"
        ),
        (
            #""clientAuthentication":{"method":"client_secret_basic"}"#, .missingField,
            "issuers[0].clientAuthentication.secretFile"
        ),
        (
            #""clientAuthentication":{"method":"private_key_jwt","key":"k","kid":"x","sekret":"y"}"#, .invalidValue,
            "issuers[0].clientAuthentication.sekret"
        ),
        (
            #""clientAuthentication":{"method":"private_key_jwt","key":"private/none.pem","kid":"x"}"#,
            .unreadableFile, "issuers[0].clientAuthentication.key"
        ),
        (
            #""clientAuthentication":{"method":"private_key_jwt","key":"private/rsa.key.pem","kid":"x"}"#,
            .invalidValue, "issuers[0].clientAuthentication.key"
        ),
        (#""caBundle":"trust/missing.pem""#, .unreadableFile, "issuers[0].caBundle"),
        (#""claims":{"role":"groups"}"#, .invalidValue, "issuers[0].claims.role"),
        (#""acr":{"level1":"a"}"#, .missingField, "issuers[0].acr.level2"),
        (#""acr":{"level1":"a","level2":"a"}"#, .invalidValue, "issuers[0].acr.level2"),
        (#""scopes":"profile""#, .invalidValue, "issuers[0].scopes"),
    ])
    func badSignInProviderValuesNameTheField(member: String, code: IdentityConfigurationError.Code, field: String)
        throws
    {
        var object = try JSONValue(parsing: Array(Self.provider.utf8)).objectValue!
        let replacement = try JSONValue(parsing: Array("{\(member)}".utf8)).objectValue!
        for (name, value) in replacement { object[name] = value }
        let directory = try Self.directory(#"{"issuers":[\#(JSONValue.object(object).serialized())]}"#)
        do {
            _ = try TrustedIssuers.load(file: "\(directory.path)/trusted-issuers.json")
            Issue.record("\(member) was accepted")
        } catch {
            #expect(error.code == code, "\(error)")
            #expect(error.field == field, "\(error)")
        }
    }

    @Test func clientWithoutDiscoveryOrAuthenticationIsRefused() throws {
        var object = try JSONValue(parsing: Array(Self.provider.utf8)).objectValue!
        object["clientAuthentication"] = nil
        var directory = try Self.directory(#"{"issuers":[\#(JSONValue.object(object).serialized())]}"#)
        #expect(
            throws: IdentityConfigurationError(.missingField, file: "", field: "issuers[0].clientAuthentication", "")
        ) {
            try TrustedIssuers.load(file: "\(directory.path)/trusted-issuers.json")
        }
        object = try JSONValue(parsing: Array(Self.provider.utf8)).objectValue!
        object["discovery"] = nil
        object["caBundle"] = nil
        object["jwks"] = "idp/jwks.json"
        directory = try Self.directory(#"{"issuers":[\#(JSONValue.object(object).serialized())]}"#)
        #expect(throws: IdentityConfigurationError(.invalidValue, file: "", field: "issuers[0].clientID", "")) {
            try TrustedIssuers.load(file: "\(directory.path)/trusted-issuers.json")
        }
    }

    @Test func fileWithSignInProviderRoundTripsThroughItsEncoding() throws {
        let file = try TrustedIssuersFile.parse(Array(#"{"issuers":[\#(Self.provider)]}"#.utf8), file: "x")
        #expect(try TrustedIssuersFile.parse(Array(file.encoded().utf8), file: "x") == file)
    }
}
