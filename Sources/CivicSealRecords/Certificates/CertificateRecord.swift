import CivicSealCrypto
import Foundation

/// A certificate the CA issued, as the revocation store keeps it.
package struct CertificateRecord: Sendable, Equatable {
    /// A revocation, once made, is final.
    package struct Revocation: Sendable, Equatable {
        package let at: Date
        package let reason: CRLReason
        /// Who revoked it (the operator's name as the command recorded it).
        package let by: String
        /// The audit entry that recorded the revocation.
        package let auditSequence: Int64
    }

    /// The issuer's name (RFC 4514 text, as ``CivicSealCrypto/DistinguishedName`` prints it).
    package let issuer: String
    /// The unsigned serial as uppercase hex without leading zero bytes (as `openssl x509 -serial` prints it).
    package let serial: String
    /// SHA-256 of the DER, lowercase hex.
    package let fingerprint: String
    package let subject: String
    /// `seal`, `officer`, `tsa`, `ocsp-responder`, `status-signer` or `other`.
    package let profile: String
    package let notAfter: Date
    package let revocation: Revocation?

    /// The status an OCSP responder gives.
    package var status: CertificateStatus {
        guard let revocation else { return .good }
        return .revoked(at: revocation.at, reason: revocation.reason)
    }

    /// The serial as unsigned big-endian bytes (``CivicSealCrypto/Certificate/serialNumberBytes``).
    package var serialBytes: [UInt8] { Self.bytes(hex: serial) }

    /// Uppercase hex of unsigned big-endian `bytes` without leading zero bytes ("0" for zero): what
    /// ``CivicSealCrypto/Certificate/serialNumber`` and `openssl x509 -serial` print.
    package static func hex(serial bytes: [UInt8]) -> String {
        let digits = bytes.drop { $0 == 0 }.map { String(format: "%02X", $0) }.joined()
        return digits.isEmpty ? "0" : digits
    }

    static func bytes(hex: String) -> [UInt8] {
        let padded = hex.count % 2 == 0 ? hex : "0" + hex
        var bytes: [UInt8] = []
        var index = padded.startIndex
        while index < padded.endIndex {
            let next = padded.index(index, offsetBy: 2)
            guard let byte = UInt8(padded[index..<next], radix: 16) else { return [] }
            bytes.append(byte)
            index = next
        }
        return Array(bytes.drop { $0 == 0 })
    }
}
