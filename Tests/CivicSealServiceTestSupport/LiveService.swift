import CivicSealApp
import CivicSealCrypto
import CivicSealHTTP
import CivicSealJSON
import CivicSealTestSupport
import Foundation

/// The real service (`Service.start`) with its own temporary data and development keys, an in-memory access log,
/// and the means to mint the tokens a test needs.
///
/// By default it does not listen: ``client`` hands each request to the service's frozen router in this process
/// (``Transport/inProcess``), so a failure in a handler or the domain is reported as itself, never as a socket
/// timeout. Suites about HTTP behaviour ask for ``Transport/socket``: the server on 127.0.0.1, port 0.
package final class LiveService: Sendable {
    package let folder: TemporaryDirectory
    package let service: Service
    package let log: CollectingLogSink
    package let client: HTTPClient
    package var keysDirectory: String { folder.path + "/keys" }
    package var dataDirectory: String { folder.path + "/data" }

    private init(folder: TemporaryDirectory, service: Service, log: CollectingLogSink, transport: Transport) {
        self.folder = folder
        self.service = service
        self.log = log
        switch transport {
        case .socket: client = HTTPClient(port: service.port)
        case .inProcess:
            client = HTTPClient(
                inProcess: InProcessExchange(
                    responder: service.router, limits: service.server.configuration.limits))
        }
    }

    /// A fresh service; `configure` may change the options (e.g. `secureCookies`) before it starts.
    package static func start(transport: Transport = .standard, configure: (inout ServeOptions) -> Void = { _ in })
        throws
        -> LiveService
    {
        let folder = TemporaryDirectory("civicseal-api")
        _ = try DevelopmentPKI.initialize(directory: folder.path + "/keys")
        return try start(in: folder, transport: transport, configure: configure)
    }

    /// A service on `folder`'s existing keys and data (a restart, e.g. after a key rotation).
    package static func start(
        in folder: TemporaryDirectory, transport: Transport = .standard,
        configure: (inout ServeOptions) -> Void = { _ in }
    ) throws -> LiveService {
        let log = CollectingLogSink()
        var options = ServeOptions()
        options.host = "127.0.0.1"
        options.port = 0
        options.dataDirectory = folder.path + "/data"
        options.keysDirectory = folder.path + "/keys"
        options.eventLoops = 2
        options.logSink = log
        options.listen = transport == .socket
        // The confirmation budget's windows are aligned to the minute: a test's eleven attempts, slowed by a busy
        // machine, could straddle a minute's end and find the budget renewed (CI saw a 200 where the 429 was due).
        options.confirmationWindow = 3600
        configure(&options)
        return LiveService(folder: folder, service: try Service.start(options), log: log, transport: transport)
    }

    package func stop() async { await service.stop(deadline: .seconds(2)) }

    /// The id of the document registered for request `id` (an error when none is).
    package func documentID(forRequest id: String) throws -> String {
        guard let documentID = try service.store.documentEntry(forRequest: id)?.documentID else {
            throw ClientError(description: "no document registered for \(id)")
        }
        return documentID
    }

    // MARK: Tokens

    /// A citizen token minted exactly as `civicseal token citizen` does.
    package func token(for person: Person, level: Int = 2) throws -> String {
        try DevelopmentTokens.mint(
            DevelopmentTokens.Citizen(
                personalID: person.personalID, name: person.name, birthdate: person.birthdate, gender: person.gender,
                level: level == 2 ? .level2 : .level1),
            directory: keysDirectory)
    }

    /// A staff token minted exactly as `civicseal token staff` does.
    package func token(for staff: StaffMember) throws -> String {
        try DevelopmentTokens.mint(
            DevelopmentTokens.Staff(roles: staff.roles, department: staff.department, name: staff.name),
            directory: keysDirectory)
    }

    package var identityProvider: KeyringManifest.IdentityProvider {
        get throws {
            let data = try Data(contentsOf: URL(fileURLWithPath: keysDirectory + "/" + DevelopmentPKI.manifestName))
            guard let provider = try JSONDecoder().decode(KeyringManifest.self, from: data).identityProvider else {
                throw ClientError(description: "the development keyring has no identity provider")
            }
            return provider
        }
    }

    /// The development identity provider's private key file (PKCS#8 PEM).
    package var identityProviderKeyPath: String { get throws { keysDirectory + "/" + (try identityProvider.key) } }

    package var identityProviderKey: PrivateKey {
        get throws {
            try PrivateKey(
                pem: String(
                    decoding: try Data(contentsOf: URL(fileURLWithPath: try identityProviderKeyPath)), as: UTF8.self))
        }
    }

    /// Citizen claims as the development IdP would state them, valid for the next hour; `changes` override or
    /// (with `nil`) remove claims.
    package func citizenClaims(_ person: Person, _ changes: [String: JSONValue?] = [:]) throws -> [String: JSONValue] {
        let provider = try identityProvider
        let now = Int64(Date().timeIntervalSince1970)
        var claims: [String: JSONValue] = [
            "iss": .string(provider.issuer), "aud": .string(provider.audience),
            "sub": .string("test-" + person.personalID),
            "iat": .number(String(now - 5)), "exp": .number(String(now + 3600)),
            "personal_id": .string(person.personalID), "name": .string(person.name),
            "birthdate": .string(person.birthdate),
            "gender": .string(person.gender), "acr": "level2",
        ]
        for (name, value) in changes { claims[name] = value }
        return claims
    }

    /// `claims` signed ES256 by the development IdP key (or `key`), with header `kid` (or `keyID`).
    package func sign(_ claims: [String: JSONValue], key: PrivateKey? = nil, keyID: String? = nil) throws -> String {
        try JWSSigner(
            privateKey: try key ?? identityProviderKey, keyID: try keyID ?? identityProvider.kid, algorithm: .es256
        )
        .sign(claims: claims)
    }
}

