/// The X.509 key usage bits (RFC 5280 §4.2.1.3).
package struct KeyUsage: OptionSet, Sendable, Hashable, CustomStringConvertible {
    package let rawValue: UInt32
    package init(rawValue: UInt32) { self.rawValue = rawValue }

    // Values follow OpenSSL's X509v3_KU_* constants, as returned by X509_get_key_usage.
    package static let digitalSignature = KeyUsage(rawValue: 0x0080)
    package static let nonRepudiation = KeyUsage(rawValue: 0x0040)
    package static let keyEncipherment = KeyUsage(rawValue: 0x0020)
    package static let dataEncipherment = KeyUsage(rawValue: 0x0010)
    package static let keyAgreement = KeyUsage(rawValue: 0x0008)
    package static let keyCertSign = KeyUsage(rawValue: 0x0004)
    package static let cRLSign = KeyUsage(rawValue: 0x0002)

    static let names: [(KeyUsage, String)] = [
        (.digitalSignature, "digitalSignature"), (.nonRepudiation, "nonRepudiation"),
        (.keyEncipherment, "keyEncipherment"), (.dataEncipherment, "dataEncipherment"),
        (.keyAgreement, "keyAgreement"), (.keyCertSign, "keyCertSign"), (.cRLSign, "cRLSign"),
    ]

    /// OpenSSL configuration syntax, e.g. `digitalSignature,nonRepudiation`.
    package var description: String { Self.names.filter { contains($0.0) }.map(\.1).joined(separator: ",") }
}

/// Well-known extended key usage object identifiers.
package enum ExtendedKeyUsage {
    package static let serverAuth = "1.3.6.1.5.5.7.3.1"
    package static let clientAuth = "1.3.6.1.5.5.7.3.2"
    package static let codeSigning = "1.3.6.1.5.5.7.3.3"
    package static let emailProtection = "1.3.6.1.5.5.7.3.4"
    package static let timeStamping = "1.3.6.1.5.5.7.3.8"
    /// `id-kp-OCSPSigning` (RFC 6960 §4.2.2.2): a delegated OCSP responder.
    package static let ocspSigning = "1.3.6.1.5.5.7.3.9"
    /// Adobe's `id-kp-documentSigning` alternative accepted by PDF validators.
    package static let documentSigning = "1.3.6.1.5.5.7.3.36"
}
