import CivicSealApp
import CivicSealIdentity
import CivicSealJSON
import CivicSealTestSupport
import Foundation
import Testing

/// `civicseal token citizen|staff` through the built executable, checked by the real ``TokenVerifier``.
@Suite struct DevelopmentTokenCommandTests {
    /// A fresh development keys directory.
    static func keys() throws -> (TemporaryDirectory, String) {
        let directory = TemporaryDirectory()
        let keys = "\(directory.path)/Keys"
        _ = try DevelopmentPKI.initialize(directory: keys)
        return (directory, keys)
    }

    static func verifier(_ keys: String) throws -> TokenVerifier {
        TokenVerifier(issuers: try TrustedIssuers.load(file: "\(keys)/trusted-issuers.json"))
    }

    static let citizen = [
        "token", "citizen", "--personal-id", "001090012345", "--name", "Nguyễn Văn An", "--birthdate", "1990-05-17",
        "--gender", "male",
    ]

    @Test func mintedCitizenTokenVerifies() throws {
        let (directory, keys) = try Self.keys()
        _ = directory
        let minted = try BuiltProduct.run("civicseal", Self.citizen + ["--dir", keys])
        #expect(minted.status == 0, "\(minted.errorText)")
        let token = minted.text.trimmingCharacters(in: .newlines)
        #expect(minted.text == token + "\n", "stdout is the token alone, ready for $(…)")
        let citizen = try Self.verifier(keys).verify(authorization: "Bearer \(token)").requireCitizen()
        #expect(citizen.personalID.digits == "001090012345")
        #expect(citizen.identity.fullName == "Nguyễn Văn An")
        #expect(citizen.assuranceLevel == .level2)
        #expect(citizen.applicant.nationality == "VN", "a VNeID citizen's token states the nationality")
        #expect(citizen.token.issuer == DevelopmentPKI.developmentIssuer)
        #expect(abs(citizen.token.expiresAt.timeIntervalSinceNow - 3600) < 120)
        try citizen.requireAssurance(for: .criminalRecord)
    }

    @Test func levelAndLifetimeOptionsAreHonoured() throws {
        let (directory, keys) = try Self.keys()
        _ = directory
        let minted = try BuiltProduct.run(
            "civicseal", Self.citizen + ["--level", "1", "--ttl", "120", "--nationality", "LA", "--dir", keys])
        #expect(minted.status == 0, "\(minted.errorText)")
        let citizen = try Self.verifier(keys).verify(token: minted.text.trimmingCharacters(in: .newlines))
            .requireCitizen()
        #expect(citizen.assuranceLevel == .level1)
        #expect(citizen.applicant.nationality == "LA")
        let unknown = try BuiltProduct.run("civicseal", Self.citizen + ["--nationality", "XX", "--dir", keys])
        #expect(unknown.status == 64 && unknown.errorText.contains("--nationality"), "\(unknown.errorText)")
        #expect(!citizen.meetsAssurance(for: .criminalRecord))
        #expect(abs(citizen.token.expiresAt.timeIntervalSinceNow - 120) < 60)
    }

    @Test func mintedStaffTokenVerifiesWithEveryRole() throws {
        let (directory, keys) = try Self.keys()
        _ = directory
        let minted = try BuiltProduct.run(
            "civicseal",
            [
                "token", "staff", "--role", "justice.officer", "--role", "health.officer", "--department",
                "justice-hanoi",
                "--name", "Trần Thị Bình", "--dir", keys,
            ])
        #expect(minted.status == 0, "\(minted.errorText)")
        let principal = try Self.verifier(keys).verify(token: minted.text.trimmingCharacters(in: .newlines))
        let staff = try principal.requireStaff(role: .justiceOfficer)
        #expect(staff.roles == [.justiceOfficer, .healthOfficer])
        #expect(staff.department == "justice-hanoi" && staff.name == "Trần Thị Bình")
        #expect(throws: IdentityError(.wrongPrincipal, "")) { try principal.requireCitizen() }
    }

