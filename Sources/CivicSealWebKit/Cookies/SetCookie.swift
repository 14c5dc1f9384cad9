/// A `Set-Cookie` response field (RFC 6265 §4.1) with safe defaults: host-only, `Path=/`, `HttpOnly`, `Secure`,
/// `SameSite=Strict`.
///
/// Name, value and path are validated at construction, so ``headerValue`` can never carry a `;`, a CR/LF or other
/// bytes that would add attributes or split the response.
package struct SetCookie: Sendable, Equatable {
    /// The `SameSite` attribute (RFC 6265bis §4.1.2.7).
    package enum SameSite: String, Sendable {
        /// Sent only with requests that start on this site.
        case strict = "Strict"
        /// Also sent on top-level navigations from other sites (links into the service).
        case lax = "Lax"
    }

    /// The cookie name, a `token`.
    package let name: String
    /// The cookie value, `cookie-octet`s only (use base64url for random ids).
    package let value: String
    /// The `Path` attribute.
    package let path: String
    /// `Max-Age` in seconds; nil makes a session cookie (kept until the browser closes). Negative values are sent
    /// as `Max-Age=0` (expire now).
    package var maxAgeSeconds: Int?
    /// `HttpOnly`: not readable from scripts.
    package var httpOnly: Bool
    /// `Secure`: only sent over HTTPS. Turn off only for local development over plain HTTP.
    package var secure: Bool
    /// The `SameSite` attribute.
    package var sameSite: SameSite

    /// A cookie; nil if `name` is not a token, `value` has bytes outside `cookie-octet` (RFC 6265 §4.1.1), or
    /// `path` does not start with `/` or contains a `;` or a control byte.
    package init?(
        name: String, value: String, path: String = "/", maxAgeSeconds: Int? = nil, httpOnly: Bool = true,
        secure: Bool = true, sameSite: SameSite = .strict
    ) {
        guard !name.isEmpty, name.utf8.allSatisfy(Cookies.isTokenByte), value.utf8.allSatisfy(Cookies.isCookieOctet),
            path.hasPrefix("/"), path.utf8.allSatisfy({ $0 >= 0x20 && $0 < 0x7F && $0 != UInt8(ascii: ";") })
        else { return nil }
        self.name = name
        self.value = value
        self.path = path
        self.maxAgeSeconds = maxAgeSeconds
        self.httpOnly = httpOnly
        self.secure = secure
        self.sameSite = sameSite
    }

    /// A cookie that makes the browser delete `name` at once (empty value, `Max-Age=0`), e.g. at sign-out.
    /// The path and flags match what this type sets by default, so it replaces the cookie it deletes.
    ///
    /// - Precondition: `name` is a token; cookie names are constants in code, so a bad one is a programming error.
    package static func expired(name: String, secure: Bool = true) -> SetCookie {
        guard let cookie = SetCookie(name: name, value: "", maxAgeSeconds: 0, secure: secure) else {
            preconditionFailure("cookie name \(name) is not an RFC 9110 token")
        }
        return cookie
    }

    /// The field value, e.g. `cs_session=abc; Path=/; Max-Age=3600; HttpOnly; Secure; SameSite=Strict`.
    package var headerValue: String {
        var text = "\(name)=\(value); Path=\(path)"
        if let maxAgeSeconds { text += "; Max-Age=\(max(0, maxAgeSeconds))" }
        if httpOnly { text += "; HttpOnly" }
        if secure { text += "; Secure" }
        text += "; SameSite=\(sameSite.rawValue)"
        return text
    }
}
