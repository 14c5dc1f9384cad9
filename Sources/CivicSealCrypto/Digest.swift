internal import COpenSSL
import Foundation

/// The hash functions CivicSeal signs and verifies with (Decree 23/2025: SHA-256/384/512).
package enum DigestAlgorithm: String, Sendable, CaseIterable, Hashable {
    case sha256 = "SHA256"
    case sha384 = "SHA384"
    case sha512 = "SHA512"

    /// Output length in bytes.
    package var outputLength: Int {
        switch self {
        case .sha256: 32
        case .sha384: 48
        case .sha512: 64
        }
    }

    /// The fetched OpenSSL implementation, fetched once per process (implicit fetches per call are slow in OpenSSL 3).
    var evpMD: OpaquePointer { FetchedDigests.shared.md(self) }

    init?(nid: Int32) {
        switch nid {
        case NID_sha256: self = .sha256
        case NID_sha384: self = .sha384
        case NID_sha512: self = .sha512
        default: return nil
        }
    }
}

/// Message digests. One-shot; for streaming use ``Hasher``.
package enum Digest {
    /// The digest of `bytes` under `algorithm`.
    package static func hash(_ bytes: some ContiguousBytes, algorithm: DigestAlgorithm) -> [UInt8] {
        var output = [UInt8](repeating: 0, count: algorithm.outputLength)
        var length: UInt32 = 0
        let ok = bytes.withUnsafeBytes { input in
            output.withUnsafeMutableBufferPointer { out in
                EVP_Digest(input.baseAddress, input.count, out.baseAddress, &length, algorithm.evpMD, nil)
            }
        }
        // EVP_Digest with a fetched, built-in digest cannot fail short of memory exhaustion.
        precondition(ok == 1 && Int(length) == algorithm.outputLength, "EVP_Digest failed")
        return output
    }

    package static func sha256(_ bytes: some ContiguousBytes) -> [UInt8] { hash(bytes, algorithm: .sha256) }
    package static func sha384(_ bytes: some ContiguousBytes) -> [UInt8] { hash(bytes, algorithm: .sha384) }
    package static func sha512(_ bytes: some ContiguousBytes) -> [UInt8] { hash(bytes, algorithm: .sha512) }
}

/// An incremental hash over several pieces (e.g. the two byte ranges of a signed PDF).
package final class Hasher {
    private let context: OpaquePointer
    package let algorithm: DigestAlgorithm

    package init(_ algorithm: DigestAlgorithm) {
        self.algorithm = algorithm
        guard let context = EVP_MD_CTX_new(), EVP_DigestInit_ex(context, algorithm.evpMD, nil) == 1 else {
            preconditionFailure("EVP_DigestInit_ex failed")
        }
        self.context = context
    }

    deinit { EVP_MD_CTX_free(context) }

    package func update(_ bytes: some ContiguousBytes) {
        bytes.withUnsafeBytes { _ = EVP_DigestUpdate(context, $0.baseAddress, $0.count) }
    }

    /// The digest of everything passed to ``update(_:)``; the hasher must not be used afterwards.
    package func finalize() -> [UInt8] {
        var output = [UInt8](repeating: 0, count: algorithm.outputLength)
        var length: UInt32 = 0
        _ = EVP_DigestFinal_ex(context, &output, &length)
        return output
    }
}

@available(*, unavailable)
extension Hasher: Sendable {}

/// Digest implementations fetched once and shared: an `EVP_MD` is immutable and reference counted.
final class FetchedDigests: @unchecked Sendable {  // immutable after init; EVP_MD objects are thread-safe
    static let shared = FetchedDigests()
    private let sha256: OpaquePointer
    private let sha384: OpaquePointer
    private let sha512: OpaquePointer

    private init() {
        guard let a = EVP_MD_fetch(nil, "SHA256", nil), let b = EVP_MD_fetch(nil, "SHA384", nil),
            let c = EVP_MD_fetch(nil, "SHA512", nil)
        else { preconditionFailure("OpenSSL default provider lacks SHA-2") }
        sha256 = a
        sha384 = b
        sha512 = c
    }

    func md(_ algorithm: DigestAlgorithm) -> OpaquePointer {
        switch algorithm {
        case .sha256: sha256
        case .sha384: sha384
        case .sha512: sha512
        }
    }
}
