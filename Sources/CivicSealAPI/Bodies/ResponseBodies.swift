import CivicSealJSON
import CivicSealRecords
import CivicSealWorkflow
import Foundation

/// A response body written with ``JSONWriter``.
protocol JSONWritable {
    func write(to output: inout JSONWriter)
}

/// The JSON a client sees for a request. Field names are the API contract (see `openapi.json`).
struct RequestSummaryBody: JSONWritable {
    struct Fee {
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

    func write(to output: inout JSONWriter) {
        output.beginObject()
        if let assignee {
            output.key("assignee")
            output.string(assignee)
        }
        output.key("createdAt")
        output.date(createdAt)
        output.key("department")
        output.string(department)
        output.key("dueDate")
        output.string(dueDate)
        output.key("fee")
        output.beginObject()
        output.key("amount")
        output.int(fee.amount)
        output.key("category")
        output.string(fee.category)
        output.key("currency")
        output.string(fee.currency)
        output.endObject()
        if let form {
            output.key("form")
            output.int(form)
        }
        output.key("id")
        output.string(id)
        output.key("kind")
        output.string(kind)
        output.key("overdue")
        output.bool(overdue)
        output.key("receivedOn")
        output.string(receivedOn)
        output.key("status")
        output.string(status)
        output.key("updatedAt")
        output.date(updatedAt)
        output.key("version")
        output.int(version)
        output.endObject()
    }
}

struct HistoryEventBody: JSONWritable {
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

    func write(to output: inout JSONWriter) {
        output.beginObject()
        output.key("action")
        output.string(action)
        if let actor {
            output.key("actor")
            output.string(actor)
        }
        output.key("actorRole")
        output.string(actorRole)
        output.key("at")
        output.date(at)
        if let from {
            output.key("from")
            output.string(from)
        }
        output.key("number")
        output.int(number)
        if let reason {
            output.key("reason")
            output.string(reason)
        }
        output.key("to")
        output.string(to)
        output.endObject()
    }
}

/// A request with its history, its findings and its stored submission (canonical JSON, passed through).
struct RequestDetailBody: JSONWritable {
    let request: RequestSummaryBody
    /// Canonical findings JSON as stored.
    let findingsJSON: String?
    let history: [HistoryEventBody]
    let submissionJSON: String

    func write(to output: inout JSONWriter) {
        output.beginObject()
        if let findingsJSON {
            output.key("findings")
            output.raw(findingsJSON)
        }
        output.key("history")
        output.beginArray()
        for event in history { event.write(to: &output) }
        output.endArray()
        output.key("request")
        request.write(to: &output)
        output.key("submission")
        output.raw(submissionJSON)
        output.endObject()
    }
}

struct RequestListBody: JSONWritable {
    let items: [RequestSummaryBody]
    let nextCursor: String?

    func write(to output: inout JSONWriter) {
        output.beginObject()
        output.key("items")
        output.beginArray()
        for item in items { item.write(to: &output) }
        output.endArray()
        if let nextCursor {
            output.key("nextCursor")
            output.string(nextCursor)
        }
        output.endObject()
    }
}
