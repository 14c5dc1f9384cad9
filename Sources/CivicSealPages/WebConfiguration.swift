import Foundation

/// How the server-rendered pages are served.
package struct WebConfiguration: Sendable {
    /// `Templates/web`: the HTML templates, `messages.json` and `static/`.
    package var directory: String
    /// Cookies carry `Secure`. Only a server listening on a loopback address may turn this off (plain-HTTP
    /// development).
    package var secureCookies: Bool
    /// Behind a trusted reverse proxy that authenticates officers, its `Authorization: Bearer` header signs the
    /// officer in for the pages too (the session then only carries the CSRF token and the language).
    package var trustProxyBearer: Bool
    /// Idle and absolute session lifetimes.
    package var sessionIdleTimeout: Duration = .seconds(30 * 60)
    package var sessionAbsoluteTimeout: Duration = .seconds(8 * 3600)
    /// How many signed-in sessions are kept at most; when full, new sign-ins get a 503 page with `Retry-After` and
    /// nobody is signed out. Anonymous visitors hold no session.
    package var sessionCapacity = 100_000
    /// How many sessions one signed-in person (issuer and subject) holds at once; a further sign-in ends their own
    /// least recently used session.
    package var sessionsPerPrincipal = 10

    package init(directory: String, secureCookies: Bool = true, trustProxyBearer: Bool = false) {
        self.directory = directory
        self.secureCookies = secureCookies
        self.trustProxyBearer = trustProxyBearer
    }
}
