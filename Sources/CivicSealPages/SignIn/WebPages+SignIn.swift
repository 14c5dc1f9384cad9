import CivicSealCrypto
import CivicSealHTTP
import CivicSealIdentity
import CivicSealJSON
import CivicSealOIDC
import CivicSealWebKit
import CivicSealWorkflow
import Foundation

/// Signing in with OpenID Connect (authorization code flow with PKCE, OIDC Core §3.1): the sign-in pages' button
/// starts at the provider, the provider sends the browser back to `/sign-in/callback`, and only then does a session
/// exist.
///
/// Between the two the browser, not the server, holds the pending sign-in (``PreSignIn``: state, nonce, PKCE
/// verifier, where to return) in one AES-256-GCM-sealed cookie scoped to `/sign-in`: an anonymous visitor costs the
/// server no memory, and a second sign-in started in the same browser replaces the first.
extension WebPages {
    /// Which sign-in page, which provider, which kind of session.
    enum Audience: String, Codable, Sendable {
        case citizen, officer

        var signInPath: String { self == .citizen ? "/citizen/sign-in" : "/officer/sign-in" }
        var home: String { self == .citizen ? "/citizen" : "/officer/queue" }
    }

    /// The one callback registered at the providers, for both kinds of user.
    static let callbackPath = "/sign-in/callback"
    /// How long a started sign-in may take at the provider (the pre-sign-in cookie's `Max-Age`).
    static let preSignInLifetime = 600

    func registerSignIn(_ builder: inout HTTPRouter.Builder) {
        for audience in [Audience.citizen, .officer] {
            builder.add(.get, audience.signInPath) { [self] request, _ in
                await run(request) { visit in signInPage(request, visit, audience: audience) }
            }
            builder.get(audience.signInPath + "/start") { [self] request, _ in
                await run(request) { visit in try await startSignIn(request, visit, audience: audience) }
            }
        }
        builder.get(Self.callbackPath) { [self] request, _ in
            await run(request) { visit in try await signInCallback(request, visit) }
        }
    }

    // MARK: The sign-in page

    /// The sign-in page: one button, "Đăng nhập bằng định danh điện tử / Sign in with national digital identity".
    ///
    /// The button is a link (a GET of `…/sign-in/start`), not a form: a form's POST answered by a redirect to the
    /// provider falls under the pages' `form-action 'self'` (browsers check it on redirects), and the provider's
    /// endpoints are known only from its discovery document. Starting a sign-in changes nothing on the server, and a
    /// cross-site link that starts one only replaces this browser's own pending sign-in.
    func signInPage(_ request: HTTPRequest, _ visit: WebVisit, audience: Audience) -> HTTPResponse {
        if let notice = otherAudienceNotice(visit, audience: audience) { return notice }
        let officer = audience == .officer
        var values: [String: TemplateValue] = [
            "heading": .string(text(officer ? "sign-in-officer" : "sign-in-citizen", visit)),
            "lead": .string(text(officer ? "sign-in-officer-lead" : "sign-in-citizen-lead", visit)),
        ]
        if provider(for: audience) != nil {
            let next = Self.returnPath(query(request, ["next"])["next"], audience: audience)
            values["start"] = .string(Self.startPath(audience, next: next, stepUp: false))
        }
        return page(
            visit, "sign-in", title: text(officer ? "sign-in-officer" : "sign-in-citizen", visit), values,
            section: officer ? "officer" : "citizen")
    }

    /// The page a level-1 citizen sees on a form that needs level 2: why, and a button back through the provider
    /// asking for level 2 (`acr_values`), returning to `next`.
    func stepUpPage(_ visit: WebVisit, citizen: CitizenPrincipal, next: String) -> HTTPResponse {
        page(
            visit, "step-up", title: text("step-up-title", visit),
            ["start": .string(Self.startPath(.citizen, next: next, stepUp: true))],
            user: citizen.identity.fullName, section: "citizen", status: HTTPStatus(code: 403))
    }

    /// `…/sign-in/start?next=…` (and `&acr=level2` for a step-up).
    static func startPath(_ audience: Audience, next: String, stepUp: Bool) -> String {
        var path = audience.signInPath + "/start"
        var parameters: [String] = []
        if next != audience.home { parameters.append("next=" + Self.queryEscaped(next)) }
        if stepUp { parameters.append("acr=level2") }
        if !parameters.isEmpty { path += "?" + parameters.joined(separator: "&") }
        return path
    }

