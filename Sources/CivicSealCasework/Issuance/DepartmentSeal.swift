import CivicSealCrypto

/// What issuance needs of a department's active seal: the names the signature shows, the CMS signer prepared once
/// at load, and the certificate's fingerprint the registry records.
package struct DepartmentSeal: Sendable {
    package let departmentID: String
    /// The signer name printed in the visible signature.
    package let name: String
    package let englishName: String
    /// SHA-256 of the active seal certificate, lower-case hex.
    package let certificateSHA256: String
    /// The prepared signer, or why there is none (an active seal without its key).
    package let signer: Result<CMSSigner, CryptoError>

    package init(
        departmentID: String, name: String, englishName: String, certificateSHA256: String,
        signer: Result<CMSSigner, CryptoError>
    ) {
        self.departmentID = departmentID
        self.name = name
        self.englishName = englishName
        self.certificateSHA256 = certificateSHA256
        self.signer = signer
    }
}

/// The key material issuance seals with, by department (the app's `Keyring` loaded from the keys directory).
package protocol SealingKeyring: Sendable {
    /// The active seal of `departmentID`, or nil when none is configured.
    func seal(forDepartment departmentID: String) -> DepartmentSeal?
    /// A signing key's token failed (``CaseworkError/Code/keyUnavailable``): find the token, log in and open its keys
    /// again on their next use.
    func tokenFailed()
}

extension SealingKeyring {
    package func tokenFailed() {}
}
