import CivicSealCrypto
import CivicSealJSON
import CivicSealWorkflow
import Foundation
import Synchronization

/// Verifies bearer ID tokens (OIDC Core §2, RFC 7519) from the configured ``TrustedIssuers`` and returns the
/// ``Principal`` they establish.
///
/// The order follows OIDC Core §3.1.3.7 ("ID Token Validation"):
/// 1. `Authorization: Bearer <token>` is parsed strictly (``BearerAuthorization``); the token is at most
///    ``TokenPolicy/maximumTokenLength`` bytes.
/// 2. The *unverified* `iss` only selects the issuer's key set. Nothing else is read before the signature checks.
/// 3. The compact JWS is verified with that issuer's JWK set and allowed algorithms (`none`, HMAC, unknown
///    `kid`, unknown `crit` are refused by the JOSE layer). Step 6: "the Client MUST validate the signature of
///    all other ID Tokens according to JWS using the algorithm specified in the JWT alg Header Parameter."
/// 4. The verified claims are then checked: `iss` exactly (step 2), `aud` contains the audience and `azp`,
///    when present, is the audience (steps 3–5), `exp` in the future (step 9, RFC 7519 §4.1.4), `nbf` not in
///    the future (RFC 7519 §4.1.5), `iat` neither in the future nor older than the maximum age (step 10,
///    RFC 7519 §4.1.6), all with ``TokenPolicy/leeway``. NumericDates must be JSON numbers (RFC 7519 §2).
/// 5. The principal's own claims are validated (``CitizenPrincipal``, ``StaffPrincipal``) and the issuer must
///    be allowed to vouch for that kind.
///
/// Successful results are cached (``VerifiedTokenCache``) by the SHA-256 of the token. Tokens are never logged
/// and no error message carries a token or a claim value.
package final class TokenVerifier: Sendable {
    struct Configuration: Sendable {
        var issuers: TrustedIssuers
        var generation: UInt64
    }

    package let policy: TokenPolicy
    package let cache: VerifiedTokenCache
    private let clock: @Sendable () -> Date
    private let configuration: Mutex<Configuration>

    /// - Parameter clock: the current time; tests inject a fixed or moving clock.
    package init(
        issuers: TrustedIssuers, policy: TokenPolicy = TokenPolicy(), clock: @escaping @Sendable () -> Date = { Date() }
    ) {
        self.policy = policy
        self.clock = clock
        cache = VerifiedTokenCache(capacity: policy.cacheCapacity)
        configuration = Mutex(Configuration(issuers: issuers, generation: 0))
    }

    /// The trusted issuers in force.
    package var issuers: TrustedIssuers { configuration.withLock { $0.issuers } }

    /// Switches to a new issuer set (e.g. a reloaded configuration or a rotated JWK set). No token verified
    /// under the previous set is served from the cache afterwards.
    package func replaceIssuers(_ issuers: TrustedIssuers) {
        configuration.withLock { configuration in
            configuration.issuers = issuers
            configuration.generation &+= 1
        }
        cache.removeAll()
    }

    /// Verifies the value of an `Authorization` header (nil when the request had none).
    package func verify(authorization: String?, now: Date? = nil) throws(IdentityError) -> Principal {
        try verify(
            token: try BearerAuthorization.token(from: authorization, maximumLength: policy.maximumTokenLength),
            now: now)
    }

    /// Verifies all `Authorization` fields of a request; more than one is refused.
    package func verify(authorizationFields: [String], now: Date? = nil) throws(IdentityError) -> Principal {
        try verify(
            token: try BearerAuthorization.token(
                fromFields: authorizationFields, maximumLength: policy.maximumTokenLength), now: now)
    }

    /// Verifies a raw compact JWS.
    package func verify(token: some StringProtocol, now: Date? = nil) throws(IdentityError) -> Principal {
        let now = now ?? clock()
        guard token.utf8.count <= policy.maximumTokenLength else {
            throw IdentityError(.tokenTooLarge, "the token is longer than \(policy.maximumTokenLength) bytes")
        }
        let snapshot = configuration.withLock { $0 }
        // Entries belong to the configuration and to the key sets in force: a refresh that changes a set
        // (a key dropped at the provider) retires every entry verified before it.
        let generation = snapshot.generation &<< 40 &+ snapshot.issuers.keyGeneration
        let key = VerifiedTokenCache.Key(token: token)
        if let cached = cache.lookup(key, generation: generation, now: now) { return cached }
        let verified = try Self.verifyUncached(String(token), issuers: snapshot.issuers, policy: policy, now: now)
        cache.insert(
            key, principal: verified.principal, validFrom: verified.validFrom, validUntil: verified.validUntil,
            generation: generation)
        return verified.principal
    }

    /// The principal of claims whose signature the caller already verified with `issuer`'s keys (the relying
    /// party, after its own ID-token checks): `iss`, `aud` (must contain `audience`), `azp`, times, `sub` and the
    /// principal rules, with the issuer's claim mapping applied.
    package func principal(
        fromVerifiedClaims claims: [String: JSONValue], issuer: TrustedIssuer, audience: String, now: Date? = nil
    ) throws(IdentityError) -> Principal {
        try Self.checkClaims(
            issuer.claimMapping.applied(to: claims), issuer: issuer, audience: audience, policy: policy,
            now: now ?? clock()
        ).principal
    }

    struct Verified {
        let principal: Principal
        let validFrom: Date
        let validUntil: Date
    }

    static func verifyUncached(_ token: String, issuers: TrustedIssuers, policy: TokenPolicy, now: Date)
        throws(IdentityError) -> Verified
    {
        // Step 2: the unverified issuer picks the key set, nothing more.
        let claimedIssuer = try unverifiedIssuer(token)
        guard let issuer = issuers.issuer(claimedIssuer) else {
            throw IdentityError(.unknownIssuer, "the token's issuer is not a trusted issuer", claim: "iss")
        }

        // Step 3: signature.
        let jws: VerifiedJWS
        do { jws = try issuer.verifier.verify(token) } catch {
            if !issuer.keys.isFixed {
                // A rotated key: ask for a refresh (rate-limited, single-flight) without holding this request.
                issuer.keys.requestRefresh(unknownKeyID: error.code == .unknownKeyID)
            }
            throw mapped(error)
        }
        if !issuer.keys.isFixed, issuer.keys.isStale { issuer.keys.requestRefresh(unknownKeyID: false) }
        if let type = jws.header.type, type.uppercased() != "JWT", type.lowercased() != "application/jwt" {
            throw IdentityError(.unexpectedTokenType, "the token's \"typ\" is not JWT")
        }
        let claims: [String: JSONValue]
        do { claims = try jws.payloadJSONObject() } catch {
            throw IdentityError(.malformedToken, "the payload is not a strict JSON object (\(error.code))")
        }
        return try checkClaims(
            issuer.claimMapping.applied(to: claims), issuer: issuer, audience: issuer.audience, policy: policy,
            now: now)
    }

    /// Steps 4 and 5 on claims whose signature was verified with `issuer`'s keys.
    static func checkClaims(
        _ claims: [String: JSONValue], issuer: TrustedIssuer, audience: String, policy: TokenPolicy, now: Date
    ) throws(IdentityError) -> Verified {
        // Step 4: registered claims.
        guard claims["iss"]?.stringValue == issuer.issuer else {
            throw IdentityError(.unknownIssuer, "the verified \"iss\" does not match the issuer", claim: "iss")
        }
        try checkAudience(claims, audience: audience)
        let times = try checkTimes(claims, policy: policy, now: now)
        let facts = TokenFacts(
            issuer: issuer.issuer, subject: try subject(claims, policy: policy),
            expiresAt: times.expiresAt, issuedAt: times.issuedAt)

        // Step 5: the principal.
        let kind: PrincipalKind
        switch (claims["personal_id"] != nil, claims["roles"] != nil) {
        case (true, false): kind = .citizen
        case (false, true): kind = .staff
        case (true, true):
            throw IdentityError(.ambiguousPrincipal, "a token carries either \"personal_id\" or \"roles\", not both")
        case (false, false):
            throw IdentityError(.ambiguousPrincipal, "a token carries \"personal_id\" (citizen) or \"roles\" (staff)")
        }
        guard issuer.principals.contains(kind) else {
            throw IdentityError(.principalNotAllowed, "the issuer may not vouch for \(kind.rawValue) principals")
        }
        let principal: Principal
        switch kind {
        case .citizen: principal = .citizen(try CitizenClaims.principal(claims, facts: facts, policy: policy, now: now))
        case .staff: principal = .staff(try StaffClaims.principal(claims, facts: facts, policy: policy))
        }
        return Verified(principal: principal, validFrom: times.validFrom, validUntil: times.validUntil)
    }

    /// The `iss` of a token whose signature has not been checked yet; used only to choose the key set.
    static func unverifiedIssuer(_ token: String) throws(IdentityError) -> String {
        let parts = token.split(separator: ".", omittingEmptySubsequences: false)
        guard parts.count == 3 else { throw IdentityError(.malformedToken, "a compact JWS has exactly 3 parts") }
        let payload: [UInt8]
        let value: JSONValue
        do { payload = try Base64URL.decode(String(parts[1])) } catch {
            throw IdentityError(.malformedToken, "the payload is not base64url strict JSON (\(error.code))")
        }
        do { value = try JSONValue(parsing: payload) } catch {
            throw IdentityError(.malformedToken, "the payload is not base64url strict JSON (\(error.code))")
        }
        guard let object = value.objectValue else {
            throw IdentityError(.malformedToken, "the payload is not a JSON object")
        }
        guard let issuer = object["iss"] else {
            throw IdentityError(.missingClaim, "\"iss\" is required", claim: "iss")
        }
        guard let text = issuer.stringValue else {
            throw IdentityError(.invalidClaim, "\"iss\" must be a string", claim: "iss")
        }
        return text
    }

    /// JOSE refusals as identity errors (the JOSE message may name a `kid`; ours names only the reason).
    static func mapped(_ error: JOSEError) -> IdentityError {
        switch error.code {
        case .algorithmNone: IdentityError(.algorithmNone, "unsecured tokens (\"alg\": \"none\") are never accepted")
        case .symmetricAlgorithm: IdentityError(.symmetricAlgorithm, "HMAC-signed tokens are never accepted")
        case .unsupportedAlgorithm:
            IdentityError(.unsupportedAlgorithm, "the token's algorithm is not accepted for its issuer")
        case .invalidCriticalHeader, .unencodedPayload:
            IdentityError(.invalidCriticalHeader, "the token uses a critical header extension that is not understood")
        case .unknownKeyID: IdentityError(.unknownKeyID, "the token's \"kid\" names no key of its issuer")
        case .noSuitableKey, .keyAlgorithmMismatch, .keyUseMismatch, .malformedKey, .unsupportedKey:
            IdentityError(.unusableKey, "no key of the issuer can check this token (\(error.code))")
        case .invalidSignature: IdentityError(.invalidSignature, "the token's signature does not verify")
        default: IdentityError(.malformedToken, "the token is not a well-formed compact JWS (\(error.code))")
        }
    }

    /// OIDC Core §3.1.3.7 steps 3–5 and RFC 7519 §4.1.3: "If the principal processing the claim does not
    /// identify itself with a value in the "aud" claim when this claim is present, then the JWT MUST be rejected."
    static func checkAudience(_ claims: [String: JSONValue], audience: String) throws(IdentityError) {
        guard let value = claims["aud"] else { throw IdentityError(.missingClaim, "\"aud\" is required", claim: "aud") }
        let audiences: [String]
        if let single = value.stringValue {
            audiences = [single]
        } else if let list = value.arrayValue, case let names = list.compactMap(\.stringValue),
            names.count == list.count, !names.isEmpty
        {
            audiences = names
        } else {
            throw IdentityError(.invalidClaim, "\"aud\" must be a string or a non-empty array of strings", claim: "aud")
        }
        guard audiences.contains(audience) else {
            throw IdentityError(.wrongAudience, "the token is not meant for this service", claim: "aud")
        }
        // Step 5: "If an azp (authorized party) Claim is present, the Client SHOULD verify that its client_id
        // is the Claim Value."
        if let party = claims["azp"] {
            guard party.stringValue == audience else {
                throw IdentityError(.wrongAudience, "the token was issued to another client", claim: "azp")
            }
        }
    }

    struct Times {
        let expiresAt: Date
        let issuedAt: Date
        let validFrom: Date
        let validUntil: Date
    }

    /// Latest NumericDate accepted: 9999-12-31T23:59:59Z.
    static let latestNumericDate: Double = 253_402_300_799

    /// A NumericDate claim (RFC 7519 §2: "A JSON numeric value representing the number of seconds from
    /// 1970-01-01T00:00:00Z UTC"); a string such as `"1700000000"` is refused.
    static func numericDate(_ claims: [String: JSONValue], _ name: String, required: Bool) throws(IdentityError)
        -> Double?
    {
        guard let value = claims[name] else {
            if required { throw IdentityError(.missingClaim, "\"\(name)\" is required", claim: name) }
            return nil
        }
        guard case .number = value, let seconds = value.doubleValue, seconds.isFinite, seconds >= 0,
            seconds <= latestNumericDate
        else {
            throw IdentityError(.invalidClaim, "\"\(name)\" must be a JSON number of seconds since 1970", claim: name)
        }
        return seconds
    }

    static func checkTimes(_ claims: [String: JSONValue], policy: TokenPolicy, now: Date) throws(IdentityError) -> Times
    {
        let current = now.timeIntervalSince1970
        let leeway = policy.leeway
        // RFC 7519 §4.1.4: "the current date/time MUST be before the expiration date/time listed in the "exp" claim."
        let expiry = try numericDate(claims, "exp", required: true)!
        guard current < expiry + leeway else { throw IdentityError(.expired, "the token has expired", claim: "exp") }
        // RFC 7519 §4.1.5: "the current date/time MUST be after or equal to the not-before date/time listed in the
        // "nbf" claim."
        let notBefore = try numericDate(claims, "nbf", required: false)
        if let notBefore, current < notBefore - leeway {
            throw IdentityError(.notYetValid, "the token is not valid yet", claim: "nbf")
        }
        // OIDC Core §2 makes "iat" REQUIRED; §3.1.3.7 step 10 lets the client reject tokens issued too far from now.
        let issued = try numericDate(claims, "iat", required: true)!
        guard issued <= current + leeway else {
            throw IdentityError(.issuedInFuture, "the token was issued in the future", claim: "iat")
        }
        guard current - issued <= policy.maximumAge else {
            throw IdentityError(.tooOld, "the token was issued more than \(Int(policy.maximumAge)) s ago", claim: "iat")
        }
        let from = max(notBefore ?? 0, issued) - leeway
        let until = min(expiry + leeway, issued + policy.maximumAge)
        return Times(
            expiresAt: Date(timeIntervalSince1970: expiry), issuedAt: Date(timeIntervalSince1970: issued),
            validFrom: Date(timeIntervalSince1970: from), validUntil: Date(timeIntervalSince1970: until))
    }

    /// OIDC Core §2: `sub` is REQUIRED, "a locally unique and never reassigned identifier within the Issuer
    /// for the End-User ... It MUST NOT exceed 255 ASCII characters in length."
    static func subject(_ claims: [String: JSONValue], policy: TokenPolicy) throws(IdentityError) -> String {
        let subject = try ClaimReader.requiredString(claims, "sub")
        guard !subject.isEmpty, subject.utf8.count <= policy.maximumSubjectLength,
            !subject.unicodeScalars.contains(where: { $0.value < 0x21 || $0.value == 0x7F || $0.value > 0x7E })
        else {
            throw IdentityError(
                .invalidClaim, "\"sub\" must be 1–\(policy.maximumSubjectLength) printable ASCII characters",
                claim: "sub")
        }
        return subject
    }
}

/// Typed access to claims, with errors that name the claim and never its value.
enum ClaimReader {
    static func requiredString(_ claims: [String: JSONValue], _ name: String) throws(IdentityError) -> String {
        guard let value = claims[name] else {
            throw IdentityError(.missingClaim, "\"\(name)\" is required", claim: name)
        }
        guard let text = value.stringValue else {
            throw IdentityError(.invalidClaim, "\"\(name)\" must be a string", claim: name)
        }
        return text
    }

    /// A claim that may be absent; present, it must be a string.
    static func optionalString(_ claims: [String: JSONValue], _ name: String) throws(IdentityError) -> String? {
        guard let value = claims[name], value != .null else { return nil }
        guard let text = value.stringValue else {
            throw IdentityError(.invalidClaim, "\"\(name)\" must be a string", claim: name)
        }
        return text
    }
}