    /// Where a sign-in returns: `next` when it is a local path of this audience's side (or the new-request form),
    /// else that side's home.
    static func returnPath(_ next: String?, audience: Audience) -> String {
        guard let next, isLocalPath(next) || isNewRequestForm(next) else { return audience.home }
        let prefix = audience == .citizen ? "/citizen" : "/officer"
        guard next.hasPrefix(prefix + "/") || next == prefix, !next.contains("/sign-in") else { return audience.home }
        return next
    }

    // MARK: Starting

    /// `GET /{citizen|officer}/sign-in/start`: asks the relying party for the authorization request, seals the
    /// pending sign-in into the browser's cookie and sends the browser to the provider.
    func startSignIn(_ request: HTTPRequest, _ visit: WebVisit, audience: Audience) async throws -> HTTPResponse {
        let parameters = query(request, ["next", "acr"])
        let next = Self.returnPath(parameters["next"], audience: audience)
        let stepUp = audience == .citizen && parameters["acr"] == AssuranceLevel.level2.rawValue
        guard let provider = provider(for: audience) else {
            return signInFailure(visit, "sign-in-unavailable", audience: audience, status: HTTPStatus(code: 503))
        }
        let begun: (authorizationURL: String, pending: PendingSignIn)
        do {
            begun = try await provider.begin(
                acr: stepUp ? .level2 : nil, redirectURI: dependencies.signIn.redirectURI)
        } catch {
            // Starting only reads the provider's discovery document: whatever failed is on the provider's side.
            return signInFailure(
                visit, "sign-in-failed-unreachable", audience: audience, status: HTTPStatus(code: 502))
        }
        let preSignIn = PreSignIn(
            pending: begun.pending, audience: audience, next: next, stepUp: stepUp,
            startedAt: Int64(now().timeIntervalSince1970), replaces: visit.session?.id)
        guard let cookie = site.setPreSignInCookie(preSignIn) else { throw Outcome.notFound }
        var response = redirect(begun.authorizationURL)
        response.headers.add(name: "Set-Cookie", value: cookie)
        return response
    }

    // MARK: The callback

    /// `GET /sign-in/callback?code=…&state=…` (or `?error=…`): the relying party checks the state against the
    /// pending sign-in, exchanges the code and validates the ID token; then a new session (a new id: whatever
    /// session the browser had is ended) and back to where the visitor was going. Any failure is a page that says
    /// what happened and stores nothing; the pending cookie is deleted either way (a code is used once).
    func signInCallback(_ request: HTTPRequest, _ visit: WebVisit) async throws -> HTTPResponse {
        var response = try await completeSignIn(request, visit)
        response.headers.add(name: "Set-Cookie", value: site.expiredPreSignInCookie())
        return response
    }

