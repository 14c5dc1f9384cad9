import CivicSealCrypto
import CivicSealHTTP
import CivicSealIdentity
import CivicSealWebKit
import Foundation

/// What a visitor's session holds, server side only: who signed in (the principal the relying party verified at the
/// callback, kept until the ID token's expiry) and a one-time notice for the next page.
struct WebSession: Sendable {
    enum SignedIn: Sendable {
        case citizen(CitizenPrincipal)
        case officer(StaffPrincipal)
    }

    var signedIn: SignedIn?
    /// The ID token the provider issued at sign-in: only ever sent back to that provider, as `id_token_hint` of an
    /// RP-initiated sign-out.
    var idToken: String?
    /// Which provider signed this session in (its end-session endpoint ends the provider's session too).
    var provider: WebPages.Audience?
    /// A `messages.json` key shown once on the next page (after a redirect).
    var flash: String?
}

/// The server-rendered pages' shared machinery: templates, messages, static files, sessions and cookies.
/// Built once at start; a template or message problem stops the start instead of failing a visitor later.
package final class WebSite: Sendable {
    package struct LoadError: Error, CustomStringConvertible {
        package let description: String
    }

    let configuration: WebConfiguration
    let templates: TemplateSet
    let messages: WebMessages
    /// Signed-in sessions only: at most ``WebConfiguration/sessionsPerPrincipal`` per person (their own oldest goes),
    /// and a full store refuses new sign-ins instead of evicting anyone. Anonymous visitors keep nothing here.
    let sessions: SessionStore<WebSession>
    /// Anonymous visitors' CSRF tokens: signed, bound to the nonce in ``csrfCookie``; nothing stored.
    let csrf: SignedCSRFToken
    /// `/static/<name>` → (media type, bytes), read at start.
    let assets: [String: (String, [UInt8])]
    /// `__Host-` requires `Secure`, `Path=/` and no `Domain`: the browser then refuses the cookie from any subdomain
    /// or plain-HTTP origin. Without `Secure` (loopback development) the prefix is not allowed.
    let sessionCookie: String
    /// The anonymous visitor's CSRF nonce (same attributes as the session cookie).
    let csrfCookie: String
    /// The pre-sign-in cookie (``PreSignIn``), sealed with ``preSignInCipher``: `__Secure-` when cookies are
    /// `Secure` (`__Host-` would need `Path=/`; this cookie is scoped to `/sign-in`).
    let preSignInCookie: String
    /// The site's AES-256-GCM key for the pre-sign-in cookie, random per process: a restart turns a pending sign-in
    /// into the "start again" page, nothing worse. With ``SharedWebState`` every instance derives the same key, so a
    /// sign-in begun on one completes on another.
    let preSignInCipher: AuthenticatedEncryption
    static let languageCookie = "civicseal_lang"

    /// - Parameter shared: several instances on one database: sessions in its backend, keys from its secret.
    package init(configuration: WebConfiguration, shared: SharedWebState? = nil) throws(LoadError) {
        self.configuration = configuration
        let directory = configuration.directory
        do { templates = try TemplateSet(directory: directory) } catch {
            throw LoadError(description: "web templates in \(directory): \(error)")
        }
        do { messages = try WebMessages(file: "\(directory)/messages.json") } catch {
            throw LoadError(description: error.description)
        }
        var assets: [String: (String, [UInt8])] = [:]
        for (name, type) in [
            ("app.css", "text/css; charset=utf-8"), ("app.js", "text/javascript; charset=utf-8"),
            ("icon.svg", "image/svg+xml"),
        ] {
            guard let data = FileManager.default.contents(atPath: "\(directory)/static/\(name)") else {
                throw LoadError(description: "\(directory)/static/\(name) is missing")
            }
            assets[name] = (type, Array(data))
        }
        self.assets = assets
        if let shared {
            sessions = SessionStore(
                shared: shared.sessions, codec: StoredWebSession.codec, idleTimeout: configuration.sessionIdleTimeout,
                absoluteTimeout: configuration.sessionAbsoluteTimeout, capacity: configuration.sessionCapacity,
                sessionsPerOwner: configuration.sessionsPerPrincipal)
            csrf = SignedCSRFToken(
                key: shared.key("civicseal anonymous csrf v1"), lifetime: configuration.sessionAbsoluteTimeout,
                wallClock: SharedWebState.wallClock)
            preSignInCipher = AuthenticatedEncryption(key: shared.key("civicseal pre-sign-in v1"))!
        } else {
            sessions = SessionStore(
                idleTimeout: configuration.sessionIdleTimeout, absoluteTimeout: configuration.sessionAbsoluteTimeout,
                capacity: configuration.sessionCapacity, sessionsPerOwner: configuration.sessionsPerPrincipal)
            csrf = SignedCSRFToken(lifetime: configuration.sessionAbsoluteTimeout)
            preSignInCipher = AuthenticatedEncryption.randomKey()
        }
        sessionCookie = configuration.secureCookies ? "__Host-civicseal" : "civicseal"
        csrfCookie = configuration.secureCookies ? "__Host-civicseal_csrf" : "civicseal_csrf"
        preSignInCookie = configuration.secureCookies ? "__Secure-civicseal_signin" : "civicseal_signin"
    }

    /// The repository's `Templates/web` (next to the document templates).
    package static func repositoryDirectory(templates: String) -> String { "\(templates)/web" }

    /// Every page: no framing, no inline script or style, nothing from elsewhere, forms post only here.
    static let contentSecurityPolicy =
        "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self'; form-action 'self'; "
        + "frame-ancestors 'none'; base-uri 'none'"

    func staticResponse(_ name: String) -> HTTPResponse? {
        guard let (type, bytes) = assets[name] else { return nil }
        var response = HTTPResponse(status: .ok, body: bytes)
        response.headers.replaceOrAdd(name: "Content-Type", value: type)
        response.headers.replaceOrAdd(name: "Cache-Control", value: "public, max-age=3600")
        response.headers.replaceOrAdd(name: "X-Content-Type-Options", value: "nosniff")
        return response
    }

    func setCookie(session id: String) -> String {
        // Session cookie: no Max-Age, it ends with the browser; the server ends it sooner when idle.
        SetCookie(name: sessionCookie, value: id, maxAgeSeconds: nil, secure: configuration.secureCookies)?.headerValue
            ?? ""
    }

    func setCSRFCookie(nonce: String) -> String {
        SetCookie(name: csrfCookie, value: nonce, maxAgeSeconds: nil, secure: configuration.secureCookies)?.headerValue
            ?? ""
    }

    func expiredSessionCookie() -> String {
        SetCookie.expired(name: sessionCookie, secure: configuration.secureCookies).headerValue
    }

    func setLanguageCookie(_ language: WebLanguage) -> String {
        SetCookie(
            name: Self.languageCookie, value: language.rawValue, maxAgeSeconds: 365 * 86_400,
            secure: configuration.secureCookies)?
            .headerValue ?? ""
    }
}
