/// Why a QR code could not be produced. Compared by ``code`` only; the message is for people.
package struct QRCodeError: Error, Sendable, Equatable, CustomStringConvertible {
    /// Stable reason codes.
    package enum Code: String, Sendable {
        /// The data does not fit in a version 40 symbol at the requested level (ISO/IEC 18004:2015 Table 7).
        case dataTooLong = "qr.data_too_long"
        /// A forced mask pattern reference outside 0...7 (§7.8.2).
        case invalidMask = "qr.invalid_mask"
    }

    package let code: Code
    package let message: String

    init(_ code: Code, _ message: String) {
        self.code = code
        self.message = message
    }

    package var description: String { "\(code.rawValue): \(message)" }

    package static func == (lhs: QRCodeError, rhs: QRCodeError) -> Bool { lhs.code == rhs.code }
}
