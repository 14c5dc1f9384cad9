internal import COpenSSL
import Foundation
import Synchronization

/// A keyed pseudorandom permutation of 16-byte blocks: AES-128 applied to exactly one block (FIPS 197).
///
/// It turns a counter into an identifier nobody without the key can predict or enumerate, and back: the records
/// store derives a request's public id from its row number this way, so no random-id index has to be written.
/// One block at a time, never a mode over longer messages, so no IV or padding is involved: equal inputs give
/// equal outputs, which is the point.
///
/// The two OpenSSL contexts are set up once (key schedule included) and reused under a lock; each call is one
/// `EVP_CipherUpdate` over 16 bytes.
package final class BlockPermutation: Sendable {
    /// Bytes in a key and in a block.
    package static let keyLength = 16
    package static let blockLength = 16

    private let encryptor: Mutex<CipherContext>
    private let decryptor: Mutex<CipherContext>

    /// A permutation under `key` (16 bytes); any other length is ``CryptoError/Code/invalidArgument``.
    package init(key: [UInt8]) throws(CryptoError) {
        guard key.count == Self.keyLength else {
            throw CryptoError(.invalidArgument, "a block permutation key is \(Self.keyLength) bytes, not \(key.count)")
        }
        encryptor = Mutex(try CipherContext(key: key, encrypt: true))
        decryptor = Mutex(try CipherContext(key: key, encrypt: false))
    }

    /// The image of `block` (16 bytes).
    package func apply(_ block: [UInt8]) -> [UInt8] {
        precondition(block.count == Self.blockLength, "a block is 16 bytes")
        return encryptor.withLock { $0.run(block) }
    }

    /// The block whose image is `block`: `invert(apply(x)) == x`.
    package func invert(_ block: [UInt8]) -> [UInt8] {
        precondition(block.count == Self.blockLength, "a block is 16 bytes")
        return decryptor.withLock { $0.run(block) }
    }
}

/// An initialised AES-128-ECB context without padding, owned by one ``BlockPermutation`` direction.
private struct CipherContext: ~Copyable, @unchecked Sendable {  // only ever used inside its Mutex
    let pointer: OpaquePointer

    init(key: [UInt8], encrypt: Bool) throws(CryptoError) {
        OpenSSLErrorQueue.clear()
        guard let pointer = EVP_CIPHER_CTX_new() else { throw CryptoError.openSSL("EVP_CIPHER_CTX_new failed") }
        guard let cipher = EVP_CIPHER_fetch(nil, "AES-128-ECB", nil) else {
            EVP_CIPHER_CTX_free(pointer)
            throw CryptoError.openSSL("the OpenSSL default provider lacks AES-128-ECB")
        }
        defer { EVP_CIPHER_free(cipher) }
        let ok = key.withUnsafeBufferPointer { keyBytes in
            EVP_CipherInit_ex2(pointer, cipher, keyBytes.baseAddress, nil, encrypt ? 1 : 0, nil)
        }
        guard ok == 1, EVP_CIPHER_CTX_set_padding(pointer, 0) == 1 else {
            EVP_CIPHER_CTX_free(pointer)
            throw CryptoError.openSSL("AES-128 key setup failed")
        }
        self.pointer = pointer
    }

    deinit { EVP_CIPHER_CTX_free(pointer) }

    /// One block through the cipher. ECB without padding carries no state between calls, so the context is reused.
    func run(_ block: [UInt8]) -> [UInt8] {
        var output = [UInt8](repeating: 0, count: BlockPermutation.blockLength)
        var written: Int32 = 0
        let ok = block.withUnsafeBufferPointer { input in
            output.withUnsafeMutableBufferPointer { out in
                EVP_CipherUpdate(pointer, out.baseAddress, &written, input.baseAddress, Int32(input.count))
            }
        }
        // A keyed AES context and a whole block cannot fail short of memory corruption.
        precondition(ok == 1 && written == Int32(BlockPermutation.blockLength), "EVP_CipherUpdate failed")
        return output
    }
}
