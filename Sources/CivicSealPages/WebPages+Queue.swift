import CivicSealHTTP
import CivicSealIdentity
import CivicSealRecords
import CivicSealWebKit
import CivicSealWorkflow
import Foundation

/// The department queue page: due dates, overdue marked, filters by state (or all states), the department's kinds
/// and overdue, 50 a page; each row names the person the request is about and the officer who claimed it.
extension WebPages {
    /// The `state` filter's value for every state at once.
    static let allStatesValue = "all"

    /// `GET /officer/queue?state=&kind=&overdue=yes&after=`: 50 requests a page, earliest due date first.
    func officerQueue(_ request: HTTPRequest, _ visit: WebVisit, staff: StaffPrincipal) async throws -> HTTPResponse {
        let actor = Self.actor(staff)
        let allowedKinds = dependencies.casework.policy.queueKinds(
            staff, department: staff.department, routing: store.configuration.authority.routing)
        guard !allowedKinds.isEmpty else { throw Outcome.forbidden }
        let query = (try? QueryString.parse(request.query, allowed: ["state", "kind", "overdue", "after"])) ?? [:]
        let allStates = query["state"] == Self.allStatesValue
        let state = query["state"].flatMap(RequestState.init(rawValue:)) ?? .submitted
        let states = allStates ? RequestState.allCases : [state]
        var kind = query["kind"].flatMap(RequestKind.init(rawValue:))
        let handled = store.configuration.authority.routing.kinds(handledBy: staff.department)
        // A kind the department handles but the officer's roles do not cover is refused; one it does not handle
        // is simply an empty list.
        if let chosen = kind, handled.contains(chosen), !allowedKinds.contains(chosen) { throw Outcome.forbidden }
        // When the department's kinds are split between roles, an officer whose roles cover one sees only that one.
        if kind == nil, allowedKinds != handled, allowedKinds.count == 1 { kind = allowedKinds.first }
        let overdueOnly = query["overdue"] == "yes"
        let filter = QueueFilter(kind: kind, overdueOnly: overdueOnly)
        let cursor = query["after"].flatMap { $0.isEmpty ? nil : $0 }
        let now = now()
        let queuePage: QueuePage
        do {
            queuePage =
                allStates
                ? try await store.departmentQueue(
                    for: actor, states: states, filter: filter, limit: Self.queuePageSize, after: cursor, now: now)
                : try await store.departmentQueue(
                    for: actor, state: state, filter: filter, limit: Self.queuePageSize, after: cursor, now: now)
        } catch {
            // A cursor edited by hand starts the queue over; anything else is a failure.
            if error.code == RecordsError.Code.invalidCursor { throw Outcome.redirect("/officer/queue") }
            throw error
        }
        let counts = try await store.queueCounts(for: actor, states: states, filter: filter, now: now)
        let names = try await store.queueNames(queuePage.items.map(\.id), for: actor)
        var base = "/officer/queue?state=\(allStates ? Self.allStatesValue : state.rawValue)"
        if let kind { base += "&kind=\(kind.rawValue)" }
        if overdueOnly { base += "&overdue=yes" }
        // The state filter offers every state a request can be in, and all of them at once.
        let stateOptions: [TemplateValue] =
            [
                .object([
                    "value": .string(Self.allStatesValue), "label": .string(text("queue-all-states", visit)),
                    "selected": .bool(allStates),
                ])
            ]
            + RequestState.allCases.map { option in
                .object([
                    "value": .string(option.rawValue), "label": .string(stateName(option, visit)),
                    "selected": .bool(!allStates && option == state),
                ])
            }
        // The kind filter offers the kinds of this department that the officer's roles cover, and no others.
        let kindOptions = RequestKind.allCases.filter { allowedKinds.contains($0) }
        var values: [String: TemplateValue] = [
            "department": .string(departmentName(staff.department, visit)),
            "states": .list(stateOptions),
            "kinds": .list(
                (kindOptions.count > 1
                    ? [
                        TemplateValue.object([
                            "value": "", "label": .string(text("queue-all-kinds", visit)),
                            "selected": .bool(kind == nil),
                        ])
                    ] : [])
                    + kindOptions.map { option in
                        .object([
                            "value": .string(option.rawValue), "label": .string(kindName(option, visit)),
                            "selected": .bool(option == kind),
                        ])
                    }),
            "overdueOnly": .bool(overdueOnly),
            "countText": .string(
                "\(counts.total)\(counts.totalIsAtLeast ? "+" : "") \(text("count-requests", visit)) · "
                    + "\(counts.overdue)\(counts.overdueIsAtLeast ? "+" : "") \(text("count-overdue", visit))"),
            "hasItems": .bool(!queuePage.items.isEmpty),
            "items": .list(
                queuePage.items.map { summary in
                    let rowNames = names[summary.id]
                    let assignee: String =
                        summary.assigneeID == nil
                        ? text("unassigned", visit)
                        : rowNames?.assigneeName ?? text("queue-assignee-name-unknown", visit)
                    return .object([
                        "id": .string(summary.id), "shortId": .string(String(summary.id.prefix(8))),
                        "kind": .string(kindName(summary.kind, visit)),
                        "received": .string(Self.date(summary.receivedOn)), "due": .string(Self.date(summary.dueDate)),
                        "overdue": .bool(summary.isOverdue), "state": .string(stateName(summary.state, visit)),
                        "stateCode": .string(summary.state.rawValue),
                        "applicant": .string(rowNames?.subjectName ?? "—"), "assignee": .string(assignee),
                    ])
                }),
        ]
        if cursor != nil { values["firstHref"] = .string(base) }
        if let next = queuePage.nextCursor {
            values["nextHref"] = .string(
                base + "&after=" + (next.addingPercentEncoding(withAllowedCharacters: .alphanumerics) ?? ""))
        }
        return page(
            visit, "officer-queue", title: text("queue-title", visit), values, user: staff.name, section: "officer")
    }
}
