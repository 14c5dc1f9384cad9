import CivicSealStorage
import CivicSealWorkflow
import Foundation

extension RequestStore {
    /// The requests in `state` of the officer's own department, oldest due date first (then oldest first), `limit` at a
    /// time. Pass the previous page's ``QueuePage/nextCursor`` to continue. Keyset pagination: rows inserted
    /// between pages never cause duplicates or skips of rows that were already queued.
    ///
    /// Only officers (of their own department, taken from the actor) and the system may read a queue.
    package func departmentQueue(
        for officer: Participant, state: RequestState, limit: Int = 50, after cursor: String? = nil, now: Date
    ) async throws(RecordsError) -> QueuePage {
        let query = try queueQuery(for: officer, state: state, limit: limit, after: cursor, now: now)
        return try await read { connection in try Self.runQueue(query, in: connection) }
    }

    /// Blocking ``departmentQueue(for:state:limit:after:now:)-async``.
    package func departmentQueue(
        for officer: Participant, state: RequestState, limit: Int = 50, after cursor: String? = nil, now: Date
    ) throws(RecordsError) -> QueuePage {
        let query = try queueQuery(for: officer, state: state, limit: limit, after: cursor, now: now)
        return try read { connection in try Self.runQueue(query, in: connection) }
    }

    /// The queue narrowed by ``QueueFilter`` (one kind, overdue only), same order and cursor rules. The overdue
    /// filter is a bound on the queue index's `due_date` column, so it costs no more than the plain queue.
    package func departmentQueue(
        for officer: Participant, state: RequestState, filter: QueueFilter, limit: Int = 50,
        after cursor: String? = nil,
        now: Date
    ) async throws(RecordsError) -> QueuePage {
        let query = try queueQuery(for: officer, state: state, limit: limit, after: cursor, now: now, filter: filter)
        return try await read { connection in try Self.runQueue(query, in: connection) }
    }

    /// The queue across several states (the page's "all states"), in the same order and with the same cursor as the
    /// one-state queue: one index range scan of at most `limit + 1` entries per state, merged by (due date, row).
    /// Its cost does not grow with the department's size.
    package func departmentQueue(
        for officer: Participant, states: [RequestState], filter: QueueFilter, limit: Int = 50,
        after cursor: String? = nil,
        now: Date
    ) async throws(RecordsError) -> QueuePage {
        guard let first = states.first else { return QueuePage(items: [], nextCursor: nil) }
        let query = try queueQuery(for: officer, state: first, limit: limit, after: cursor, now: now, filter: filter)
        return try await read { connection in
            var rows: [(seq: Int64, summary: RequestSummary)] = []
            for state in Set(states) {
                rows += try Self.runQueueRows(
                    QueueQuery(
                        department: query.department, state: state, limit: query.limit, cursor: query.cursor,
                        today: query.today,
                        filter: query.filter, ids: query.ids),
                    in: connection)
            }
            rows.sort { ($0.summary.dueDate, $0.seq) < ($1.summary.dueDate, $1.seq) }
            var items = rows.prefix(query.limit + 1).map(\.summary)
            var next: String?
            if items.count > query.limit {
                items.removeLast()
                if let last = items.last { next = QueueCursor(dueDate: last.dueDate, id: last.id).encoded }
            }
            return QueuePage(items: items, nextCursor: next)
        }
    }

    /// ``queueCounts(for:state:filter:now:)`` summed over `states` (each count still bounded).
    package func queueCounts(
        for officer: Participant, states: [RequestState], filter: QueueFilter = QueueFilter(), now: Date
    )
        async throws(RecordsError) -> QueueCounts
    {
        var total = 0
        var overdue = 0
        var totalIsAtLeast = false
        var overdueIsAtLeast = false
        for state in Set(states) {
            let counts = try await queueCounts(for: officer, state: state, filter: filter, now: now)
            total += counts.total
            overdue += counts.overdue
            totalIsAtLeast = totalIsAtLeast || counts.totalIsAtLeast
            overdueIsAtLeast = overdueIsAtLeast || counts.overdueIsAtLeast
        }
        return QueueCounts(
            total: total, overdue: overdue, totalIsAtLeast: totalIsAtLeast, overdueIsAtLeast: overdueIsAtLeast)
    }