    @Test func refusesWithoutAnIdentityProviderInTheKeyring() throws {
        let (directory, keys) = try Self.keys()
        _ = directory
        let path = "\(keys)/keyring.json"
        var manifest = try JSONDecoder().decode(
            KeyringManifest.self, from: Data(contentsOf: URL(fileURLWithPath: path)))
        manifest.identityProvider = nil
        try JSONEncoder().encode(manifest).write(to: URL(fileURLWithPath: path))
        let result = try BuiltProduct.run("civicseal", Self.citizen + ["--dir", keys])
        #expect(result.status == 78)
        #expect(result.errorText.contains("no development identity provider"), "\(result.errorText)")
        #expect(result.text.isEmpty)
    }

    @Test func refusesWhenTheIssuerIsNotMarkedDevelopment() throws {
        let (directory, keys) = try Self.keys()
        _ = directory
        let path = "\(keys)/trusted-issuers.json"
        var file = try TrustedIssuersFile.parse(Data(contentsOf: URL(fileURLWithPath: path)), file: path)
        file.issuers[0].development = false
        try Data(file.encoded().utf8).write(to: URL(fileURLWithPath: path))
        let result = try BuiltProduct.run("civicseal", Self.citizen + ["--dir", keys])
        #expect(result.status == 78)
        #expect(result.errorText.contains("not marked \"development\""), "\(result.errorText)")
        #expect(result.text.isEmpty)
    }

    @Test func refusesWithoutAnyKeys() throws {
        let directory = TemporaryDirectory()
        let result = try BuiltProduct.run("civicseal", Self.citizen + ["--dir", "\(directory.path)/Keys"])
        #expect(result.status == 78)
        #expect(result.errorText.contains("civicseal keys init"), "\(result.errorText)")
    }

    @Test func refusesAStaffTokenFromACitizenOnlyDevelopmentIssuer() throws {
        let (directory, keys) = try Self.keys()
        _ = directory
        let path = "\(keys)/trusted-issuers.json"
        var file = try TrustedIssuersFile.parse(Data(contentsOf: URL(fileURLWithPath: path)), file: path)
        file.issuers[0].principals = ["citizen"]
        try Data(file.encoded().utf8).write(to: URL(fileURLWithPath: path))
        let result = try BuiltProduct.run(
            "civicseal",
            [
                "token", "staff", "--role", "justice.officer", "--department", "justice-hanoi", "--name", "Bình",
                "--dir", keys,
            ])
        #expect(result.status == 78, "\(result.errorText)")
    }

    @Test(arguments: [
        (["--personal-id", "001190012345"], "--personal-id"),  // encodes a woman, declared male
        (["--personal-id", "001085012345"], "--personal-id"),  // encodes 1985, declared 1990
        (["--birthdate", "1990-02-30"], "--birthdate"),
        (["--gender", "m"], "--gender"),
        (["--level", "3"], "--level"),
        (["--ttl", "0"], "--ttl"),
        (["--ttl", "1h"], "--ttl"),
        (["--role", "justice.officer"], "no option --role"),
    ])
    func inconsistentCitizenInputIsAUsageError(change: [String], message: String) throws {
        let (directory, keys) = try Self.keys()
        _ = directory
        var arguments = Self.citizen
        if let index = arguments.firstIndex(of: change[0]) {
            arguments[index + 1] = change[1]
        } else {
            arguments += change
        }
        let result = try BuiltProduct.run("civicseal", arguments + ["--dir", keys])
        #expect(result.status == 64, "\(result.errorText)")
        #expect(result.errorText.contains(message), "\(result.errorText)")
        #expect(result.text.isEmpty)
    }

    @Test(arguments: [
        (["token"], "citizen or staff"),
        (["token", "robot"], "citizen or staff"),
        (["token", "citizen", "--name", "An"], "needs --personal-id"),
        (["token", "staff", "--department", "justice-hanoi", "--name", "An"], "at least one --role"),
        (
            ["token", "staff", "--role", "janitor", "--department", "justice-hanoi", "--name", "An"],
            "unknown --role janitor"
        ),
        (
            ["token", "staff", "--role", "justice.officer", "--department", "Justice Hanoi", "--name", "An"],
            "--department"
        ),
        (
            [
                "token", "staff", "--role", "justice.officer", "--department", "justice-hanoi", "--name", "An",
                "--gender", "male",
            ], "no option --gender"
        ),
    ])
    func badTokenCommandLinesExitWithUsageStatus(arguments: [String], message: String) throws {
        let result = try BuiltProduct.run("civicseal", arguments + ["--dir", "/nonexistent"])
        #expect(result.status == 64, "\(result.errorText)")
        #expect(result.errorText.contains(message), "\(result.errorText)")
    }
}

