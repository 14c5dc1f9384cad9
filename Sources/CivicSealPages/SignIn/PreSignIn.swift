import CivicSealCrypto
import CivicSealJSON
import CivicSealOIDC
import CivicSealWebKit

/// What the browser keeps between the sign-in button and the provider's callback: the relying party's pending
/// sign-in (state, nonce, PKCE verifier), which kind of user, where to return, whether level 2 was asked for, when it
/// started, and the session it will replace. Sealed with the site's AES-256-GCM key into one cookie, so it can be
/// neither read (the PKCE verifier stays secret) nor changed by anyone, the visitor included.
struct PreSignIn: Codable, Sendable, Equatable {
    var pending: PendingSignIn
    var audience: WebPages.Audience
    /// A local path checked by ``WebPages/returnPath(_:audience:)``.
    var next: String
    /// The citizen asked for level 2 (step-up): a level-1 answer is refused.
    var stepUp: Bool
    /// Epoch seconds; a pre-sign-in older than ``WebPages/preSignInLifetime`` is refused.
    var startedAt: Int64
    /// The session this browser had when it started (ended at the callback).
    var replaces: String?
}

extension WebSite {
    /// Binds sealed pre-sign-in cookies to their purpose: no other sealed value of this site can pass as one.
    static let preSignInAssociatedData = Array("civicseal pre-sign-in v1".utf8)
    /// A cookie larger than this is not ours (a pending sign-in seals to well under 1 KiB).
    static let maximumPreSignInCookie = 2048

    /// The `Set-Cookie` value holding `preSignIn`: `HttpOnly`, `Secure` (outside loopback development),
    /// `SameSite=Lax` (the provider's redirect back is a cross-site top-level GET, which must carry it),
    /// `Path=/sign-in` (sent to the callback only), `Max-Age` ten minutes. Nil if it cannot be encoded.
    func setPreSignInCookie(_ preSignIn: PreSignIn) -> String? {
        guard let plaintext = try? JSONValueEncoder().encodeText(preSignIn) else { return nil }
        let sealed = preSignInCipher.seal(plaintext, associatedData: Self.preSignInAssociatedData)
        return SetCookie(
            name: preSignInCookie, value: Base64URL.encode(sealed), path: "/sign-in",
            maxAgeSeconds: WebPages.preSignInLifetime, secure: configuration.secureCookies, sameSite: .lax)?
            .headerValue
    }

    /// The pre-sign-in a cookie value seals; nil for anything this site did not seal (or sealed before a restart).
    func openPreSignIn(_ value: String) -> PreSignIn? {
        guard value.utf8.count <= Self.maximumPreSignInCookie, let sealed = try? Base64URL.decode(value),
            let plaintext = preSignInCipher.open(sealed, associatedData: Self.preSignInAssociatedData)
        else { return nil }
        return try? JSONValueDecoder().decode(PreSignIn.self, from: plaintext)
    }

    /// Deletes the pre-sign-in cookie (same name and path).
    func expiredPreSignInCookie() -> String {
        SetCookie(
            name: preSignInCookie, value: "", path: "/sign-in", maxAgeSeconds: 0, secure: configuration.secureCookies,
            sameSite: .lax)?
            .headerValue ?? ""
    }
}
