import CivicSealApp
import Foundation

extension LiveService {
    /// The server's own origin as the development provider states it (its authorize page lives there).
    package var developmentOrigin: String? { service.developmentProvider?.configuration.browserOrigin() }

    /// Answers the development provider's authorize page behind `authorizationURL` (a URL a relying party's `begin`
    /// made) as a person would: picks `preset` (a synthetic person's id, e.g. `citizen-tuyet`) or types `claims` (a
    /// JSON object), and returns the query the browser is sent back with (`code` and `state`, or `error`).
    package func developmentProviderCallback(authorizationURL: String, preset: String? = nil, claims: String? = nil)
        async throws -> [String: String]
    {
        guard let origin = developmentOrigin, authorizationURL.hasPrefix(origin + "/dev-idp/authorize?"),
            let query = URLComponents(string: authorizationURL)?.percentEncodedQuery
        else { throw ClientError(description: "not an authorization URL of this service's development provider") }
        let allowed = CharacterSet(charactersIn: "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-._~")
        var body = query
        if let preset { body += "&preset=" + (preset.addingPercentEncoding(withAllowedCharacters: allowed) ?? "") }
        if let claims { body += "&claims=" + (claims.addingPercentEncoding(withAllowedCharacters: allowed) ?? "") }
        let answer = try await client.send(
            "POST", "/dev-idp/authorize", headers: [("Content-Type", "application/x-www-form-urlencoded")],
            body: Array(body.utf8))
        guard answer.status == 302, let location = answer.header("Location") else {
            throw ClientError(description: "the development provider did not redirect: \(answer)")
        }
        var result: [String: String] = [:]
        for item in URLComponents(string: location)?.queryItems ?? [] { result[item.name] = item.value ?? "" }
        return result
    }
}
