internal import COpenSSL
import Foundation

/// HMAC (RFC 2104) over the SHA-2 digests, through OpenSSL's one-shot `EVP_Q_mac`.
///
/// For tokens the server both mints and checks (the pages' signed CSRF tokens); compare tags with
/// ``ConstantTime/equals(_:_:)``, never with `==`.
package enum HMAC {
    /// The tag of `message` under `key` with `algorithm` (32 bytes for SHA-256).
    package static func authenticationCode(
        _ message: some ContiguousBytes, key: some ContiguousBytes, algorithm: DigestAlgorithm = .sha256
    ) -> [UInt8] {
        var output = [UInt8](repeating: 0, count: algorithm.outputLength)
        var length = 0
        let result = key.withUnsafeBytes { key in
            message.withUnsafeBytes { message in
                output.withUnsafeMutableBufferPointer { out in
                    EVP_Q_mac(
                        nil, "HMAC", nil, algorithm.rawValue, nil, key.baseAddress, key.count, message.baseAddress,
                        message.count,
                        out.baseAddress, out.count, &length)
                }
            }
        }
        // A built-in MAC over a built-in digest cannot fail short of memory exhaustion.
        precondition(result != nil && length == algorithm.outputLength, "EVP_Q_mac failed")
        return output
    }
}
