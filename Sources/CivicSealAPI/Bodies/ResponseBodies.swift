import CivicSealCrypto
import CivicSealRecords
import CivicSealWorkflow
import Foundation

/// The JSON a client sees for a request. Field names are the API contract (see `openapi.json`).
struct RequestSummaryBody: Encodable {
    struct Fee: Encodable {
        let amount: Int
        let currency = "VND"
        let category: String
    }

    let id: String
    let status: String
    let kind: String
    let form: Int?
    let department: String
    /// The claiming officer's subject; shown to officers only.
    let assignee: String?
    let receivedOn: String
    let dueDate: String
    let overdue: Bool
    let fee: Fee
    let version: Int
    let createdAt: Date
    let updatedAt: Date

    init(_ summary: RequestSummary, forOfficer: Bool) {
        id = summary.id
        status = summary.state.rawValue
        kind = summary.kind.rawValue
        form = summary.form?.rawValue
        department = summary.departmentID
        assignee = forOfficer ? summary.assigneeID : nil
        receivedOn = summary.receivedOn.description
        dueDate = summary.dueDate.description
        overdue = summary.isOverdue
        fee = Fee(amount: summary.feeVND, category: summary.feeCategory.rawValue)
        version = summary.version
        createdAt = summary.createdAt
        updatedAt = summary.updatedAt
    }
}

struct HistoryEventBody: Encodable {
    let number: Int
    let at: Date
    let action: String
    let from: String?
    let to: String
    let actorRole: String
    /// Staff and citizen subjects are shown to officers only.
    let actor: String?
    let reason: String?

    init(_ event: RequestHistoryEvent, forOfficer: Bool) {
        number = event.number
        at = event.occurredAt
        action = event.action
        from = event.fromState?.rawValue
        to = event.toState.rawValue
        actorRole = event.actorRole.rawValue
        actor = forOfficer ? event.actorID : nil
        reason = event.reason
    }
}

struct RequestDetailBody: Encodable {
    let request: RequestSummaryBody
    let submission: RequestSubmission
    let findings: JSONFragment?
    let history: [HistoryEventBody]
}

struct RequestListBody: Encodable {
    let items: [RequestSummaryBody]
    let nextCursor: String?
}

/// Officer findings as stored (canonical JSON), re-emitted as JSON.
struct JSONFragment: Encodable {
    let value: JSONValue

    init?(json: String) {
        guard let parsed = try? JSONValue(parsing: Array(json.utf8)) else { return nil }
        value = parsed
    }

    init(_ value: JSONValue) { self.value = value }

    func encode(to encoder: any Encoder) throws {
        switch value {
        case .null:
            var container = encoder.singleValueContainer()
            try container.encodeNil()
        case .bool(let flag):
            var container = encoder.singleValueContainer()
            try container.encode(flag)
        case .number(let text):
            var container = encoder.singleValueContainer()
            if let integer = Int64(text) { try container.encode(integer) } else { try container.encode(Double(text) ?? 0) }
        case .string(let text):
            var container = encoder.singleValueContainer()
            try container.encode(text)
        case .array(let elements):
            var container = encoder.unkeyedContainer()
            for element in elements { try container.encode(JSONFragment(element)) }
        case .object(let members):
            var container = encoder.container(keyedBy: DynamicKey.self)
            for (key, member) in members { try container.encode(JSONFragment(member), forKey: DynamicKey(key)) }
        }
    }

    struct DynamicKey: CodingKey {
        let stringValue: String
        var intValue: Int? { nil }
        init(_ string: String) { stringValue = string }
        init?(stringValue: String) { self.stringValue = stringValue }
        init?(intValue: Int) { nil }
    }
}

enum APIJSON {
    static func encoder() -> JSONEncoder {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        encoder.dateEncodingStrategy = .iso8601
        return encoder
    }
}