    private func completeSignIn(_ request: HTTPRequest, _ visit: WebVisit) async throws -> HTTPResponse {
        let cookies = Cookies.parse(request.headers.values(for: "Cookie"))
        guard let preSignIn = cookies[site.preSignInCookie].flatMap({ site.openPreSignIn($0) }) else {
            return signInFailure(visit, "sign-in-failed-expired", audience: nil, status: HTTPStatus(code: 400))
        }
        let audience = preSignIn.audience
        let age = Int64(now().timeIntervalSince1970) - preSignIn.startedAt
        guard age >= -60, age <= Int64(Self.preSignInLifetime) else {
            return signInFailure(visit, "sign-in-failed-expired", audience: audience, status: HTTPStatus(code: 400))
        }
        guard let provider = provider(for: audience) else {
            return signInFailure(visit, "sign-in-unavailable", audience: audience, status: HTTPStatus(code: 503))
        }
        let signedIn: SignedIn
        do {
            signedIn = try await provider.complete(
                query: Self.callbackQuery(request.query), pending: preSignIn.pending,
                redirectURI: dependencies.signIn.redirectURI)
        } catch {
            if error.code.rawValue == "insufficient-assurance", preSignIn.stepUp {
                return signInFailure(visit, "step-up-refused", audience: audience, status: HTTPStatus(code: 403))
            }
            return signInFailure(visit, Self.failureKey(error), audience: audience, status: Self.failureStatus(error))
        }
        let session: WebSession.SignedIn
        switch (audience, signedIn.principal) {
        case (.citizen, .citizen(let citizen)):
            if preSignIn.stepUp && citizen.assuranceLevel < .level2 {
                return signInFailure(visit, "step-up-refused", audience: audience, status: HTTPStatus(code: 403))
            }
            session = .citizen(citizen)
        case (.officer, .staff(let staff)) where !staff.roles.isDisjoint(with: Self.officerRoles):
            session = .officer(staff)
        case (.citizen, _):
            return signInFailure(visit, "sign-in-wrong-role-citizen", audience: audience, status: HTTPStatus(code: 403))
        case (.officer, _):
            return signInFailure(visit, "sign-in-wrong-role-officer", audience: audience, status: HTTPStatus(code: 403))
        }
        // A new session: new id, new CSRF token. The session this browser had when it started (named in the sealed
        // cookie, since a cross-site callback does not carry the `SameSite=Strict` session cookie) and any it
        // sends now are ended. At most `sessionsPerPrincipal` per person; a full store refuses rather than evict.
        if let replaced = preSignIn.replaces { await site.sessions.remove(replaced) }
        if let previous = visit.session { await site.sessions.remove(previous.id) }
        let created: Session<WebSession>
        do {
            created = try await site.sessions.create(
                WebSession(signedIn: session, idToken: signedIn.idToken, provider: audience, flash: "signed-in"),
                owner: Self.sessionOwner(signedIn.principal))
        } catch {
            throw Outcome.sessionsFull
        }
        var response = Self.isCrossSite(request) ? continuePage(visit, to: preSignIn.next) : redirect(preSignIn.next)
        response.headers.add(name: "Set-Cookie", value: site.setCookie(session: created.id))
        return response
    }

    /// Whether the browser says this navigation started on another site (`Sec-Fetch-Site: cross-site`): the
    /// provider's page sent it here. The browser would not send the new `SameSite=Strict` session cookie on a
    /// redirect that continues that navigation, so the callback answers with a page that moves on by itself
    /// (a navigation of our own page, hence same-site).
    static func isCrossSite(_ request: HTTPRequest) -> Bool {
        request.headers.values(for: "Sec-Fetch-Site").contains { $0.lowercased() == "cross-site" }
    }

    /// A page that goes on to `path` at once (`<meta http-equiv="refresh">`, no script), with a link for browsers
    /// that do not.
    func continuePage(_ visit: WebVisit, to path: String) -> HTTPResponse {
        page(
            visit, "continue", title: text("signed-in", visit),
            ["heading": .string(text("signed-in", visit)), "next": .string(path)], refresh: path)
    }

