import CivicSealApp
import CivicSealCasework
import CivicSealCrypto
import CivicSealDocuments
import CivicSealJSON
import CivicSealRecords
import CivicSealStorage
import CivicSealTestSupport
import CivicSealVerification
import CivicSealWorkflow
import Foundation
import Testing

/// Development keys and a data directory holding real issued documents of two departments (two seals), for the
/// key-compromise playbook's tests: criminal-record certificates sealed by `justice-hanoi`, health certificates by
/// `health-hanoi`.
final class KeyCompromiseFixture: Sendable {
    let folder = TemporaryDirectory("civicseal-compromise")
    var data: String { folder.path + "/data" }
    var keys: String { folder.path + "/keys" }
    var database: String { data + "/civicseal.sqlite" }

    /// - Parameter token: where `keys init` generates every seal and service key (nil: PEM files).
    init(token: TokenLocation? = nil) throws {
        _ = try DevelopmentPKI.initialize(directory: keys, token: token)
        try FileManager.default.createDirectory(atPath: data, withIntermediateDirectories: true)
    }

    /// The active seal certificate's SHA-256 of `department`.
    func sealFingerprint(_ department: String) throws -> String {
        try #require(try Keyring(directory: keys).department(department)).active.certificate.fingerprintHex
    }

    static let healthFindings = JSONValue.object([
        "licenceClass": "B", "examinedOn": "2026-12-01", "validityMonths": .number("12"),
        "results": [
            [
                "specialtyVietnamese": "Nội khoa", "specialtyEnglish": "Internal medicine", "finding": "Bình thường",
                "assessment": "Đủ sức khỏe",
            ]
        ],
        "drugTest": "Âm tính", "conclusion": "Đủ điều kiện sức khỏe lái xe hạng B", "doctor": "BS. Lê Văn Khám",
    ]).serialized()

    /// Submits, claims, approves and issues `justice` criminal-record requests and `health` health-certificate
    /// requests in-process through the store and the issuance pipeline with the cheapest profile (B-B: the officer's
    /// signature and the department seal, no timestamps). Returns the document ids by department.
    /// - Parameter sealing: the seal justice-hanoi seals with instead of its active one (a service that kept a seal
    ///   loaded after it was replaced).
    func issue(justice: Int, health: Int, firstPerson: Int = 0, sealing: Keyring.Seal? = nil) throws -> [String:
        [String]]
    {
        let keyring = try Keyring(directory: keys)
        let store = try RequestStore.open(path: database)
        defer { try? store.close() }
        let renderer = try DocumentRenderer(templateDirectory: DocumentRenderer.repositoryTemplateDirectory())
        let sealingKeyring: any SealingKeyring = try sealing.map { try KeptSeal(keyring: keyring, seal: $0) } ?? keyring
        let issuance = try IssuanceWiring(keyring: keyring, store: store).service(
            store: store, keyring: sealingKeyring, renderer: renderer, profile: .bb)
        var issued: [String: [String]] = [:]
        let today = CalendarDate(Date())
        for index in 0..<(justice + health) {
            let isJustice = index < justice
            let department = isJustice ? "justice-hanoi" : "health-hanoi"
            let request = SyntheticRequests.validated(
                isJustice ? SyntheticRequests.criminalRecord() : SyntheticRequests.healthCertificate(),
                person: firstPerson + index, today: today)
            let officer = Participant.officer("officer-\(department)", department: department, name: "Trần Đức Lương")
            let id = try store.submit(request, now: Date()).id
            _ = try store.claim(id, by: officer, now: Date())
            _ = try store.approve(
                id, findingsJSON: isJustice ? #"{"bans":[],"convictions":[]}"# : Self.healthFindings, by: officer,
                officerName: "Trần Đức Lương", now: Date())
            let document = try #require(try issuance.issueNow(id), "request \(index) was not issued")
            issued[department, default: []].append(document.documentID)
        }
        return issued
    }

    /// `civicseal keys compromise …` with this fixture's directories.
    func compromise(_ arguments: [String]) throws -> (status: Int32, output: String, error: String) {
        try RecordsCommandTests.civicseal(["keys", "compromise", "--data", data, "--keys", keys] + arguments)
    }

    /// Every row of the tables the playbook may touch, as text: the database as a user of it sees it.
    func snapshot() throws -> String {
        let store = try RequestStore.open(path: database)
        defer { try? store.close() }
        return try store.database.read { connection in
            var lines: [String] = []
            for table in [
                "requests", "documents", "document_versions", "audit_log", "issued_certificates", "compromise_runs",
                "compromise_items", "outbox",
            ] {
                for row in try connection.query("SELECT * FROM \(table) ORDER BY 1") {
                    lines.append(table + ": " + (0..<row.count).map { Self.text(row[$0]) }.joined(separator: "|"))
                }
            }
            return lines.joined(separator: "\n")
        }
    }

    /// A column value as text; a BLOB (a PDF) as its SHA-256.
    static func text(_ value: DatabaseValue) -> String {
        switch value {
        case .null: "NULL"
        case .integer(let number): String(number)
        case .real(let number): String(number)
        case .text(let text): text
        case .blob(let bytes): "blob:" + Hex.encode(Digest.sha256(bytes))
        }
    }

    /// The rows that describe `documentID` and its request (document, request, the request's audit entries).
    static func footprint(of documentID: String, in connection: any SQLSession) throws -> String {
        let document = try #require(
            try connection.queryFirst(
                "SELECT id, request_seq, status, revoked_at, superseded_by, supersedes, pdf_sha256 FROM documents "
                    + "WHERE id = ?", [.text(documentID)]))
        let request = try #require(
            try connection.queryFirst(
                "SELECT state, version, history, updated_at FROM requests WHERE seq = ?", [document[1]]))
        return (0..<document.count).map { text(document[$0]) }.joined(separator: "|") + " / "
            + (0..<request.count).map { text(request[$0]) }.joined(separator: "|")
    }

    /// Whether `haystack` contains `needle` as a contiguous run of bytes.
    static func contains(_ haystack: [UInt8], _ needle: [UInt8]) -> Bool {
        guard !needle.isEmpty, haystack.count >= needle.count else { return false }
        return (0...(haystack.count - needle.count)).contains { start in
            haystack[start] == needle[0] && haystack[start..<(start + needle.count)].elementsEqual(needle)
        }
    }
}

/// The keyring, except that justice-hanoi seals with `seal` (retired or not).
struct KeptSeal: SealingKeyring {
    let keyring: Keyring
    let justice: DepartmentSeal

    init(keyring: Keyring, seal: Keyring.Seal) throws {
        self.keyring = keyring
        let department = try #require(keyring.department("justice-hanoi"))
        let signer = try CMSSigner(
            key: try #require(seal.key), certificate: seal.certificate, chain: seal.chain,
            algorithm: seal.algorithm.signatureAlgorithm)
        justice = DepartmentSeal(
            departmentID: department.id, name: department.name, englishName: department.englishName,
            certificateSHA256: seal.certificate.fingerprintHex, signer: .success(signer))
    }

    func seal(forDepartment departmentID: String) -> DepartmentSeal? {
        departmentID == "justice-hanoi" ? justice : keyring.seal(forDepartment: departmentID)
    }
}
