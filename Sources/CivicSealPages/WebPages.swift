import CivicSealCasework
import CivicSealCrypto
import CivicSealHTTP
import CivicSealIdentity
import CivicSealRecords
import CivicSealWebKit
import CivicSealWorkflow
import Foundation

/// The server-rendered pages for the three kinds of users: verifiers (no sign-in), officers and citizens.
///
/// Every page works without JavaScript. Every form — even the public verification forms — carries a CSRF token that
/// the POST must return; a POST without a matching token changes nothing. Anonymous visitors keep nothing on the
/// server: their token is signed (``SignedCSRFToken``) and bound to a random nonce in a cookie. Only a sign-in
/// starts a server-side session (`HttpOnly; SameSite=Strict`, `Secure` and `__Host-` outside loopback development),
/// which keeps the principal the relying party verified until its ID token expires; no token, personal data or
/// session id ever appears in a URL of ours.
package struct WebPages: Sendable {
    let dependencies: PageDependencies
    let site: WebSite

    /// The pages over `dependencies` (built by the app from the pieces the API uses too) and `site`.
    package init(dependencies: PageDependencies, site: WebSite) {
        self.dependencies = dependencies
        self.site = site
    }

    /// A page handler's way out other than a page: a redirect, or one of the error pages.
    enum Outcome: Error {
        case redirect(String)
        case notFound
        case sessionExpired
        case conflict(back: String)
        case tooManyAttempts(seconds: Int)
        /// The signed-in session store is full: a new sign-in waits (503 with `Retry-After`).
        case sessionsFull
        /// The officer's roles do not allow this here (``AuthorizationPolicy``): 403.
        case forbidden
    }

    var store: RequestStore { dependencies.casework.store }
    func now() -> Date { dependencies.casework.clock() }

    // MARK: Routes

    /// Adds every page route, the static files and the pages' fallback (HTML for unknown addresses outside the API's
    /// paths) to `builder`; the app adds the API's routes to the same builder.
    package func register(_ builder: inout HTTPRouter.Builder) {
        builder.addInline(.get, "/static/app.css") { [site] _, _ in
            site.staticResponse("app.css") ?? HTTPResponse(status: .notFound)
        }
        builder.addInline(.get, "/static/app.js") { [site] _, _ in
            site.staticResponse("app.js") ?? HTTPResponse(status: .notFound)
        }
        builder.addInline(.get, "/static/icon.svg") { [site] _, _ in
            site.staticResponse("icon.svg") ?? HTTPResponse(status: .notFound)
        }
        // Browsers ask for this on their own; answering keeps their consoles free of 404s.
        builder.addInline(.get, "/favicon.ico") { [site] _, _ in
            site.staticResponse("icon.svg") ?? HTTPResponse(status: .notFound)
        }
        builder.add(.get, "/") { [self] request, _ in await run(request) { visit in try home(visit) } }
        builder.addInline(.get, "/language/{language}") { [self] request, context in language(request, context) }
        builder.post("/sign-out") { [self] request, _ in
            await run(request) { visit in try await signOut(request, visit) }
        }
        registerSignIn(&builder)
        registerVerifier(&builder)
        registerOfficer(&builder)
        registerCitizen(&builder)
        registerOfficerSteps(&builder)
        builder.fallback { [self] request, _, allowed in await pageFallback(request, allowed: allowed) }
    }

    // MARK: Unknown addresses

    /// The API's own paths, which keep problem+json for unknown addresses and wrong methods.
    static func isAPIPath(_ path: String) -> Bool {
        path == "/v1" || path.hasPrefix("/v1/") || path.hasPrefix("/pki/")
            || ["/openapi.json", "/healthz", "/metrics"].contains(path)
    }

    /// Any other path answers in HTML in the visitor's language: an unknown address is the not-found page, and a
    /// GET of an address that only takes a form's POST (what the language switch does after a refused form, or a
    /// reload of a bookmarked action) goes to the page that shows that form.
    func pageFallback(_ request: HTTPRequest, allowed: [HTTPMethod]) async -> HTTPResponse? {
        let path = String(request.path)
        guard !Self.isAPIPath(path), [.get, .head, .post].contains(request.method) else { return nil }
        if (request.method == .get || request.method == .head) && allowed.contains(.post) {
            return await finish(redirect(Self.formPage(forPostOnly: path)), begin(request))
        }
        return await run(request) { _ in throw Outcome.notFound }
    }

    /// The page that shows the form posting to `path`: the new-request form for `/citizen/requests`, the home page
    /// for `/sign-out`, else the parent (`/officer/requests/{id}/reject` → `/officer/requests/{id}`).
    static func formPage(forPostOnly path: String) -> String {
        switch path {
        case "/citizen/requests": return "/citizen/requests/new"
        case "/sign-out": return "/"
        default:
            guard let slash = path.dropLast().lastIndex(of: "/"), slash != path.startIndex else { return "/" }
            let parent = String(path[..<slash])
            return isLocalPath(parent) ? parent : "/"
        }
    }

    // MARK: Running a page

    /// Starts a visit: the language (cookie, else Vietnamese), the signed-in session if the cookie names a live one,
    /// who that session (or a trusted proxy) says is signed in, its expiry checked once here, and the anonymous CSRF
    /// nonce (from its cookie, else a new one the response sets). Nothing is stored for a visitor who has not signed
    /// in. On several instances the session lookup is a database read: it suspends, never blocking the pool.
    func begin(_ request: HTTPRequest) async -> WebVisit {
        let cookies = Cookies.parse(request.headers.values(for: "Cookie"))
        let language = cookies[WebSite.languageCookie].flatMap(WebLanguage.init(rawValue:)) ?? .vietnamese
        let path = String(request.path)
        var session: Session<WebSession>?
        if let id = cookies[site.sessionCookie] { session = await site.sessions.lookup(id) }
        let given = cookies[site.csrfCookie].flatMap { SignedCSRFToken.isWellFormedNonce($0) ? $0 : nil }
        let nonce = given ?? SignedCSRFToken.newNonce()
        // A signed-in visitor's forms carry the session's own token: no nonce cookie is needed for them.
        return WebVisit(
            language: language, session: session, csrfNonce: nonce, csrfNonceIsNew: given == nil && session == nil,
            path: path,
            csrfToken: session?.csrfToken ?? site.csrf.token(for: nonce),
            principal: principal(of: session), proxy: proxyBearer(request), sessionChange: SessionChange())
    }

    /// Answers one page request: ``begin(_:)``, the handler, then ``finish(_:_:)``; a thrown ``Outcome`` (or any
    /// other error) becomes its page.
    func run(_ request: HTTPRequest, _ body: (inout WebVisit) async throws -> HTTPResponse) async -> HTTPResponse {
        var visit = await begin(request)
        let response: HTTPResponse
        do { response = try await body(&visit) } catch { response = failure(error, visit) }
        return await finish(response, visit)
    }

    /// Applies what the page changed in its session (a notice set or shown, the session ended: recorded while the
    /// page was made, see ``SessionChange``) before the response leaves, so the next request on any instance sees
    /// it; then the headers every page response carries, and the anonymous CSRF cookie when it is new.
    func finish(_ response: HTTPResponse, _ visit: WebVisit) async -> HTTPResponse {
        if let session = visit.session {
            switch visit.sessionChange.pending {
            case nil: break
            case .end: await site.sessions.remove(session.id)
            case .flash(let flash): _ = await site.sessions.update(session.id) { $0.flash = flash }
            }
        }
        var response = response
        if visit.csrfNonceIsNew {
            response.headers.add(name: "Set-Cookie", value: site.setCSRFCookie(nonce: visit.csrfNonce))
        }
        response.headers.replaceOrAdd(name: "Cache-Control", value: "no-store")
        response.headers.replaceOrAdd(name: "X-Content-Type-Options", value: "nosniff")
        response.headers.replaceOrAdd(name: "Referrer-Policy", value: "no-referrer")
        response.headers.replaceOrAdd(name: "X-Frame-Options", value: "DENY")
        if response.headers.values(for: "Content-Security-Policy").isEmpty {
            response.headers.replaceOrAdd(name: "Content-Security-Policy", value: WebSite.contentSecurityPolicy)
        }
        return response
    }

    func failure(_ error: any Error, _ visit: WebVisit) -> HTTPResponse {
        switch error {
        case Outcome.redirect(let location): return redirect(location)
        case Outcome.notFound:
            return errorPage(visit, "error-not-found", "error-not-found-text", back: "/", status: .notFound)
        case Outcome.sessionExpired:
            return errorPage(
                visit, "error-session", "error-session-text", back: visit.path, status: HTTPStatus(code: 403))
        case Outcome.conflict(let back):
            return errorPage(visit, "error-conflict", "error-conflict-text", back: back, status: HTTPStatus(code: 409))
        case Outcome.tooManyAttempts(let seconds):
            // How long to wait, from the limiter's own Retry-After (at least one second).
            let wait = text("site-too-many-wait", visit).replacingOccurrences(
                of: "{seconds}", with: String(max(1, seconds)))
            var response = page(
                visit, "error", title: text("error-too-many", visit),
                [
                    "heading": .string(text("error-too-many", visit)), "message": .string(wait),
                    "back": .string(visit.path),
                ],
                status: HTTPStatus(code: 429))
            response.headers.replaceOrAdd(name: "Retry-After", value: String(seconds))
            return response
        case Outcome.forbidden, is IdentityError:
            return errorPage(
                visit, "error-forbidden", "error-forbidden-text", back: "/officer/queue", status: HTTPStatus(code: 403))
        case Outcome.sessionsFull:
            var response = errorPage(
                visit, "error-busy", "error-busy-text", back: visit.path, status: HTTPStatus(code: 503))
            response.headers.replaceOrAdd(name: "Retry-After", value: "60")
            return response
        case let error as RecordsError where error.code == .notFound: return failure(Outcome.notFound, visit)
        case let error as CaseworkError where error.code == .notFound: return failure(Outcome.notFound, visit)
        case let error as CaseworkError where error.code == .keyUnavailable:
            // The approval stands; the sweeper issues the document once the signing key's token is back.
            var response = errorPage(
                visit, "error-signing-key", "error-signing-key-text", back: "/officer/queue",
                status: HTTPStatus(code: 503))
            response.headers.replaceOrAdd(name: "Retry-After", value: String(error.retryAfter ?? 30))
            return response
        case let error as RecordsError where error.code == .concurrentModification || error.code == .transitionRefused:
            return failure(Outcome.conflict(back: visit.path), visit)
        default:
            // Nothing about the failure reaches the page; the access log has the request id.
            return errorPage(visit, "error-server", "error-server-text", back: "/", status: .internalServerError)
        }
    }

    func redirect(_ location: String) -> HTTPResponse {
        var response = HTTPResponse(status: HTTPStatus(code: 303))
        response.headers.replaceOrAdd(name: "Location", value: location)
        return response
    }

    /// Redirects after a POST, leaving a notice for the next page (signed-in visitors only: nothing is stored for
    /// anyone else; ``finish(_:_:)`` stores it).
    func redirect(_ location: String, flash: String, _ visit: WebVisit) -> HTTPResponse {
        if visit.session != nil { visit.sessionChange.record(.flash(flash)) }
        return redirect(location)
    }

    func text(_ key: String, _ visit: WebVisit) -> String { site.messages.text(key, visit.language) }

    // MARK: Rendering

    /// Renders `template` inside the layout. `user` is the signed-in person's display name, if any.
    func page(
        _ visit: WebVisit, _ template: String, title: String, _ values: [String: TemplateValue], user: String? = nil,
        section: String? = nil, status: HTTPStatus = .ok, refresh: String? = nil
    ) -> HTTPResponse {
        var context = values
        context["csrf"] = .string(visit.csrfToken)
        context["lang"] = .string(visit.language.rawValue)
        let language = visit.language
        let lookup: (String) -> String? = { [site] key in site.messages.lookup(key, language) }
        var flash: String?
        if let session = visit.session, let key = session.payload.flash {
            flash = text(key, visit)
            // Shown once: ``finish(_:_:)`` clears it (unless this page sets another or ends the session).
            visit.sessionChange.record(.flash(nil), unlessSet: true)
        }
        var layout: [String: TemplateValue] = [
            "lang": .string(language.rawValue), "otherLang": .string(language.other.rawValue), "title": .string(title),
            "path": .string(Self.languageSwitchPath(visit, values)), "csrf": .string(visit.csrfToken),
            "nav": .list(
                [
                    ("/", "nav-home", "home"), ("/citizen", "nav-citizen", "citizen"),
                    ("/officer/queue", "nav-officer", "officer"),
                    ("/verify", "nav-verify", "verify"),
                ].map { href, key, name in
                    .object([
                        "href": .string(href), "label": .string(text(key, visit)), "current": .bool(section == name),
                    ])
                }),
        ]
        if let user { layout["user"] = .string(user) }
        if let flash { layout["flash"] = .string(flash) }
        if let refresh { layout["refresh"] = .string(refresh) }
        // A page holding a form with typed input names that form: the language switch then posts it back (kept)
        // instead of following a link that would lose it.
        if case .string(let form)? = values["languageSwitchForm"] { layout["languageSwitchForm"] = .string(form) }
        do {
            let body = try site.templates.render(template, .object(context), messages: lookup)
            layout["body"] = .html(body)
            var bytes: [UInt8] = []
            bytes.reserveCapacity(body.utf8.count + 2048)
            try site.templates.renderBytes("layout", .object(layout), into: &bytes, messages: lookup)
            var response = HTTPResponse(status: status, body: bytes)
            response.headers.replaceOrAdd(name: "Content-Type", value: "text/html; charset=utf-8")
            return response
        } catch {
            // A template fault is ours; the templates are checked at start and by the catalogue tests.
            return HTTPResponse.text("template error", status: .internalServerError)
        }
    }

    func errorPage(_ visit: WebVisit, _ headingKey: String, _ messageKey: String, back: String, status: HTTPStatus)
        -> HTTPResponse
    {
        page(
            visit, "error", title: text(headingKey, visit),
            [
                "heading": .string(text(headingKey, visit)), "message": .string(text(messageKey, visit)),
                "back": .string(back),
            ],
            status: status)
    }

    func home(_ visit: WebVisit) throws -> HTTPResponse {
        page(visit, "home", title: text("home-title", visit), [:], user: nil, section: "home")
    }

    // MARK: Forms and CSRF

    /// The posted fields, after checking the CSRF token against the session's (constant time). A missing or wrong
    /// token, or a session that has expired since the form was shown, changes nothing.
    func form(_ request: HTTPRequest, _ visit: WebVisit) throws -> FormFields {
        guard let fields = try? FormFields.parse(request: request, limits: FormLimits()),
            csrfMatches(visit, fields["csrf"])
        else {
            throw Outcome.sessionExpired
        }
        return fields
    }

    /// Whether a posted CSRF token is the visit's: the signed-in session's own token, or for anyone else a signed
    /// token bound to the nonce their cookie brought (a cookie this very request created never matches).
    func csrfMatches(_ visit: WebVisit, _ given: String?) -> Bool {
        if let session = visit.session { return SessionStore<WebSession>.csrfMatches(session, given) }
        return !visit.csrfNonceIsNew && site.csrf.isValid(given, nonce: visit.csrfNonce)
    }

    /// The page shown instead of a sign-in page to someone signed in as the other kind of user (a citizen who
    /// clicks "Cán bộ", an officer who clicks "Công dân"): nobody is signed out without asking. It says who they are
    /// signed in as and offers "sign out and continue" (a POST with the CSRF token) or "back". Nil for anyone else.
    func otherAudienceNotice(_ visit: WebVisit, audience: Audience) -> HTTPResponse? {
        let name: String
        switch (audience, visit.principal) {
        case (.officer, .citizen(let citizen)?): name = citizen.identity.fullName
        case (.citizen, .officer(let staff)?): name = staff.name
        default: return nil
        }
        let officer = audience == .officer
        return page(
            visit, "site-switch", title: text("site-switch-title", visit),
            [
                "explanation": .string(
                    text(officer ? "site-switch-as-citizen" : "site-switch-as-officer", visit).replacingOccurrences(
                        of: "{name}", with: name)),
                "next": .string(officer ? "/officer/sign-in" : "/citizen/sign-in"),
                "continueLabel": .string(
                    text(officer ? "site-switch-continue-officer" : "site-switch-continue-citizen", visit)),
                "back": .string(officer ? "/citizen" : "/officer/queue"),
            ], user: name, section: officer ? "officer" : "citizen")
    }

    /// `GET /language/{vi|en}?next=/path`: remembers the choice in a cookie and goes back. `next` must be a local path.
    func language(_ request: HTTPRequest, _ context: RequestContext) -> HTTPResponse {
        guard let language = context.parameter("language").flatMap(WebLanguage.init(rawValue:)) else {
            return HTTPResponse(status: .notFound)
        }
        let next = (try? QueryString.parse(request.query, allowed: ["next"]))?["next"] ?? "/"
        var response = redirect(Self.isLocalPath(next) || Self.isNewRequestForm(next) ? next : "/")
        response.headers.add(name: "Set-Cookie", value: site.setLanguageCookie(language))
        response.headers.replaceOrAdd(name: "Cache-Control", value: "no-store")
        return response
    }

    /// Where the language switch of a page comes back to: the page's own path, except for a refused new-request form
    /// (posted to `/citizen/requests`), which comes back to the form of the same kind. A POST-only address reached
    /// some other way is sent on to its form by ``pageFallback(_:allowed:)``.
    static func languageSwitchPath(_ visit: WebVisit, _ values: [String: TemplateValue]) -> String {
        if visit.path == "/citizen/requests", case .string(let kind)? = values["kind"],
            RequestKind(rawValue: kind) != nil
        {
            return "/citizen/requests/new?kind=\(kind)"
        }
        return isLocalPath(visit.path) ? visit.path : "/"
    }

    /// `/citizen/requests/new?kind=<a request kind>`: the one address with a query the language switch returns to.
    static func isNewRequestForm(_ path: String) -> Bool {
        let prefix = "/citizen/requests/new?kind="
        return path.hasPrefix(prefix) && RequestKind(rawValue: String(path.dropFirst(prefix.count))) != nil
    }

    /// A same-site path: `/` followed by path characters only (no `//host`, no backslash, no scheme).
    static func isLocalPath(_ path: String) -> Bool {
        guard path.hasPrefix("/"), !path.hasPrefix("//"), path.utf8.count <= 200 else { return false }
        return path.utf8.allSatisfy { byte in
            (0x30...0x39).contains(byte) || (0x41...0x5A).contains(byte) || (0x61...0x7A).contains(byte)
                || "/-_.~".utf8.contains(byte)
        }
    }

    // MARK: Shared formatting

    static func date(_ date: CalendarDate) -> String { HanoiTime.date(date) }

    /// Hà Nội time (UTC+7), `dd/MM/yyyy HH:mm`, through the one formatter the documents use.
    static func dateTime(_ date: Date) -> String { HanoiTime.dateTime(date) }

    static func money(_ vnd: Int) -> String {
        var digits = String(vnd)
        var groups: [String] = []
        while digits.count > 3 {
            groups.insert(String(digits.suffix(3)), at: 0)
            digits.removeLast(3)
        }
        groups.insert(digits, at: 0)
        return groups.joined(separator: ".") + " đ"
    }

    /// An amount in the page's language: "205.000 đ" in Vietnamese, "VND 205,000" in English.
    static func money(_ vnd: Int, _ language: WebLanguage) -> String {
        guard language == .english else { return money(vnd) }
        return "VND " + money(vnd).dropLast(2).replacingOccurrences(of: ".", with: ",")
    }

    func kindName(_ kind: RequestKind, _ visit: WebVisit) -> String { text("kind-\(kind.rawValue)", visit) }
    func stateName(_ state: RequestState, _ visit: WebVisit) -> String { text("state-\(state.rawValue)", visit) }
}
