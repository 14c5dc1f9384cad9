import CivicSealCasework
import CivicSealHTTP
import CivicSealIdentity
import CivicSealWebKit
import CivicSealWorkflow

/// Who is signed in, resolved once per request, and the gates that hand a page handler its principal as a typed
/// value: a citizen's pages get a ``CitizenPrincipal``, an officer's a ``StaffPrincipal``; anyone else is sent to the
/// matching sign-in page before the handler runs, so no handler looks at sessions or tokens itself.
extension WebPages {
    // MARK: Resolving

    /// The principal the relying party verified when the session signed in, while its ID token has not expired;
    /// nil when nobody is signed in or the token's time is over. An officer session must still hold an officer role.
    ///
    /// The session keeps the verified principal rather than re-verifying the ID token as a bearer token: the ID
    /// token was checked once, at the callback, with the nonce, `azp` and `at_hash` a bearer check does not know,
    /// and a routine key rotation at the provider must not sign everyone out. Its expiry still ends the session.
    func principal(of session: Session<WebSession>?) -> PagePrincipal? {
        guard let signedIn = session?.payload.signedIn else { return nil }
        let now = now()
        switch signedIn {
        case .citizen(let citizen):
            guard citizen.token.expiresAt > now else { return nil }
            return .citizen(citizen)
        case .officer(let staff):
            guard staff.token.expiresAt > now, !staff.roles.isDisjoint(with: Self.officerRoles) else { return nil }
            return .officer(staff)
        }
    }

    /// Behind a trusted reverse proxy that authenticates officers: the officer its `Authorization: Bearer` names.
    func proxyBearer(_ request: HTTPRequest) -> ProxyBearer {
        let fields = request.headers.values(for: "Authorization")
        guard site.configuration.trustProxyBearer, !fields.isEmpty else { return .absent }
        guard
            let staff = try? dependencies.verifier.verify(authorizationFields: fields).requireStaff(
                anyOf: Self.officerRoles)
        else { return .refused }
        return .officer(staff)
    }

    // MARK: Gates

    /// The signed-in citizen, else the citizen sign-in page; a citizen session whose token no longer verifies is over.
    func requireCitizen(_ visit: WebVisit) throws -> CitizenPrincipal {
        if let citizen = visit.citizen { return citizen }
        if let session = visit.session, case .citizen = session.payload.signedIn { visit.sessionChange.record(.end) }
        throw Outcome.redirect("/citizen/sign-in")
    }

    /// The signed-in officer (or the trusted proxy's), else the officer sign-in page; an officer session whose token
    /// no longer verifies is over, and a citizen's session is left alone.
    func requireOfficer(_ visit: WebVisit) throws -> StaffPrincipal {
        if let staff = visit.officer { return staff }
        if let session = visit.session, case .officer = session.payload.signedIn { visit.sessionChange.record(.end) }
        throw Outcome.redirect("/officer/sign-in")
    }

    // MARK: Typed handlers

    /// A citizen's page: the handler receives the signed-in citizen.
    func citizenPage(
        _ request: HTTPRequest, _ handler: (inout WebVisit, CitizenPrincipal) async throws -> HTTPResponse
    ) async -> HTTPResponse {
        await run(request) { visit in try await handler(&visit, try requireCitizen(visit)) }
    }

    /// A citizen's form post: the CSRF token first (a forged or stale post changes nothing and says so, signed in or
    /// not), then the citizen; the handler receives the citizen and the posted fields.
    func citizenPost(
        _ request: HTTPRequest, _ handler: (inout WebVisit, CitizenPrincipal, FormFields) async throws -> HTTPResponse
    ) async -> HTTPResponse {
        await run(request) { visit in
            let fields = try form(request, visit)
            return try await handler(&visit, try requireCitizen(visit), fields)
        }
    }

    /// An officer's page: the handler receives the signed-in officer.
    func officerPage(
        _ request: HTTPRequest, _ handler: (inout WebVisit, StaffPrincipal) async throws -> HTTPResponse
    ) async -> HTTPResponse {
        await run(request) { visit in try await handler(&visit, try requireOfficer(visit)) }
    }

    /// An officer's form post: the CSRF token first, then the officer; the handler receives both with the fields.
    func officerPost(
        _ request: HTTPRequest, _ handler: (inout WebVisit, StaffPrincipal, FormFields) async throws -> HTTPResponse
    ) async -> HTTPResponse {
        await run(request) { visit in
            let fields = try form(request, visit)
            return try await handler(&visit, try requireOfficer(visit), fields)
        }
    }

    /// How histories and the audit trail name the officer acting: the casework's one rule.
    static func actor(_ staff: StaffPrincipal) -> Participant { Casework.participant(staff) }
}
