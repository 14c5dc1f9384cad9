import CivicSealCrypto
import CivicSealIdentity
import CivicSealJSON
import CivicSealWorkflow
import Foundation

extension RelyingParty {
    /// OIDC Core §3.1.3.7: signature with the issuer's keys (an unknown `kid` waits for one rate-limited refresh),
    /// `iss` exactly, `aud` contains our client id, `azp` (required with several audiences) is our client id,
    /// `nonce` is the pending one, `acr` is at least the level asked, `at_hash` matches the access token when
    /// present; then `exp`/`iat` and the principal by the same rules as API bearer tokens.
    func validate(tokens: TokenResponse, pending: PendingSignIn) async throws(SignInError) -> SignedIn {
        let token = tokens.idToken
        guard token.utf8.count <= verifier.policy.maximumTokenLength else {
            throw SignInError(.invalidToken, "the ID token is too long")
        }
        let jws = try await verifiedSignature(token)
        let claims: [String: JSONValue]
        do { claims = try jws.payloadJSONObject() } catch {
            throw SignInError(.invalidToken, "the ID token's payload is not a strict JSON object")
        }
        guard claims["iss"]?.stringValue == issuer.issuer else {
            throw SignInError(.issuerMismatch, "the ID token's iss is not the configured issuer")
        }
        try checkAudience(claims)
        guard let nonce = claims["nonce"]?.stringValue,
            ConstantTime.equals(Array(nonce.utf8), Array(pending.nonce.utf8))
        else { throw SignInError(.nonceMismatch, "the ID token's nonce is not the one of this sign-in") }
        let level = claims["acr"]?.stringValue.flatMap { issuer.claimMapping.level(acr: $0) }
        if let asked = pending.acr {
            guard let level, level >= asked else {
                throw SignInError(.insufficientAssurance, "the provider did not assert the level asked for")
            }
        }
        if let atHash = claims["at_hash"] {
            guard let accessToken = tokens.accessToken, let text = atHash.stringValue,
                ConstantTime.equals(
                    Array(text.utf8),
                    Array(AccessTokenHash.value(accessToken: accessToken, algorithm: jws.header.algorithm).utf8))
            else { throw SignInError(.invalidToken, "the ID token's at_hash does not match the access token") }
        }
        let principal: Principal
        do {
            principal = try verifier.principal(
                fromVerifiedClaims: claims, issuer: issuer, audience: settings.clientID, now: clock())
        } catch {
            throw Self.mapped(error)
        }
        return SignedIn(
            principal: principal, idToken: token, expiresAt: principal.token.expiresAt, assuranceLevel: level)
    }

    /// The JWS checked with the issuer's current keys; on an unknown `kid` (a rotation at the provider) once more
    /// after a refresh, if the refresh interval allows one.
    func verifiedSignature(_ token: String) async throws(SignInError) -> VerifiedJWS {
        let keys = issuer.keys
        var keySet = keys.isLoaded && !keys.isStale ? keys.current : await keys.fresh()
        for attempt in 0..<2 {
            let signatureVerifier = JWSVerifier(
                keySet: keySet, algorithms: issuer.algorithms, maximumLength: verifier.policy.maximumTokenLength)
            do {
                return try signatureVerifier.verify(token)
            } catch {
                if attempt == 0, !keys.isFixed, error.code == .unknownKeyID || error.code == .noSuitableKey {
                    keySet = await keys.refreshed(forUnknownKeyID: nil)
                    continue
                }
                throw SignInError(.invalidToken, "the ID token's signature does not verify (\(error.code))")
            }
        }
        throw SignInError(.invalidToken, "the ID token's signature does not verify")
    }

    /// OIDC Core §3.1.3.7 steps 3–5: "The ID Token MUST be rejected if the ID Token does not list the Client as a
    /// valid audience"; "If the ID Token contains multiple audiences, the Client SHOULD verify that an azp Claim
    /// is present"; "If an azp (authorized party) Claim is present, the Client SHOULD verify that its client_id is
    /// the Claim Value."
    func checkAudience(_ claims: [String: JSONValue]) throws(SignInError) {
        let audiences: [String]
        if let single = claims["aud"]?.stringValue {
            audiences = [single]
        } else if let list = claims["aud"]?.arrayValue {
            audiences = list.compactMap(\.stringValue)
        } else {
            audiences = []
        }
        guard audiences.contains(settings.clientID) else {
            throw SignInError(.wrongAudience, "the ID token is not meant for this client")
        }
        if audiences.count > 1, claims["azp"] == nil {
            throw SignInError(.wrongAudience, "an ID token for several audiences must name its authorized party")
        }
        if let party = claims["azp"], party.stringValue != settings.clientID {
            throw SignInError(.wrongAudience, "the ID token was issued to another client")
        }
    }

    static func mapped(_ error: IdentityError) -> SignInError {
        switch error.code {
        case .wrongAudience: SignInError(.wrongAudience, "the ID token is not meant for this client")
        case .unknownIssuer: SignInError(.issuerMismatch, "the ID token's iss is not the configured issuer")
        case .insufficientAssurance: SignInError(.insufficientAssurance, "the account's level is too low")
        default: SignInError(.invalidToken, "the ID token was refused (\(error.code))")
        }
    }
}
