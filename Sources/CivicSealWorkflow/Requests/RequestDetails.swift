/// The kind-specific part of a submission, a tagged union on `kind`:
/// `{"kind": "criminal-record", "form": 1, "purpose": "…", "statesBans": true}`.
package enum RequestDetails: Codable, Sendable, Hashable {
    case criminalRecord(CriminalRecordRequest)
    case healthCertificate(HealthCertificateRequest)
    case healthBookExtract(HealthBookExtractRequest)

    package var kind: RequestKind {
        switch self {
        case .criminalRecord: .criminalRecord
        case .healthCertificate: .healthCertificate
        case .healthBookExtract: .healthBookExtract
        }
    }

    private enum CodingKeys: String, CodingKey { case kind }

    package init(from decoder: any Decoder) throws {
        let kind = try decoder.container(keyedBy: CodingKeys.self).decode(RequestKind.self, forKey: .kind)
        switch kind {
        case .criminalRecord: self = .criminalRecord(try CriminalRecordRequest(from: decoder))
        case .healthCertificate: self = .healthCertificate(try HealthCertificateRequest(from: decoder))
        case .healthBookExtract: self = .healthBookExtract(try HealthBookExtractRequest(from: decoder))
        }
    }

    package func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(kind, forKey: .kind)
        switch self {
        case .criminalRecord(let details): try details.encode(to: encoder)
        case .healthCertificate(let details): try details.encode(to: encoder)
        case .healthBookExtract(let details): try details.encode(to: encoder)
        }
    }
}