    /// The callback's `code`, `state`, `error` and `iss` (RFC 9207); anything else a provider adds is ignored, a
    /// parameter given twice keeps its first value. The request line bounds the size.
    static func callbackQuery(_ query: Substring?) -> [String: String] {
        var values: [String: String] = [:]
        for pair in (query ?? "").split(separator: "&", omittingEmptySubsequences: true) {
            let parts = pair.split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false)
            guard let name = String(parts[0]).removingPercentEncoding,
                ["code", "state", "error", "iss"].contains(name), values[name] == nil,
                let value = String(parts.count > 1 ? parts[1] : "").replacingOccurrences(of: "+", with: " ")
                    .removingPercentEncoding
            else { continue }
            values[name] = value
        }
        return values
    }

    // MARK: Failures

    /// The failure page: what happened in the visitor's language (never a code, token or state), and a way to try
    /// again (that side's sign-in page, or home when the pending sign-in is gone).
    func signInFailure(_ visit: WebVisit, _ messageKey: String, audience: Audience?, status: HTTPStatus)
        -> HTTPResponse
    {
        let stepUp = messageKey == "step-up-refused"
        let retry = stepUp ? "/citizen" : (audience?.signInPath ?? "/")
        return page(
            visit, "sign-in-failed", title: text(stepUp ? "step-up-title" : "sign-in-failed", visit),
            [
                "heading": .string(text(stepUp ? "step-up-title" : "sign-in-failed", visit)),
                "message": .string(text(messageKey, visit)), "retry": .string(retry),
                "retryLabel": .string(text(stepUp ? "go-back" : "sign-in-try-again", visit)),
            ], section: audience.map { $0 == .officer ? "officer" : "citizen" }, status: status)
    }

    /// The `messages.json` key explaining a relying-party refusal.
    static func failureKey(_ error: SignInError) -> String {
        switch error.code.rawValue {
        case "state-mismatch": "sign-in-failed-state"
        case "expired-pending": "sign-in-failed-expired"
        case "code-rejected": "sign-in-failed-code"
        case "provider-error": "sign-in-failed-provider"
        case "provider-unreachable", "tls-failure": "sign-in-failed-unreachable"
        case "insufficient-assurance": "step-up-refused"
        default: "sign-in-failed-token"
        }
    }

    /// 502 when the provider could not be reached or misbehaved on the wire, 403 for a provider's refusal, else 400.
    static func failureStatus(_ error: SignInError) -> HTTPStatus {
        switch error.code.rawValue {
        case "provider-unreachable", "tls-failure": HTTPStatus(code: 502)
        case "provider-error", "insufficient-assurance": HTTPStatus(code: 403)
        default: HTTPStatus(code: 400)
        }
    }

    // MARK: Signing out

    /// `POST /sign-out`: ends the session here. From the header's button, a session a provider signed in whose
    /// discovery names an `end_session_endpoint` also ends there (OIDC RP-Initiated Logout 1.0, with
    /// `id_token_hint` and `post_logout_redirect_uri` = our home page): a page that moves on to the provider by
    /// itself, since a form's redirect to another origin falls under `form-action 'self'`. "Sign out and continue
    /// as …" (`next`) signs out here only, so that the other sign-in follows at once.
    func signOut(_ request: HTTPRequest, _ visit: WebVisit) async throws -> HTTPResponse {
        let fields = try form(request, visit)
        let next = fields["next"].flatMap { ["/officer/sign-in", "/citizen/sign-in"].contains($0) ? $0 : nil }
        var endSession: String?
        if let session = visit.session {
            await site.sessions.remove(session.id)
            if next == nil, let idToken = session.payload.idToken, let audience = session.payload.provider,
                let provider = provider(for: audience)
            {
                endSession = await provider.endSessionURL(
                    idTokenHint: idToken, postLogoutRedirectURI: dependencies.signIn.postLogoutRedirectURI)
            }
        }
        var response: HTTPResponse
        if let endSession {
            response = page(
                visit, "sign-out-provider", title: text("sign-out-provider", visit),
                ["endSession": .string(endSession)], refresh: endSession)
            // The provider's address differs per deployment; this page alone may send the browser there.
            response.headers.replaceOrAdd(name: "Referrer-Policy", value: "no-referrer")
        } else {
            response = redirect(next ?? "/")
        }
        response.headers.add(name: "Set-Cookie", value: site.expiredSessionCookie())
        return response
    }

    // MARK: Helpers

    func provider(for audience: Audience) -> RelyingParty? {
        audience == .citizen ? dependencies.signIn.citizen : dependencies.signIn.staff
    }

    /// A GET's query values among `allowed`; a malformed or unexpected query counts as none.
    func query(_ request: HTTPRequest, _ allowed: Set<String>) -> [String: String] {
        (try? QueryString.parse(request.query, allowed: allowed)) ?? [:]
    }

    /// Percent-escapes a query value (RFC 3986 unreserved characters and `/` kept).
    static func queryEscaped(_ text: String) -> String {
        var allowed = CharacterSet.alphanumerics.intersection(
            CharacterSet(charactersIn: Unicode.Scalar(0)...Unicode.Scalar(127)))
        allowed.insert(charactersIn: "-._~/")
        return text.addingPercentEncoding(withAllowedCharacters: allowed) ?? ""
    }

    /// Whose session a sign-in starts, for the per-person bound: the token's issuer and subject.
    static func sessionOwner(_ principal: Principal) -> String {
        "\(principal.kind.rawValue):\(principal.token.issuer) \(principal.token.subject)"
    }
}
