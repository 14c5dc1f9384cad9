import CivicSealHTTP
import Foundation

extension DevelopmentProvider {
    /// `GET /dev-idp/end-session` (OpenID Connect RP-Initiated Logout 1.0 §2–3): the provider keeps no session of its
    /// own, so signing out is only the way back. It redirects to `post_logout_redirect_uri` (with `state`) when that
    /// is registered and the request names the client (`client_id`, or an `id_token_hint` this provider signed);
    /// otherwise it shows that the person is signed out.
    func endSession(_ request: HTTPRequest) -> HTTPResponse {
        guard let parameters = FormParameters(request.query), parameters.repeated == nil else {
            return DevelopmentProviderPage.refusal(
                DevelopmentProviderError(.malformedRequest, "the query is not valid"), language: .vietnamese)
        }
        let language: PageLanguage = (parameters["ui_locales"] ?? "").hasPrefix("en") ? .english : .vietnamese
        guard let target = parameters["post_logout_redirect_uri"] else {
            return DevelopmentProviderPage.signedOut(language: language)
        }
        guard postLogoutRedirectURIs.contains(target) else {
            return DevelopmentProviderPage.refusal(
                DevelopmentProviderError(.unregisteredLogoutURI, "post_logout_redirect_uri is not registered"),
                language: language)
        }
        // §2: "When an id_token_hint parameter is present, the OP MUST validate that it was the issuer of the ID
        // Token"; an expired one is still a hint.
        var namesClient = parameters["client_id"] == configuration.clientID
        if let hint = parameters["id_token_hint"] {
            guard let claims = try? ownVerifier.verify(hint).payloadJSONObject(),
                claims["iss"]?.stringValue == configuration.issuer,
                claims["aud"]?.stringValue == configuration.clientID
                    || claims["aud"]?.arrayValue?.contains(.string(configuration.clientID)) == true
            else {
                return DevelopmentProviderPage.refusal(
                    DevelopmentProviderError(.malformedRequest, "id_token_hint is not an ID token of this provider"),
                    language: language)
            }
            namesClient = true
        }
        guard namesClient else { return DevelopmentProviderPage.signedOut(language: language) }
        guard let state = parameters["state"] else { return Self.redirect(target, []) }
        return Self.redirect(target, [("state", state)])
    }
}
