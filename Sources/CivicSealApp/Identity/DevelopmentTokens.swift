import CivicSealCrypto
import CivicSealIdentity
import CivicSealJSON
import CivicSealWorkflow
import Foundation

/// `civicseal token citizen|staff`: development ID tokens signed by the development identity-provider key.
///
/// The key, `kid` and issuer come from `Keys/keyring.json` (`identityProvider`); the audience and the
/// principals the issuer may vouch for come from its entry in the trusted-issuers file, which must be marked
/// `development`. Without both the command refuses (exit 78): production configurations have no key to
/// mint with, and a development key must never pass for a real provider. Every token is verified with
/// ``TokenVerifier`` before it is printed, so what is printed is what the server accepts.
package enum DevelopmentTokens {
    /// Default lifetime: one hour.
    package static let defaultLifetime = 3600
    /// Longest lifetime: the verifier refuses tokens issued more than 24 h ago anyway.
    package static let maximumLifetime = 24 * 3600

    /// What a citizen token states (validated before minting).
    package struct Citizen: Sendable {
        package var personalID: String
        package var name: String
        package var birthdate: String
        package var gender: String
        package var level: AssuranceLevel
        /// ISO 3166-1 alpha-2, as VNeID states it for citizens (`VN`).
        package var nationality: String

        package init(
            personalID: String, name: String, birthdate: String, gender: String, level: AssuranceLevel = .level2,
            nationality: String = Country.vietnamCode
        ) {
            self.personalID = personalID
            self.name = name
            self.birthdate = birthdate
            self.gender = gender
            self.level = level
            self.nationality = nationality
        }
    }

    /// What a staff token states (validated before minting).
    package struct Staff: Sendable {
        package var roles: [String]
        package var department: String
        package var name: String

        package init(roles: [String], department: String, name: String) {
            self.roles = roles
            self.department = department
            self.name = name
        }
    }

    /// Runs `civicseal token <words…>` and returns the token to print.
    /// `options` are the single-valued options; `repeated["role"]` holds every `--role`.
    package static func command(
        _ words: [String], options: [String: String], repeated: [String: [String]], now: Date = Date()
    ) throws(AppError) -> String {
        let directory = options["dir"] ?? "Keys"
        let lifetime = try parseLifetime(options["ttl"])
        func require(_ name: String) throws(AppError) -> String {
            guard let value = options[name] else { throw AppError(.usage, "token \(words[0]) needs --\(name)") }
            return value
        }
        func only(_ allowed: Set<String>) throws(AppError) {
            if let unknown = options.keys.sorted().first(where: { !allowed.contains($0) && $0 != "help" }) {
                throw AppError(.usage, "token \(words[0]) takes no option --\(unknown)")
            }
        }
        switch words.first {
        case "citizen":
            guard words.count == 1 else { throw AppError(.usage, "token citizen takes no further words") }
            try only(["dir", "ttl", "personal-id", "name", "birthdate", "gender", "level", "nationality"])
            let citizen = Citizen(
                personalID: try require("personal-id"), name: try require("name"), birthdate: try require("birthdate"),
                gender: try require("gender"), level: try parseLevel(options["level"]),
                nationality: options["nationality"] ?? Country.vietnamCode)
            return try mint(citizen, directory: directory, lifetime: lifetime, now: now)
        case "staff":
            guard words.count == 1 else { throw AppError(.usage, "token staff takes no further words") }
            try only(["dir", "ttl", "role", "department", "name"])
            let roles = repeated["role"] ?? []
            guard !roles.isEmpty else { throw AppError(.usage, "token staff needs at least one --role") }
            let staff = Staff(roles: roles, department: try require("department"), name: try require("name"))
            return try mint(staff, directory: directory, lifetime: lifetime, now: now)
        default:
            throw AppError(.usage, "token needs a subcommand: citizen or staff")
        }
    }

    /// A citizen token, or a usage error (64) for inconsistent input, a configuration error (78) without a development
    /// issuer.
    package static func mint(_ citizen: Citizen, directory: String, lifetime: Int = defaultLifetime, now: Date = Date())
        throws(AppError) -> String
    {
        let raw = IdentityClaims(
            subject: "", personalId: citizen.personalID, fullName: citizen.name, birthDate: citizen.birthdate,
            sex: citizen.gender, assuranceLevel: citizen.level.rawValue, nationality: citizen.nationality)
        let applicant: Applicant
        switch Applicant.validated(from: raw, today: CalendarDate(now)) {
        case .success(let valid): applicant = valid
        case .failure(let failure):
            let options = [
                "personalId": "--personal-id", "fullName": "--name", "birthDate": "--birthdate", "sex": "--gender",
                "assuranceLevel": "--level", "nationality": "--nationality",
            ]
            let problems = failure.issues.map { "\(options[$0.field] ?? $0.field): \($0.message)" }
            throw AppError(.usage, "cannot mint this citizen token: " + problems.joined(separator: "; "))
        }
        let identity = applicant.identity
        let subject =
            "dev-citizen-" + Hex.encode(Digest.sha256(Array("citizen:\(identity.personalID.digits)".utf8))).prefix(16)
        return try sign(
            kind: .citizen, directory: directory, lifetime: lifetime, now: now,
            claims: [
                "sub": .string(subject),
                "personal_id": .string(identity.personalID.digits),
                "name": .string(identity.fullName),
                "birthdate": .string(identity.birthDate.description),
                "gender": .string(identity.sex.rawValue),
                "acr": .string(applicant.assuranceLevel.rawValue),
                "nationality": .string(applicant.nationality ?? Country.vietnamCode),
            ])
    }

    /// A staff token; every role must be one CivicSeal knows (the verifier would ignore others).
    package static func mint(_ staff: Staff, directory: String, lifetime: Int = defaultLifetime, now: Date = Date())
        throws(AppError) -> String
    {
        var roles: [StaffRole] = []
        for name in staff.roles {
            guard let role = StaffRole(rawValue: name) else {
                throw AppError(
                    .usage, "unknown --role \(name) (\(StaffRole.allCases.map(\.rawValue).joined(separator: ", ")))")
            }
            if !roles.contains(role) { roles.append(role) }
        }
        guard !roles.isEmpty else { throw AppError(.usage, "a staff token needs at least one --role") }
        guard StaffPrincipal.isValidDepartmentID(staff.department) else {
            throw AppError(.usage, "--department must be a department id such as justice-hanoi (a-z, 0-9, -)")
        }
        guard !TextNormalization.containsControlCharacters(staff.name) else {
            throw AppError(.usage, "--name must not contain control characters")
        }
        let name = TextNormalization.normalise(staff.name, collapsingSpaces: true)
        guard !name.isEmpty, name.count <= ValidationPolicy().maximumNameLength else {
            throw AppError(.usage, "--name must be 1–\(ValidationPolicy().maximumNameLength) characters")
        }
        let subject =
            "dev-staff-" + Hex.encode(Digest.sha256(Array("staff:\(staff.department):\(name)".utf8))).prefix(16)
        return try sign(
            kind: .staff, directory: directory, lifetime: lifetime, now: now,
            claims: [
                "sub": .string(subject),
                "name": .string(name),
                "roles": .array(roles.map { .string($0.rawValue) }),
                "department": .string(staff.department),
            ])
    }

    /// Finds the development issuer, signs `claims` with its key and checks the result with the real verifier.
    static func sign(kind: PrincipalKind, directory: String, lifetime: Int, now: Date, claims: [String: JSONValue])
        throws(AppError) -> String
    {
        guard (1...maximumLifetime).contains(lifetime) else {
            throw AppError(.usage, "--ttl must be 1–\(maximumLifetime) seconds")
        }
        let manifestPath = "\(directory)/\(DevelopmentPKI.manifestName)"
        guard SecureFile.exists(manifestPath) else {
            throw AppError(
                .configuration,
                "no development identity provider: \(manifestPath) does not exist (run `civicseal keys init --dir "
                    + "\(directory)`)"
            )
        }
        let manifest = try Keyring.readManifest(manifestPath)
        guard let provider = manifest.identityProvider else {
            throw AppError(
                .configuration,
                "no development identity provider: \(manifestPath) has no \"identityProvider\"; development tokens "
                    + "cannot be minted"
            )
        }
        let issuersPath = "\(directory)/\(manifest.trustedIssuers ?? DevelopmentIdentityProvider.trustedIssuersPath)"
        let issuers: TrustedIssuers
        do { issuers = try TrustedIssuers.load(file: issuersPath, baseDirectory: directory) } catch {
            throw AppError(.configuration, "cannot load trusted issuers: \(error)")
        }
        guard let issuer = issuers.issuer(provider.issuer) else {
            throw AppError(
                .configuration, "no development identity provider: \(issuersPath) does not trust \(provider.issuer)")
        }
        guard issuer.isDevelopment else {
            throw AppError(
                .configuration,
                "no development identity provider: \(provider.issuer) is not marked \"development\" in "
                    + "\(issuersPath); refusing to mint tokens for it"
            )
        }
        guard issuer.principals.contains(kind) else {
            throw AppError(
                .configuration, "\(provider.issuer) may not vouch for \(kind.rawValue) principals (\(issuersPath))")
        }
        let key = try load { () throws(CryptoError) in
            try PrivateKey(pem: try SecureFile.readTextCrypto("\(directory)/\(provider.key)"))
        }
        let issuedAt = Int64(now.timeIntervalSince1970.rounded(.down))
        var all = claims
        all["iss"] = .string(issuer.issuer)
        all["aud"] = .string(issuer.audience)
        all["iat"] = .number(String(issuedAt))
        all["exp"] = .number(String(issuedAt + Int64(lifetime)))
        let token: String
        do {
            token = try JWSSigner(
                privateKey: key, keyID: provider.kid, algorithm: JWSAlgorithm.preferred(for: key.kind)
            ).sign(claims: all)
        } catch {
            throw AppError(.keyMaterial, "cannot sign with the development identity-provider key: \(error)")
        }
        do {
            _ = try TokenVerifier(issuers: issuers, policy: TokenPolicy(cacheCapacity: 0)).verify(
                token: token, now: now)
        } catch {
            throw AppError(
                .configuration,
                "the minted token would be refused (\(error.code)): check \(provider.key) against \(provider.jwks)")
        }
        return token
    }

    static func parseLifetime(_ text: String?) throws(AppError) -> Int {
        guard let text else { return defaultLifetime }
        guard let seconds = Int(text), (1...maximumLifetime).contains(seconds) else {
            throw AppError(.usage, "--ttl must be a whole number of seconds, 1–\(maximumLifetime)")
        }
        return seconds
    }

    static func parseLevel(_ text: String?) throws(AppError) -> AssuranceLevel {
        switch text {
        case nil, "2", "level2": .level2
        case "1", "level1": .level1
        case let other?: throw AppError(.usage, "--level must be 1 or 2, not \(other)")
        }
    }
}
