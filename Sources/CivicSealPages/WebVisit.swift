import CivicSealIdentity
import CivicSealWebKit

/// Who a page request comes from, resolved once per request before its handler runs (``WebPages/begin(_:)``): the
/// principal the signed-in session holds, while its ID token has not expired.
enum PagePrincipal: Sendable {
    /// A citizen, signed in on `/citizen/sign-in`.
    case citizen(CitizenPrincipal)
    /// A staff member with a role the officer pages serve (``WebPages/officerRoles``).
    case officer(StaffPrincipal)
}

/// What a trusted reverse proxy's `Authorization: Bearer` says about an officer page request (only when
/// ``WebConfiguration/trustProxyBearer`` is on); it takes precedence over the session there.
enum ProxyBearer: Sendable {
    /// No such header (or the proxy is not trusted): the session decides.
    case absent
    /// The header names a staff member with an officer role.
    case officer(StaffPrincipal)
    /// The header is there but does not verify as an officer: nobody is signed in for the officer pages.
    case refused
}

/// One page request: the visitor's language, signed-in session (if any), the CSRF token its forms carry, and who is
/// signed in — all resolved once, before the handler runs; handlers receive the principal as a typed value
/// (``WebPages/citizenPage(_:_:)``, ``WebPages/officerPage(_:_:)``) and never derive it again.
struct WebVisit {
    let language: WebLanguage
    /// The signed-in session named by the session cookie; nil for anonymous visitors.
    var session: Session<WebSession>?
    /// The anonymous CSRF nonce: from the visitor's cookie, or new (then the response sets the cookie).
    let csrfNonce: String
    let csrfNonceIsNew: Bool
    /// The request path, for the language switch's way back.
    let path: String
    /// What this page's forms carry: the session's token when signed in, else a signed token for ``csrfNonce``.
    let csrfToken: String
    /// The session's principal; nil when nobody is signed in or the session's ID token has expired.
    let principal: PagePrincipal?
    /// The trusted proxy's officer, if it sent one.
    let proxy: ProxyBearer
    /// What the page changes in ``session``, applied when the response is finished.
    let sessionChange: SessionChange

    /// The signed-in citizen, if the session is a citizen's.
    var citizen: CitizenPrincipal? {
        if case .citizen(let citizen)? = principal { return citizen }
        return nil
    }

    /// The officer of this request: the trusted proxy's when it sent a bearer, else the session's.
    var officer: StaffPrincipal? {
        switch proxy {
        case .officer(let staff): return staff
        case .refused: return nil
        case .absent:
            if case .officer(let staff)? = principal { return staff }
            return nil
        }
    }
}
