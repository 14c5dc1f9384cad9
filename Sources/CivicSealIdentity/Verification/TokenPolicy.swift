import CivicSealWorkflow

/// Tunable limits of token verification. Defaults suit an OIDC ID token from the national identity provider.
package struct TokenPolicy: Sendable, Equatable {
    package static let defaultMaximumTokenLength = 8 * 1024

    /// Clock skew tolerated on `exp`, `nbf` and `iat`, in seconds (RFC 7519 §4.1.4: "Implementers MAY provide
    /// for some small leeway, usually no more than a few minutes, to account for clock skew").
    package var leeway: Double
    /// Oldest acceptable `iat`, in seconds (OIDC Core §3.1.3.7 step 10: "The iat Claim can be used to reject
    /// tokens that were issued too far away from the current time").
    package var maximumAge: Double
    /// Longest accepted token, in bytes.
    package var maximumTokenLength: Int
    /// Longest accepted `sub`, in UTF-8 bytes (OIDC Core §2: "It MUST NOT exceed 255 ASCII characters in length").
    package var maximumSubjectLength: Int
    /// Longest accepted `department`, and text rules for names (from the workflow's policy).
    package var validation: ValidationPolicy
    /// How many verified tokens the cache keeps; 0 disables the cache.
    package var cacheCapacity: Int

    package init(
        leeway: Double = 60, maximumAge: Double = 24 * 3600,
        maximumTokenLength: Int = TokenPolicy.defaultMaximumTokenLength,
        maximumSubjectLength: Int = 255, validation: ValidationPolicy = ValidationPolicy(), cacheCapacity: Int = 10_000
    ) {
        self.leeway = leeway
        self.maximumAge = maximumAge
        self.maximumTokenLength = maximumTokenLength
        self.maximumSubjectLength = maximumSubjectLength
        self.validation = validation
        self.cacheCapacity = cacheCapacity
    }
}
