import Foundation

/// One entry of a person's health book, tagged by `entryType` in JSON:
/// `{"entryType": "vaccination", "facilityId": "01001", "administeredOn": "2025-03-02", …}`.
package enum HealthBookEntry: Codable, Sendable, Hashable {
    case encounter(Encounter)
    case vaccination(Vaccination)
    case allergy(Allergy)

    package var section: HealthBookSection {
        switch self {
        case .encounter: .encounters
        case .vaccination: .vaccinations
        case .allergy: .allergies
        }
    }

    /// The day the entry is about, in Việt Nam time, for period filters.
    package var date: CalendarDate {
        switch self {
        case .encounter(let encounter): CalendarDate(encounter.startedAt)
        case .vaccination(let vaccination): vaccination.administeredOn
        case .allergy(let allergy): allergy.recordedOn
        }
    }

    private enum EntryType: String, Codable { case encounter, vaccination, allergy }
    private enum CodingKeys: String, CodingKey { case entryType }

    package init(from decoder: any Decoder) throws {
        switch try decoder.container(keyedBy: CodingKeys.self).decode(EntryType.self, forKey: .entryType) {
        case .encounter: self = .encounter(try Encounter(from: decoder))
        case .vaccination: self = .vaccination(try Vaccination(from: decoder))
        case .allergy: self = .allergy(try Allergy(from: decoder))
        }
    }

    package func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        switch self {
        case .encounter(let entry):
            try container.encode(EntryType.encounter, forKey: .entryType)
            try entry.encode(to: encoder)
        case .vaccination(let entry):
            try container.encode(EntryType.vaccination, forKey: .entryType)
            try entry.encode(to: encoder)
        case .allergy(let entry):
            try container.encode(EntryType.allergy, forKey: .entryType)
            try entry.encode(to: encoder)
        }
    }

    /// Text, range and consistency problems of this entry (format problems are refused while decoding). With
    /// `today` (the service clock's Hà Nội date), an entry dated after it is refused: it records what has happened.
    package func issues(at path: String, today: CalendarDate? = nil) -> [ValidationIssue] {
        switch self {
        case .encounter(let entry): entry.issues(at: path, today: today)
        case .vaccination(let entry): entry.issues(at: path, today: today)
        case .allergy(let entry): entry.issues(at: path, today: today)
        }
    }
}
