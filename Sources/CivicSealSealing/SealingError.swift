import CivicSealCrypto

/// The sealer's one error type: a stable code and a message without key material or personal data.
package struct SealingError: Error, Sendable, CustomStringConvertible, Equatable {
    package struct Code: RawRepresentable, Hashable, Sendable {
        package let rawValue: String
        package init(rawValue: String) { self.rawValue = rawValue }
        /// The PDF has no signature placeholder to fill.
        package static let noPlaceholder = Code(rawValue: "sealing.no-placeholder")
        /// The CMS does not fit the reserved `/Contents` space.
        package static let placeholderTooSmall = Code(rawValue: "sealing.placeholder-too-small")
        /// The crypto core refused to sign (key, algorithm).
        package static let signingFailed = Code(rawValue: "sealing.signing-failed")
        /// The timestamp authority gave no usable token, or it could not be embedded.
        package static let timestampFailed = Code(rawValue: "sealing.timestamp-failed")
        /// The signing key's PKCS#11 token cannot be reached now (removed, module gone, PIN refused, device error).
        package static let keyUnavailable = Code(rawValue: "sealing.key-unavailable")
    }

    /// Whether `error`, raised while signing with a key that was loaded and checked, says the key's token cannot be
    /// reached now (rather than that the input is wrong). A key object the token no longer finds counts: its token was
    /// removed or replaced under us (SoftHSM answers so when its files vanish).
    package static func meansKeyUnavailable(_ error: CryptoError) -> Bool {
        [.tokenNotPresent, .tokenModuleUnavailable, .tokenLoginFailed, .tokenFailure, .tokenKeyNotFound].contains(
            error.code)
    }

    /// A signing failure of the crypto core, as ``Code/keyUnavailable`` when its token cannot be reached.
    static func signing(_ error: CryptoError, _ message: String) -> SealingError {
        SealingError(meansKeyUnavailable(error) ? .keyUnavailable : .signingFailed, message)
    }

    package let code: Code
    package let message: String

    package init(_ code: Code, _ message: String) {
        self.code = code
        self.message = message
    }

    package var description: String { "\(code.rawValue): \(message)" }
    package static func == (lhs: SealingError, rhs: SealingError) -> Bool { lhs.code == rhs.code }
}
