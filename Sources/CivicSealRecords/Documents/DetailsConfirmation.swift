import CivicSealCrypto
import CivicSealJSON
import CivicSealWorkflow
import Foundation

/// The five-field check of draft 2026 rules: a document is confirmed only when document id, full name, birth date,
/// sex and ID number all match what it states; the answer never says which field differed.
///
/// Both sides are normalised (NFC, trimmed, inner white space collapsed; names case-insensitive; the id upper-cased;
/// sex lower-cased), encoded canonically (a tag, then each field length-prefixed), hashed with SHA-256, and the
/// digests compared with ``CivicSealCrypto/ConstantTime/equals(_:_:)``, so neither the time taken nor the lengths
/// compared depend on where the inputs differ. An unknown document id is compared against a dummy record, so it
/// costs the same as a known one.
package struct DetailsConfirmation: Sendable, Hashable {
    package var documentID: String
    package var fullName: String
    package var birthDate: String
    package var sex: String
    package var personalID: String

    package init(documentID: String, fullName: String, birthDate: String, sex: String, personalID: String) {
        self.documentID = documentID
        self.fullName = fullName
        self.birthDate = birthDate
        self.sex = sex
        self.personalID = personalID
    }

    package static func normalised(_ text: String) -> String {
        TextNormalization.normalise(text, collapsingSpaces: true)
    }

    /// `male` / `female`; the Vietnamese words the page shows (Nam / Nữ) are accepted as well.
    static func sexName(_ text: String) -> String {
        switch normalised(text).lowercased() {
        case "nam": "male"
        case "nữ": "female"
        case let other: other
        }
    }

    func canonicalDigest() -> [UInt8] {
        var bytes = Array("civicseal-confirm-v1".utf8)
        bytes.append(0)
        for field in [
            Self.normalised(documentID).uppercased(), Self.normalised(fullName).lowercased(),
            Self.normalised(birthDate),
            Self.sexName(sex), Self.normalised(personalID),
        ] {
            let utf8 = Array(field.utf8)
            let length = UInt32(truncatingIfNeeded: utf8.count)
            bytes += [
                UInt8(truncatingIfNeeded: length >> 24), UInt8(truncatingIfNeeded: length >> 16),
                UInt8(truncatingIfNeeded: length >> 8), UInt8(truncatingIfNeeded: length),
            ]
            bytes += utf8
        }
        return Digest.sha256(bytes)
    }

    /// The fields a stored canonical record states (see the issuer's canonical JSON: `documentId`, `holder.*`).
    static func stated(byRecord json: String) -> DetailsConfirmation? {
        guard let object = (try? JSONValue(parsing: Array(json.utf8)))?.objectValue,
            let id = object["documentId"]?.stringValue, let holder = object["holder"]?.objectValue,
            let name = holder["fullName"]?.stringValue, let birth = holder["birthDate"]?.stringValue,
            let sex = holder["sex"]?.stringValue,
            let personalID = holder["personalId"]?.stringValue
        else { return nil }
        return DetailsConfirmation(documentID: id, fullName: name, birthDate: birth, sex: sex, personalID: personalID)
    }

    static let dummy = DetailsConfirmation(
        documentID: "00000000000000000000000000", fullName: "\u{0}", birthDate: "0000-00-00", sex: "\u{0}",
        personalID: "\u{0}")
}

extension RequestStore {
    /// Looks the document up and compares; returns the registry entry only when all five fields match. The API's
    /// `POST /v1/verify/details` and the page `POST /v/{id}` both ask this. One read transaction on the store's own
    /// threads: the caller (a handler on the cooperative pool) suspends while PostgreSQL answers, never blocks.
    package func confirmDetails(_ given: DetailsConfirmation) async -> DocumentEntry? {
        let id = DetailsConfirmation.normalised(given.documentID).uppercased()
        var found: (entry: DocumentEntry, record: String?)?
        if DocumentID.isValid(id) {
            let ids = ids
            found =
                (try? await read { connection -> (entry: DocumentEntry, record: String?)? in
                    let entry: DocumentEntry? = try {
                        let statement = try connection.statement(
                            "SELECT \(Self.documentColumns) FROM documents d JOIN requests r ON r.seq = d.request_seq "
                                + "WHERE d.id = ?")
                        defer { statement.reset() }
                        try statement.bind([.text(id)])
                        guard try statement.step() else { return nil }
                        return try Self.documentEntry(from: statement, ids: ids)
                    }()
                    guard let entry else { return nil }
                    let record = try connection.scalar("SELECT record FROM documents WHERE id = ?", [.text(id)]).string
                    return (entry, record)
                }) ?? nil
        }
        let stored = found?.record.flatMap(DetailsConfirmation.stated(byRecord:))
        let matches = ConstantTime.equals(given.canonicalDigest(), (stored ?? .dummy).canonicalDigest())
        return matches && stored != nil ? found?.entry : nil
    }
}
