/// Why a submitted form was refused. Messages name the rule that was broken, never a submitted value.
///
/// Errors compare by code only, like the other CivicSeal error types.
package struct FormError: Error, Sendable, Equatable, CustomStringConvertible {
    /// A stable, machine-readable reason.
    package enum Code: String, Sendable {
        /// The body does not follow its media type's syntax (a bad percent escape, a missing delimiter,
        /// a part without `Content-Disposition: form-data; name=…`, an invalid boundary).
        case malformed
        /// The body, a name, a value or a file is larger than its ``FormLimits`` allow.
        case tooLarge = "too-large"
        /// More fields or parts than ``FormLimits`` allow.
        case tooManyFields = "too-many-fields"
        /// A name or text value is not valid UTF-8 once decoded.
        case encoding
        /// The request's `Content-Type` is neither `application/x-www-form-urlencoded` nor `multipart/form-data`.
        case unsupportedMediaType = "unsupported-media-type"
    }

    /// What went wrong, for code to match on (e.g. to answer 413 for ``Code/tooLarge``).
    package let code: Code
    /// What went wrong, for logs; never contains submitted data.
    package let message: String

    /// An error with its code and a message that names the rule, not the data.
    package init(_ code: Code, _ message: String) {
        self.code = code
        self.message = message
    }

    /// `code: message`.
    package var description: String { "\(code.rawValue): \(message)" }

    /// Equal when the codes are equal.
    package static func == (lhs: FormError, rhs: FormError) -> Bool { lhs.code == rhs.code }
}