    /// The most a queue count reads: past it, ``QueueCounts`` says "at least".
    package static let queueCountLimit = 10_000

    /// How many requests of the officer's department are in `state` (narrowed by `filter`) and how many of those are
    /// overdue. Each count is an index range scan of `requests_queue` stopped after ``queueCountLimit`` entries, so
    /// showing it costs the same at a million requests as at ten thousand.
    package func queueCounts(
        for officer: Participant, state: RequestState, filter: QueueFilter = QueueFilter(), now: Date
    )
        async throws(RecordsError) -> QueueCounts
    {
        let query = try queueQuery(for: officer, state: state, limit: 1, after: nil, now: now, filter: filter)
        let limit = Self.queueCountLimit
        return try await read { connection in
            func count(overdueOnly: Bool) throws -> Int {
                var sql = "SELECT count(*) FROM (SELECT 1 FROM requests WHERE department_id = ? AND state = ?"
                var values: [DatabaseValue] = [.text(query.department), .text(query.state.rawValue)]
                if overdueOnly {
                    sql += " AND due_date < ?"
                    values.append(.text(query.today.description))
                }
                if let kind = filter.kind {
                    sql += " AND kind = ?"
                    values.append(.text(kind.rawValue))
                }
                sql += " LIMIT ?) AS bounded"
                values.append(.integer(Int64(limit + 1)))
                return Int(try connection.scalar(sql, values).int64 ?? 0)
            }
            let total = try count(overdueOnly: filter.overdueOnly)
            let overdue = filter.overdueOnly ? total : try count(overdueOnly: true)
            return QueueCounts(
                total: min(total, limit), overdue: min(overdue, limit), totalIsAtLeast: total > limit,
                overdueIsAtLeast: overdue > limit)
        }
    }

    /// A citizen's own requests (as applicant), newest first, at most `limit`.
    package func requests(ownedBy citizen: Participant, limit: Int = 100, now: Date) async throws(RecordsError)
        -> [RequestSummary]
    {
        guard citizen.role == .citizen else { throw RecordsError(.forbidden, "only citizens own requests") }
        let limit = max(1, min(limit, configuration.maximumPageSize))
        let today = today(now)
        let ids = ids
        return try await read { connection in
            var items: [RequestSummary] = []
            try connection.forEachRow(
                """
                SELECT \(RequestRow.summaryColumns) FROM requests WHERE owner_id = ?
                ORDER BY created_at DESC, seq DESC LIMIT ?
                """, [.text(citizen.id), .integer(Int64(limit))]
            ) { statement in items.append(try RequestRow.summary(from: statement, today: today, ids: ids)) }
            return items
        }
    }

    /// One request with its submission, findings and full history, if `actor` may see it: its owner, an officer
    /// of its department, or the system. Otherwise ``RecordsError/Code/notFound``.
    package func request(_ requestID: String, by actor: Participant, now: Date) async throws(RecordsError)
        -> RequestRecord
    {
        guard Self.isRequestID(requestID) else { throw RecordsError.notFound }
        let today = today(now)
        let ids = ids
        return try await read { connection in
            guard let seq = try ids.resolve(requestID, in: connection) else { throw RecordsError.notFound }
            let statement = try connection.statement(
                """
                SELECT \(RequestRow.summaryColumns), history, owner_id, findings, submission, subject_identity,
                    complexity_override, working_days, assignee_name
                FROM requests WHERE seq = ?
                """)
            defer { statement.reset() }
            try statement.bind([.integer(seq)])
            guard try statement.step() else { throw RecordsError.notFound }
            let summary = try RequestRow.summary(from: statement, today: today, ids: ids)
            let history = statement.string(at: 13) ?? ""
            try Self.checkVisible(owner: statement.string(at: 14), department: summary.departmentID, to: actor)
            let findings = statement.string(at: 15)
            let subject = statement.string(at: 17).flatMap { json -> PersonIdentity? in
                guard
                    case .success(let identity) = WorkflowJSON.decode(
                        PersonIdentity.self, from: Data(json.utf8), rejectingUnknownKeys: false)
                else { return nil }
                return identity
            }
            guard let json = statement.string(at: 16),
                case .success(let submission) = WorkflowJSON.decode(
                    RequestSubmission.self, from: Data(json.utf8), rejectingUnknownKeys: false)
            else { throw RequestRow.corrupt }
            return RequestRecord(
                summary: summary, submission: submission, findingsJSON: findings,
                history: try RequestHistory.events(history, in: connection), subject: subject,
                complexityOverride: statement.string(at: 18).flatMap(CaseComplexity.init(storedText:)),
                workingDays: statement.isNull(at: 19) ? nil : Int(statement.int64(at: 19)),
                assigneeName: statement.string(at: 20))
        }
    }