/// Tokens made by an independent JOSE implementation (Python `joserfc`) with the development identity
/// provider's private key verify with ``TokenVerifier``, and joserfc verifies what `civicseal token` mints.
@Suite struct JoserfcIdentityInteropTests {
    static let script = #"""
        import json, sys, time, warnings
        warnings.filterwarnings("ignore")
        from joserfc import jwt
        from joserfc.jwk import ECKey, KeySet

        keys, kid, iss, aud, ours = sys.argv[1:6]
        with open(f"{keys}/private/dev-idp.key.pem") as f:
            key = ECKey.import_key(f.read(), {"kid": kid})
        now = int(time.time())
        header = {"alg": "ES256", "kid": kid, "typ": "JWT"}
        common = {"iss": iss, "aud": [aud, "another-client"], "iat": now, "nbf": now, "exp": now + 300}
        citizen = dict(common, sub="py-citizen-1", personal_id="079305012345", name="Lê Thị Cúc",
                       birthdate="2005-01-31", gender="female", acr="level2")
        staff = dict(common, sub="py-staff-1", name="Phạm Văn Dũng", roles=["health.clinician", "other.app.role"],
                     department="health-hanoi")
        with open(f"{keys}/idp/jwks.json") as f:
            keyset = KeySet.import_key_set(json.load(f))
        decoded = jwt.decode(ours, keyset, algorithms=["ES256"])
        print(json.dumps({
            "citizen": jwt.encode(header, citizen, key, algorithms=["ES256"]),
            "staff": jwt.encode(header, staff, key, algorithms=["ES256"]),
            "ours": decoded.claims,
        }))
        """#

    struct Output: Decodable {
        let citizen: String
        let staff: String
        let ours: [String: JSONValueBox]
    }

    /// Claims as joserfc decoded them, compared loosely.
    struct JSONValueBox: Decodable, Equatable {
        let text: String?
        init(from decoder: any Decoder) throws {
            text = try? decoder.singleValueContainer().decode(String.self)
        }
    }

    @Test(.enabled(if: ExternalTool.isUsable("python3")))
    func joserfcTokensVerifyAndOursVerifyInJoserfc() throws {
        let (directory, keys) = try DevelopmentTokenCommandTests.keys()
        _ = directory
        let provider = try #require(
            try JSONDecoder().decode(
                KeyringManifest.self, from: Data(contentsOf: URL(fileURLWithPath: "\(keys)/keyring.json"))
            ).identityProvider)
        let minted = try BuiltProduct.run("civicseal", DevelopmentTokenCommandTests.citizen + ["--dir", keys])
        #expect(minted.status == 0, "\(minted.errorText)")
        let ours = minted.text.trimmingCharacters(in: .newlines)

        let result = try ExternalTool.run(
            "python3", ["-c", Self.script, keys, provider.kid, provider.issuer, provider.audience, ours])
        #expect(result.status == 0, "joserfc (pip install joserfc): \(result.errorText)")
        let output = try JSONDecoder().decode(Output.self, from: result.standardOutput)
        #expect(output.ours["personal_id"]?.text == "001090012345")
        #expect(output.ours["iss"]?.text == provider.issuer)

        let verifier = try DevelopmentTokenCommandTests.verifier(keys)
        let citizen = try verifier.verify(authorization: "Bearer " + output.citizen).requireCitizen()
        #expect(citizen.personalID.digits == "079305012345" && citizen.identity.sex == .female)
        #expect(citizen.identity.fullName == "Lê Thị Cúc" && citizen.subject == "py-citizen-1")
        let staff = try verifier.verify(authorization: "Bearer " + output.staff).requireStaff(role: .healthClinician)
        #expect(staff.roles == [.healthClinician] && staff.department == "health-hanoi")
    }
}
