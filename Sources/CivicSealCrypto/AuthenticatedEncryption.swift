internal import COpenSSL
import Foundation

/// AES-256-GCM (NIST SP 800-38D) through OpenSSL's EVP interface: confidentiality and integrity for small values the
/// server hands to a client and takes back (the pages' pre-sign-in cookie).
///
/// A sealed box is `nonce (12 bytes) ‖ ciphertext ‖ tag (16 bytes)`; every seal draws a fresh random nonce, so one key
/// may seal at most about 2³² boxes (SP 800-38D §8.3): keys of this type live in memory for one process.
package struct AuthenticatedEncryption: Sendable {
    /// The key length of AES-256.
    package static let keyLength = 32
    static let nonceLength = 12
    static let tagLength = 16

    private let key: [UInt8]

    /// A cipher under `key` (32 bytes), or nil for another length.
    package init?(key: [UInt8]) {
        guard key.count == Self.keyLength else { return nil }
        self.key = key
    }

    /// A cipher under a fresh random key, for values that need not outlive the process.
    package static func randomKey() -> AuthenticatedEncryption {
        // A 32-byte key always has the right length.
        AuthenticatedEncryption(key: SecureRandom.bytes(keyLength))!
    }

    /// `plaintext` sealed, bound to `associatedData` (authenticated, not encrypted).
    package func seal(_ plaintext: [UInt8], associatedData: [UInt8] = []) -> [UInt8] {
        let nonce = SecureRandom.bytes(Self.nonceLength)
        guard let body = crypt(encrypt: true, nonce: nonce, input: plaintext, tag: nil, associatedData: associatedData)
        else {
            // AES-256-GCM with a valid key and nonce cannot fail short of memory exhaustion.
            fatalError("AES-256-GCM encryption failed: \(OpenSSLErrorQueue.drain())")
        }
        return nonce + body
    }

    /// The plaintext of a box ``seal(_:associatedData:)`` made under this key with the same `associatedData`; nil
    /// for anything else (another key, a changed byte, a truncated box).
    package func open(_ box: [UInt8], associatedData: [UInt8] = []) -> [UInt8]? {
        guard box.count >= Self.nonceLength + Self.tagLength else { return nil }
        let nonce = Array(box[..<Self.nonceLength])
        let ciphertext = Array(box[Self.nonceLength..<(box.count - Self.tagLength)])
        let tag = Array(box[(box.count - Self.tagLength)...])
        return crypt(encrypt: false, nonce: nonce, input: ciphertext, tag: tag, associatedData: associatedData)
    }

    /// One GCM operation; encrypting returns `ciphertext ‖ tag`, decrypting the plaintext when the tag verifies.
    private func crypt(encrypt: Bool, nonce: [UInt8], input: [UInt8], tag: [UInt8]?, associatedData: [UInt8])
        -> [UInt8]?
    {
        guard let context = EVP_CIPHER_CTX_new() else { return nil }
        defer { EVP_CIPHER_CTX_free(context) }
        let mode: Int32 = encrypt ? 1 : 0
        guard EVP_CipherInit_ex2(context, EVP_aes_256_gcm(), nil, nil, mode, nil) == 1,
            EVP_CIPHER_CTX_ctrl(context, EVP_CTRL_AEAD_SET_IVLEN, Int32(Self.nonceLength), nil) == 1,
            EVP_CipherInit_ex2(context, nil, key, nonce, mode, nil) == 1
        else {
            OpenSSLErrorQueue.clear()
            return nil
        }
        var length: Int32 = 0
        if !associatedData.isEmpty {
            guard EVP_CipherUpdate(context, nil, &length, associatedData, Int32(associatedData.count)) == 1 else {
                OpenSSLErrorQueue.clear()
                return nil
            }
        }
        var output = [UInt8](repeating: 0, count: input.count + Self.tagLength)
        var written = 0
        if !input.isEmpty {
            let ok = output.withUnsafeMutableBufferPointer { out in
                EVP_CipherUpdate(context, out.baseAddress, &length, input, Int32(input.count))
            }
            guard ok == 1 else {
                OpenSSLErrorQueue.clear()
                return nil
            }
            written = Int(length)
        }
        if var tag {
            guard
                EVP_CIPHER_CTX_ctrl(context, EVP_CTRL_AEAD_SET_TAG, Int32(Self.tagLength), &tag) == 1
            else {
                OpenSSLErrorQueue.clear()
                return nil
            }
        }
        let final = output.withUnsafeMutableBufferPointer { out in
            EVP_CipherFinal_ex(context, out.baseAddress! + written, &length)
        }
        // A wrong tag fails here: the box was not sealed under this key and associated data.
        guard final == 1 else {
            OpenSSLErrorQueue.clear()
            return nil
        }
        written += Int(length)
        guard encrypt else { return Array(output[..<written]) }
        var computed = [UInt8](repeating: 0, count: Self.tagLength)
        guard EVP_CIPHER_CTX_ctrl(context, EVP_CTRL_AEAD_GET_TAG, Int32(Self.tagLength), &computed) == 1 else {
            OpenSSLErrorQueue.clear()
            return nil
        }
        return Array(output[..<written]) + computed
    }
}