    /// The history of one request, oldest first, with the same visibility rule as ``request(_:by:now:)``.
    package func history(of requestID: String, by actor: Participant) async throws(RecordsError)
        -> [RequestHistoryEvent]
    {
        guard Self.isRequestID(requestID) else { throw RecordsError.notFound }
        let ids = ids
        return try await read { connection in
            guard let seq = try ids.resolve(requestID, in: connection),
                let row = try connection.queryFirst(
                    "SELECT history, owner_id, department_id FROM requests WHERE seq = ?", [.integer(seq)])
            else { throw RecordsError.notFound }
            try Self.checkVisible(owner: row[1].string, department: row[2].string ?? "", to: actor)
            return try RequestHistory.events(row[0].string ?? "", in: connection)
        }
    }

    /// What the queue page shows beside each request: the name of the person the document is about and the name of
    /// the officer who claimed it (as their staff token gave it then). One primary-key read per id; only requests of
    /// the officer's own department are answered.
    package func queueNames(_ requestIDs: [String], for officer: Participant) async throws(RecordsError) -> [String:
        QueueNames]
    {
        guard officer.role == .officer || officer.role == .system, let department = officer.departmentID else {
            throw RecordsError(.forbidden, "only department staff read a queue")
        }
        let ids = ids
        return try await read { connection in
            let statement = try connection.statement(
                "SELECT subject_identity, submission, assignee_name, department_id FROM requests WHERE seq = ?")
            var names: [String: QueueNames] = [:]
            for id in requestIDs where Self.isRequestID(id) {
                guard let seq = try ids.resolve(id, in: connection) else { continue }
                defer { statement.reset() }
                try statement.bind([.integer(seq)])
                guard try statement.step(), statement.string(at: 3) == department else { continue }
                var subjectName: String?
                if let json = statement.string(at: 0),
                    case .success(let identity) = WorkflowJSON.decode(
                        PersonIdentity.self, from: Data(json.utf8), rejectingUnknownKeys: false)
                {
                    subjectName = identity.fullName
                } else if let json = statement.string(at: 1),
                    case .success(let submission) = WorkflowJSON.decode(
                        RequestSubmission.self, from: Data(json.utf8), rejectingUnknownKeys: false)
                {
                    subjectName = submission.subject?.fullName
                }
                names[id] = QueueNames(subjectName: subjectName, assigneeName: statement.string(at: 2))
            }
            return names
        }
    }

    // MARK: Internals

    struct QueueQuery: Sendable {
        let department: String
        let state: RequestState
        let limit: Int
        let cursor: QueueCursor?
        let today: CalendarDate
        var filter = QueueFilter()
        let ids: RequestIDs
    }

    func queueQuery(
        for officer: Participant, state: RequestState, limit: Int, after cursor: String?, now: Date,
        filter: QueueFilter = QueueFilter()
    ) throws(RecordsError) -> QueueQuery {
        guard officer.role == .officer || officer.role == .system, let department = officer.departmentID else {
            throw RecordsError(.forbidden, "only department staff read a queue")
        }
        return QueueQuery(
            department: department, state: state, limit: max(1, min(limit, configuration.maximumPageSize)),
            cursor: try cursor.map { text throws(RecordsError) in try QueueCursor(text) }, today: today(now),
            filter: filter,
            ids: ids)
    }

