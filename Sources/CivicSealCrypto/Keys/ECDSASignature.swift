internal import COpenSSL
import Foundation

/// Conversions between DER `ECDSA-Sig-Value` (X9.62, what OpenSSL makes) and the fixed-length
/// r‖s concatenation JOSE uses (RFC 7518 §3.4).
package enum ECDSASignature {
    /// r‖s, each left-padded to `componentLength` bytes (32 for P-256, 48 for P-384).
    package static func raw(fromDER der: [UInt8], componentLength: Int) throws(CryptoError) -> [UInt8] {
        let signature: OpaquePointer? = der.withUnsafeBufferPointer { buffer in
            var cursor: UnsafePointer<UInt8>? = buffer.baseAddress
            return d2i_ECDSA_SIG(nil, &cursor, buffer.count)
        }
        guard let signature else { throw .openSSL(.malformedInput, "not a DER ECDSA signature") }
        defer { ECDSA_SIG_free(signature) }
        var r: OpaquePointer?
        var s: OpaquePointer?
        ECDSA_SIG_get0(signature, &r, &s)
        var output = [UInt8](repeating: 0, count: 2 * componentLength)
        let ok = output.withUnsafeMutableBufferPointer { buffer in
            BN_bn2binpad(r, buffer.baseAddress, Int32(componentLength)) == componentLength
                && BN_bn2binpad(s, buffer.baseAddress! + componentLength, Int32(componentLength)) == componentLength
        }
        guard ok else { throw CryptoError(.malformedInput, "ECDSA component longer than the curve") }
        return output
    }

    /// DER from r‖s; the raw form must be exactly twice `componentLength`.
    package static func der(fromRaw raw: [UInt8], componentLength: Int) throws(CryptoError) -> [UInt8] {
        guard raw.count == 2 * componentLength else {
            throw CryptoError(
                .malformedInput, "raw ECDSA signature must be \(2 * componentLength) bytes, not \(raw.count)")
        }
        guard let signature = ECDSA_SIG_new() else { throw .openSSL("ECDSA_SIG_new failed") }
        defer { ECDSA_SIG_free(signature) }
        guard let r = BN_bin2bn(raw, Int32(componentLength), nil) else { throw .openSSL("BN_bin2bn failed") }
        guard
            let s = raw.withUnsafeBufferPointer({
                BN_bin2bn($0.baseAddress! + componentLength, Int32(componentLength), nil)
            })
        else {
            BN_free(r)
            throw .openSSL("BN_bin2bn failed")
        }
        guard ECDSA_SIG_set0(signature, r, s) == 1 else {  // takes ownership of r and s on success
            BN_free(r)
            BN_free(s)
            throw .openSSL("ECDSA_SIG_set0 failed")
        }
        return try derEncode { i2d_ECDSA_SIG(signature, $0) }
    }
}