/// Starts a live service (options changed by `configure`), runs `body`, and always stops the service.
package func withLiveService(
    transport: Transport = .standard, configure: (inout ServeOptions) -> Void = { _ in },
    _ body: (LiveService) async throws -> Void
) async throws {
    let live = try LiveService.start(transport: transport, configure: configure)
    do {
        try await body(live)
    } catch {
        await live.stop()
        throw error
    }
    await live.stop()
}

/// A synthetic citizen whose ID number agrees with their birth year, century and sex; none is real.
package struct Person: Sendable {
    package let personalID: String
    package let name: String
    package let birthdate: String
    package let gender: String

    /// Trần Văn Thử n, a man born 2 March 1985 in TP Hồ Chí Minh (079 0 85 nnnnnn).
    package static func man(_ number: Int) -> Person {
        let digits = String(number)
        return Person(
            personalID: "079085" + String(repeating: "0", count: 6 - digits.count) + digits,
            name: "Trần Văn Thử \(number)",
            birthdate: "1985-03-02", gender: "male")
    }

    /// Nguyễn Thị Ánh Tuyết, a woman born 14 May 1990 in Hà Nội (001 1 90 012345).
    package static let tuyet = Person(
        personalID: "001190012345", name: "Nguyễn Thị Ánh Tuyết", birthdate: "1990-05-14", gender: "female")
}

/// A staff member of the development IdP.
package struct StaffMember: Sendable {
    package let roles: [String]
    package let department: String
    package let name: String

    package init(roles: [String], department: String, name: String) {
        self.roles = roles
        self.department = department
        self.name = name
    }

    package static let justiceOfficer = StaffMember(
        roles: ["justice.officer"], department: "justice-hanoi", name: "Lê Văn Luật")
    package static let justiceColleague = StaffMember(
        roles: ["justice.officer"], department: "justice-hanoi", name: "Phạm Thị Hằng")
    package static let healthOfficer = StaffMember(
        roles: ["health.officer"], department: "health-hanoi", name: "Đỗ Minh Y")
    package static let clinician = StaffMember(
        roles: ["health.clinician"], department: "health-hanoi", name: "Bác sĩ Vũ Thị Lành")
    /// Revocation is its own role (``AuthorizationPolicy``): the head of the justice department.
    package static let justiceRevoker = StaffMember(
        roles: ["justice.revoker"], department: "justice-hanoi", name: "Hoàng Văn Thủ")
    package static let healthRevoker = StaffMember(
        roles: ["health.revoker"], department: "health-hanoi", name: "Ngô Thị Quyết")
}

/// Request bodies as a client writes them (JSON text, `RequestSubmission` shape).
package enum Bodies {
    /// A criminal-record request (form 1) for a man of ``Person/man(_:)``, residence in TP Hồ Chí Minh since birth.
    package static func criminalRecord(
        copies: Int = 1, purpose: String = "Xin việc", residenceHistory: String? = nil, extraRequestMember: String = ""
    ) -> String {
        let history =
            residenceHistory
            ?? #"[{"from": "1985-03-02", "address": "45 Lê Lợi", "provinceCode": "079", "occupation": "Kỹ sư"}]"#
        return """
            {
              "request": {"kind": "criminal-record", "form": 1, "purpose": "\(purpose)"\(extraRequestMember)},
              "relation": "self",
              "particulars": {
                "otherNames": [], "birthPlace": "TP Hồ Chí Minh", "ethnicity": "Kinh", "nationality": "VN",
                "permanentResidence": {"line": "45 Lê Lợi, phường Bến Thành", "provinceCode": "079"},
                "currentResidence": {"line": "45 Lê Lợi, phường Bến Thành", "provinceCode": "079"},
                "fatherName": "Trần Văn An", "motherName": "Lê Thị Bích"
              },
              "residenceHistory": \(history),
              "contact": {"phone": "0987654321", "email": "thu@example.vn"},
              "copies": \(copies),
              "delivery": {"method": "electronic"}
            }
            """
    }

    package static let healthCertificate = """
        {"request": {"kind": "health-certificate", "certificateType": "driving-licence", "licenceClass": "B"},
         "relation": "self",
         "particulars": {"currentResidence": {"line": "12 Phố Huế, phường Hai Bà Trưng", "provinceCode": "001"}},
         "contact": {"phone": "0987654321"}, "copies": 1, "delivery": {"method": "electronic"}}
        """

    package static let noConviction = #"{"decision": "approve", "findings": {"convictions": [], "bans": []}}"#

    package static let vaccination = """
        {"entryType": "vaccination", "facilityId": "01001", "administeredOn": "2025-03-02", "vaccine": "Vaxigrip Tetra",
         "antigen": "influenza", "dose": 1}
        """
}
