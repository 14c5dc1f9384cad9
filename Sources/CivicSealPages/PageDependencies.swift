import CivicSealCasework
import CivicSealIdentity

/// What the pages work with, built once by the app: the use cases (the same ``Casework`` the API adapts, so one
/// store, one policy, one set of verification threads and one confirmation budget per client) and the identity
/// token verifier that resolves a signed-in session's principal. The pages never hold the API.
package struct PageDependencies: Sendable {
    /// Every use case; the pages call them and render what they answer.
    package var casework: Casework
    /// Verifies the identity token a signed-in session holds, once per request (its expiry applies).
    package var verifier: TokenVerifier

    package init(casework: Casework, verifier: TokenVerifier) {
        self.casework = casework
        self.verifier = verifier
    }
}
