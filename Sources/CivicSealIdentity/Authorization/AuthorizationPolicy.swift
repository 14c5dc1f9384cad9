import CivicSealWorkflow

/// What a staff member may do, as one table of data in one place: which role may perform which action, on which
/// kinds of request, in which department. Every officer route and page asks it before acting.
///
/// The rules:
/// - A **role** grants a set of actions on a set of request kinds (``Grant``); a role not in the table grants nothing.
/// - A **department**: a request is acted on only by staff whose token names the department it was routed to
///   (another department's request is not found: 404); a queue is shown only for the staff member's own department
///   and only when it handles a kind the role covers (the routing configuration says which).
/// - **Revocation** has its own roles (`justice.revoker`, `health.revoker`): an officer who decides requests cannot
///   revoke, and a revoker cannot decide.
/// - Health-book entries are recorded by `health.clinician` for their own facility (no request kind involved).
package struct AuthorizationPolicy: Sendable {
    /// One row of the table: `role` may perform `actions` on requests of `kinds`.
    package struct Grant: Sendable, Hashable {
        package let role: StaffRole
        package let actions: Set<StaffAction>
        /// The kinds of request the actions apply to; empty for actions on no request (health-book entries).
        package let kinds: Set<RequestKind>

        package init(role: StaffRole, actions: Set<StaffAction>, kinds: Set<RequestKind>) {
            self.role = role
            self.actions = actions
            self.kinds = kinds
        }
    }

    /// The answer to "may this staff member do this here?".
    package enum Decision: Sendable, Hashable {
        case allowed
        /// The target is in another department: it is reported as not found (its existence is not revealed).
        case notFound
        /// The staff member's roles do not grant the action on this kind (or in this department): 403.
        case forbidden(String)
    }

    package let grants: [Grant]

    package init(grants: [Grant]) { self.grants = grants }

    /// The deciding work of a request, one list for the officer roles.
    static let deciding: Set<StaffAction> = [
        .viewQueue, .viewRequest, .claim, .approve, .requestInfo, .reject, .setComplexity,
    ]
    static let justiceKinds: Set<RequestKind> = [.criminalRecord]
    static let healthKinds: Set<RequestKind> = [.healthCertificate, .healthBookExtract]

    /// CivicSeal's table.
    package static let standard = AuthorizationPolicy(grants: [
        Grant(role: .justiceOfficer, actions: deciding, kinds: justiceKinds),
        Grant(role: .healthOfficer, actions: deciding, kinds: healthKinds),
        Grant(role: .justiceRevoker, actions: [.viewQueue, .viewRequest, .revoke], kinds: justiceKinds),
        Grant(role: .healthRevoker, actions: [.viewQueue, .viewRequest, .revoke], kinds: healthKinds),
        Grant(role: .healthClinician, actions: [.recordHealthEntry], kinds: []),
    ])

    /// The roles that grant `action` on anything: a route refuses (403) staff holding none before reading anything.
    package func roles(for action: StaffAction) -> Set<StaffRole> {
        Set(grants.filter { $0.actions.contains(action) }.map(\.role))
    }

    /// The kinds on which `roles` grant `action`.
    package func kinds(_ action: StaffAction, for roles: Set<StaffRole>) -> Set<RequestKind> {
        grants.filter { roles.contains($0.role) && $0.actions.contains(action) }.reduce(into: []) {
            $0.formUnion($1.kinds)
        }
    }

    /// Whether a staff member holding `roles` may perform `action` on a request of `kind` (department aside).
    package func grants(_ roles: Set<StaffRole>, _ action: StaffAction, on kind: RequestKind) -> Bool {
        kinds(action, for: roles).contains(kind)
    }

    /// The staff member, if any of their roles grants `action` at all; else ``IdentityError/Code/missingRole`` (403).
    package func requireAny(_ staff: StaffPrincipal, _ action: StaffAction) throws(IdentityError) {
        guard !staff.roles.isDisjoint(with: roles(for: action)) else {
            throw IdentityError(.missingRole, "the roles of this token do not allow \(action.rawValue)")
        }
    }

    /// May `staff` perform `action` on a request of `kind` routed to `department`?
    package func decide(_ staff: StaffPrincipal, _ action: StaffAction, kind: RequestKind, department: String)
        -> Decision
    {
        guard !staff.roles.isDisjoint(with: roles(for: action)) else {
            return .forbidden("the roles of this token do not allow \(action.rawValue)")
        }
        guard staff.department == department else { return .notFound }
        guard grants(staff.roles, action, on: kind) else {
            return .forbidden("the roles of this token do not allow \(action.rawValue) on \(kind.rawValue) requests")
        }
        return .allowed
    }

    /// Throws for anything but ``Decision/allowed``: `notFound()` for another department's request, else
    /// ``IdentityError/Code/missingRole`` (403).
    package func require<E: Error>(
        _ staff: StaffPrincipal, _ action: StaffAction, kind: RequestKind, department: String, notFound: () -> E
    ) throws {
        switch decide(staff, action, kind: kind, department: department) {
        case .allowed: return
        case .notFound: throw notFound()
        case .forbidden(let message): throw IdentityError(.missingRole, message)
        }
    }

    /// The kinds of `department`'s queue that `staff` may see: empty (403) unless it is their own department and it
    /// handles a kind their roles cover. `handledKinds` comes from the routing configuration.
    package func queueKinds(_ staff: StaffPrincipal, department: String, handledKinds: Set<RequestKind>) -> Set<
        RequestKind
    > {
        guard staff.department == department else { return [] }
        return kinds(.viewQueue, for: staff.roles).intersection(handledKinds)
    }

    /// The kinds of `department`'s queue that `staff` may see, the handled kinds read from `routing` (the API's
    /// `GET /v1/queues/{department}` and the officer's queue page ask this).
    package func queueKinds(_ staff: StaffPrincipal, department: String, routing: RoutingTable) -> Set<RequestKind> {
        queueKinds(staff, department: department, handledKinds: routing.kinds(handledBy: department))
    }
}

/// What staff do, as ``AuthorizationPolicy`` names it.
package enum StaffAction: String, Sendable, Hashable, CaseIterable {
    /// List a department's queue (API and page).
    case viewQueue = "view-queue"
    /// Read one request with the applicant's details.
    case viewRequest = "view-request"
    /// Take a submitted request into review.
    case claim
    /// Approve with findings (the document is then issued).
    case approve
    /// Ask the citizen for more information.
    case requestInfo = "request-info"
    /// Reject with reasons.
    case reject
    /// Revoke an issued document.
    case revoke
    /// Set or correct a request's Art. 48 complexity (and so its statutory deadline), with a reason.
    case setComplexity = "set-complexity"
    /// Record an entry in a person's health book.
    case recordHealthEntry = "record-health-entry"
}
