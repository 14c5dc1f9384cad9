internal import COpenSSL
import Foundation

/// Conversions between OpenSSL's ASN.1 values and the Swift values revocation code passes around.
enum RevocationASN1 {
    /// The unsigned big-endian magnitude of a non-negative INTEGER (no leading zero bytes); nil when negative.
    static func magnitude(_ integer: UnsafePointer<ASN1_INTEGER>?) -> [UInt8]? {
        guard let integer, let number = ASN1_INTEGER_to_BN(integer, nil) else { return nil }
        defer { BN_free(number) }
        guard BN_is_negative(number) == 0 else { return nil }
        var bytes = [UInt8](repeating: 0, count: Int((BN_num_bits(number) + 7) / 8))
        _ = BN_bn2bin(number, &bytes)
        return bytes
    }

    /// A new INTEGER holding the unsigned big-endian `bytes`; the caller frees it.
    static func integer(_ bytes: [UInt8]) throws(CryptoError) -> UnsafeMutablePointer<ASN1_INTEGER> {
        guard let number = BN_bin2bn(bytes, Int32(bytes.count), nil) else { throw .openSSL("BN_bin2bn failed") }
        defer { BN_free(number) }
        guard let integer = BN_to_ASN1_INTEGER(number, nil) else { throw .openSSL("BN_to_ASN1_INTEGER failed") }
        return integer
    }

    /// A new ASN1_TIME (UTCTime or GeneralizedTime as RFC 5280 wants) for `date`, whole seconds; the caller frees it.
    static func time(_ date: Date) throws(CryptoError) -> UnsafeMutablePointer<ASN1_TIME> {
        guard let time = ASN1_TIME_set(nil, time_t(date.timeIntervalSince1970.rounded(.down))) else {
            throw .openSSL("ASN1_TIME_set failed")
        }
        return time
    }

    static func date(_ time: UnsafePointer<ASN1_TIME>?) -> Date? { Certificate.date(time) }

    static func date(_ time: UnsafeMutablePointer<ASN1_TIME>?) -> Date? {
        Certificate.date(time.map { UnsafePointer($0) })
    }

    /// The `EVP_MD` of a CertID hash algorithm CivicSeal accepts (SHA-1 as RFC 5019 expects, SHA-2).
    static func certificateIDDigest(_ algorithm: OpaquePointer?) -> OpaquePointer? {
        switch OBJ_obj2nid(algorithm) {
        case NID_sha1: EVP_sha1()
        case NID_sha256: EVP_sha256()
        case NID_sha384: EVP_sha384()
        case NID_sha512: EVP_sha512()
        default: nil
        }
    }
}
