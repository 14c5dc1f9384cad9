/// The one error type of the crypto core: a stable ``Code``, a human message and,
/// when OpenSSL failed, the text of its drained error queue.
///
/// Errors compare by code only, so tests and callers match on what went wrong,
/// not on the wording or on OpenSSL's internal line numbers.
package struct CryptoError: Error, Sendable, CustomStringConvertible, Equatable {
    /// A stable, machine-readable reason.
    package struct Code: RawRepresentable, Hashable, Sendable, CustomStringConvertible {
        package let rawValue: String
        package init(rawValue: String) { self.rawValue = rawValue }
        package var description: String { rawValue }

        /// Input that is not a well-formed key, certificate, PEM or DER structure.
        package static let malformedInput = Code(rawValue: "malformed-input")
        /// A passphrase-protected key could not be decrypted with the given passphrase.
        package static let wrongPassphrase = Code(rawValue: "wrong-passphrase")
        /// The key type, size or algorithm is outside what CivicSeal accepts.
        package static let unsupportedAlgorithm = Code(rawValue: "unsupported-algorithm")
        /// The key cannot be used with the requested signature algorithm.
        package static let keyAlgorithmMismatch = Code(rawValue: "key-algorithm-mismatch")
        /// An argument outside its documented range.
        package static let invalidArgument = Code(rawValue: "invalid-argument")
        /// OpenSSL reported a failure that is not the caller's input.
        package static let openSSLFailure = Code(rawValue: "openssl-failure")
    }

    package let code: Code
    package let message: String
    /// The OpenSSL error queue drained at the moment of failure (may be empty).
    package let openSSLErrors: [String]

    package init(_ code: Code, _ message: String, openSSLErrors: [String] = []) {
        self.code = code
        self.message = message
        self.openSSLErrors = openSSLErrors
    }

    package var description: String {
        openSSLErrors.isEmpty ? "\(code): \(message)" : "\(code): \(message) [\(openSSLErrors.joined(separator: "; "))]"
    }

    package static func == (lhs: CryptoError, rhs: CryptoError) -> Bool { lhs.code == rhs.code }
}