    static func runQueue(_ query: QueueQuery, in connection: any SQLSession) throws -> QueuePage {
        var items = try runQueueRows(query, in: connection).map(\.summary)
        var next: String?
        if items.count > query.limit {
            items.removeLast()
            if let last = items.last { next = QueueCursor(dueDate: last.dueDate, id: last.id).encoded }
        }
        return QueuePage(items: items, nextCursor: next)
    }

    /// One state's queue rows with their row numbers (for merging states), `limit + 1` at most, in queue order:
    /// one more row than asked tells whether another page exists.
    static func runQueueRows(_ query: QueueQuery, in connection: any SQLSession) throws -> [(
        seq: Int64, summary: RequestSummary
    )] {
        var rows: [(seq: Int64, summary: RequestSummary)] = []
        rows.reserveCapacity(query.limit + 1)
        let fetch = Int64(query.limit + 1)
        let body: (any SQLCursor) throws -> Void = { statement in
            rows.append(
                (
                    statement.int64(at: 0),
                    try RequestRow.summary(from: statement, offset: 1, today: query.today, ids: query.ids)
                ))
        }
        // Same index range scans with or without filters: the kind is checked per index entry, "overdue" bounds
        // due_date. After a cursor, two seeks instead of the row value `(due_date, seq) > (?, ?)`: SQLite seeks a
        // row value only on its first column when the second is the rowid, which would rescan every request due the
        // same day. First the rest of the cursor's day (`due_date = ? AND seq > ?`), then the later days.
        var filters = ""
        var filterValues: [DatabaseValue] = []
        if let kind = query.filter.kind {
            filters += " AND kind = ?"
            filterValues.append(.text(kind.rawValue))
        }
        if query.filter.overdueOnly {
            filters += " AND due_date < ?"
            filterValues.append(.text(query.today.description))
        }
        let scope: [DatabaseValue] = [.text(query.department), .text(query.state.rawValue)]
        let select = "SELECT seq, \(RequestRow.summaryColumns) FROM requests WHERE department_id = ? AND state = ?"
        if let cursor = query.cursor {
            guard let seq = try query.ids.resolve(cursor.id, in: connection) else {
                throw RecordsError(.invalidCursor, "the cursor was not issued by this queue")
            }
            let day = DatabaseValue.text(cursor.dueDate.description)
            if connection.dialect == .postgresql {
                // PostgreSQL seeks the row value on `requests_queue` itself. The two-seek form would let its planner
                // answer "the rest of the day" from the primary key (seq > ?, other columns filtered), expecting the
                // day's rows spread evenly over seq: at 1M requests a cursor before a gap of the day's rows read
                // 100k+ rows for one page (EXPLAIN ANALYZE: 29 ms at 150k rows, 0.1 ms this way).
                try connection.forEachRow(
                    "\(select) AND (due_date, seq) > (?, ?)\(filters) ORDER BY due_date, seq LIMIT ?",
                    scope + [day, .integer(seq)] + filterValues + [.integer(fetch)], body)
                return rows
            }
            try connection.forEachRow(
                "\(select) AND due_date = ? AND seq > ?\(filters) ORDER BY seq LIMIT ?",
                scope + [day, .integer(seq)] + filterValues + [.integer(fetch)], body)
            if rows.count < fetch {
                try connection.forEachRow(
                    "\(select) AND due_date > ?\(filters) ORDER BY due_date, seq LIMIT ?",
                    scope + [day] + filterValues + [.integer(fetch - Int64(rows.count))], body)
            }
        } else {
            try connection.forEachRow(
                "\(select)\(filters) ORDER BY due_date, seq LIMIT ?", scope + filterValues + [.integer(fetch)], body)
        }
        return rows
    }

    static func checkVisible(owner: String?, department: String, to actor: Participant) throws(RecordsError) {
        switch actor.role {
        case .citizen: guard actor.id == owner else { throw RecordsError.notFound }
        case .officer: guard actor.departmentID == department else { throw RecordsError.notFound }
        case .system: break
        case .clinician: throw RecordsError.notFound
        }
    }
}
