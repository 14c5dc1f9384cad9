import CivicSealIdentity
import CivicSealJSON
import CivicSealTestSupport
import Foundation
import Testing

@Suite struct TrustedIssuersTests {
    static let entry =
        #"{"issuer":"https://idp.example.vn/oidc","audience":"civicseal","jwks":"idp/jwks.json","#
        + #""principals":["citizen","staff"],"algorithms":["ES256"],"development":true}"#

    /// A keys directory with the fixture JWK set and `trusted-issuers.json` holding `text`.
    static func directory(_ text: String) throws -> TemporaryDirectory {
        let directory = TemporaryDirectory("civicseal-identity")
        try FileManager.default.createDirectory(atPath: "\(directory.path)/idp", withIntermediateDirectories: true)
        try directory.write("idp/jwks.json", text: F.keySet.json())
        try directory.write("trusted-issuers.json", text: text)
        return directory
    }

    @Test func loadsTheFileAndItsKeySetOnce() throws {
        let directory = try Self.directory(#"{"issuers":[\#(Self.entry)]}"#)
        let issuers = try TrustedIssuers.load(file: "\(directory.path)/trusted-issuers.json")
        let issuer = try #require(issuers.issuer(F.issuer))
        #expect(
            issuer.audience == "civicseal" && issuer.algorithms == [.es256] && issuer.principals == [.citizen, .staff])
        #expect(issuer.isDevelopment && issuers.development?.issuer == F.issuer)
        #expect(issuer.keySet.keys.count == 1)
        // Deleting the file afterwards changes nothing: keys were read at load.
        try FileManager.default.removeItem(atPath: "\(directory.path)/idp/jwks.json")
        _ = try TokenVerifier(issuers: issuers, clock: { F.now }).verify(token: F.token(F.citizenClaims()))
            .requireCitizen()
    }

    @Test func developmentDefaultsToFalse() throws {
        let directory = try Self.directory(
            #"{"issuers":[\#(Self.entry.replacingOccurrences(of: #","development":true"#, with: ""))]}"#)
        let issuers = try TrustedIssuers.load(file: "\(directory.path)/trusted-issuers.json")
        #expect(issuers.development == nil)
    }

    @Test(arguments: [
        (#"{"issuers":[ENTRY]"#, IdentityConfigurationError.Code.malformedJSON, nil as String?),
        (#"{"issuers":[ENTRY],"issuers":[]}"#, .malformedJSON, nil),
        (#"{"isuers":[]}"#, .invalidValue, "isuers"),
        (#"{}"#, .missingField, "issuers"),
        (#"{"issuers":[ENTRY,ENTRY]}"#, .duplicateIssuer, "issuers[1].issuer"),
        (#"{"issuers":[DROP:audience]}"#, .missingField, "issuers[0].audience"),
        (#"{"issuers":[SET:"audiance":"x"]}"#, .invalidValue, "issuers[0].audiance"),
        (#"{"issuers":[SET:"algorithms":["ES256","HS256"]]}"#, .invalidValue, "issuers[0].algorithms[1]"),
        (#"{"issuers":[SET:"algorithms":["none"]]}"#, .invalidValue, "issuers[0].algorithms[0]"),
        (#"{"issuers":[SET:"algorithms":[]]}"#, .invalidValue, "issuers[0].algorithms"),
        (#"{"issuers":[SET:"principals":["citizen","robot"]]}"#, .invalidValue, "issuers[0].principals[1]"),
        (#"{"issuers":[SET:"issuer":"http://idp.example.vn"]}"#, .invalidValue, "issuers[0].issuer"),
        (#"{"issuers":[SET:"issuer":"https://idp.example.vn/?tenant=1"]}"#, .invalidValue, "issuers[0].issuer"),
        (#"{"issuers":[SET:"development":"yes"]}"#, .invalidValue, "issuers[0].development"),
        (#"{"issuers":[SET:"audience":7]}"#, .invalidValue, "issuers[0].audience"),
        (#"{"issuers":[SET:"jwks":"idp/missing.json"]}"#, .unreadableFile, nil),
        (#"{"issuers":[SET:"algorithms":["ES384"]]}"#, .invalidKeySet, nil),
    ])
    func badConfigurationNamesTheFileAndField(template: String, code: IdentityConfigurationError.Code, field: String?)
        throws
    {
        var text = template.replacingOccurrences(of: "ENTRY", with: Self.entry)
        if let range = text.range(of: #"DROP:audience"#) {
            text.replaceSubrange(
                range, with: Self.entry.replacingOccurrences(of: #""audience":"civicseal","#, with: ""))
        }
        if let start = text.range(of: "SET:") {
            // SET:"name":value replaces (or adds) one member of the entry.
            let assignment = String(text[start.upperBound...].dropLast(2))
            let name = String(assignment.split(separator: ":", maxSplits: 1)[0])
            var object = try JSONValue(parsing: Array(Self.entry.utf8)).objectValue!
            object[String(name.dropFirst().dropLast())] = try JSONValue(
                parsing: Array(assignment.split(separator: ":", maxSplits: 1)[1].utf8))
            text = text.replacingCharacters(in: start.lowerBound..., with: JSONValue.object(object).serialized() + "]}")
        }
        let directory = try Self.directory(text)
        let file = "\(directory.path)/trusted-issuers.json"
        do {
            _ = try TrustedIssuers.load(file: file)
            Issue.record("\(text) was accepted")
        } catch {
            #expect(error.code == code, "\(error)")
            #expect(error.field == field, "\(error)")
            #expect(error.description.contains(directory.path), "the message names the file: \(error)")
        }
    }

    @Test func missingFileIsReported() {
        #expect(throws: IdentityConfigurationError(.unreadableFile, file: "", "")) {
            try TrustedIssuers.load(file: "/nonexistent/trusted-issuers.json")
        }
    }

    @Test func fileRoundTripsThroughItsEncoding() throws {
        let file = TrustedIssuersFile(issuers: [
            .init(
                issuer: F.issuer, audience: "civicseal", jwks: "idp/jwks.json", principals: ["citizen"],
                algorithms: ["ES256", "PS256"], development: false)
        ])
        #expect(try TrustedIssuersFile.parse(Array(file.encoded().utf8), file: "x") == file)
    }
}
