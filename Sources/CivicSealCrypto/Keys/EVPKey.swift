internal import COpenSSL
import Foundation
import Synchronization

/// Owns one reference to an `EVP_PKEY` and knows its ``KeyKind``.
///
/// Keys are parsed once and kept: OpenSSL 3 decoders are slow and contend across threads.
// the EVP_PKEY is never mutated after init; every operation makes its own context
final class EVPKey: @unchecked Sendable {
    let pointer: OpaquePointer
    let kind: KeyKind

    /// Takes ownership of `pointer` (one reference); throws if the key type is not one CivicSeal accepts.
    init(taking pointer: OpaquePointer) throws(CryptoError) {
        do {
            kind = try EVPKey.classify(pointer)
        } catch {
            EVP_PKEY_free(pointer)
            throw error
        }
        self.pointer = pointer
    }

    /// Shares `other`'s key by taking a new reference.
    init(sharing other: EVPKey) {
        EVP_PKEY_up_ref(other.pointer)
        pointer = other.pointer
        kind = other.kind
    }

    /// Signing contexts initialised once per algorithm; each signature copies one (OpenSSL 3 fetches the
    /// signature implementation by name on every `EVP_DigestSignInit`, which dominates short signatures).
    private let signingTemplates = Mutex<[SignatureAlgorithm: SigningTemplate]>([:])

    deinit { EVP_PKEY_free(pointer) }

    private func signingTemplate(_ algorithm: SignatureAlgorithm) throws(CryptoError) -> SigningTemplate {
        if let template = signingTemplates.withLock({ $0[algorithm] }) { return template }
        guard let context = EVP_MD_CTX_new() else { throw .openSSL("EVP_MD_CTX_new failed") }
        var keyContext: OpaquePointer?
        guard EVP_DigestSignInit(context, &keyContext, algorithm.digest?.evpMD, nil, pointer) == 1 else {
            EVP_MD_CTX_free(context)
            throw .openSSL("EVP_DigestSignInit failed")
        }
        do {
            try Self.configurePadding(keyContext, algorithm)
        } catch {
            EVP_MD_CTX_free(context)
            throw error
        }
        let template = SigningTemplate(context)
        return signingTemplates.withLock { templates in
            if let existing = templates[algorithm] { return existing }
            templates[algorithm] = template
            return template
        }
    }

    private static func classify(_ key: OpaquePointer) throws(CryptoError) -> KeyKind {
        switch EVP_PKEY_get_base_id(key) {
        case EVP_PKEY_EC:
            var name = [CChar](repeating: 0, count: 64)
            var length = 0
            guard EVP_PKEY_get_utf8_string_param(key, "group", &name, name.count, &length) == 1 else {
                throw .openSSL(.malformedInput, "EC key without a named curve")
            }
            switch String(decoding: name.prefix(length).map { UInt8(bitPattern: $0) }, as: UTF8.self) {
            case "prime256v1", "P-256", "secp256r1": return .ecP256
            case "secp384r1", "P-384": return .ecP384
            case let other: throw CryptoError(.unsupportedAlgorithm, "EC curve \(other) is not accepted (P-256, P-384)")
            }
        case EVP_PKEY_ED25519:
            return .ed25519
        case EVP_PKEY_RSA:
            let bits = Int(EVP_PKEY_get_bits(key))
            guard KeyKind.rsaBitRange.contains(bits) else {
                throw CryptoError(.unsupportedAlgorithm, "RSA-\(bits) is outside 2048–4096 bits")
            }
            return .rsa(bits: bits)
        default:
            throw CryptoError(.unsupportedAlgorithm, "key type \(EVP_PKEY_get_base_id(key)) is not accepted")
        }
    }

    /// Signs `data` (hashing it as `algorithm` says). ECDSA output is DER.
    func sign(_ data: UnsafeRawBufferPointer, algorithm: SignatureAlgorithm) throws(CryptoError) -> [UInt8] {
        guard algorithm.fits(kind) else {
            throw CryptoError(.keyAlgorithmMismatch, "a \(kind) key cannot make a \(algorithm) signature")
        }
        guard let context = EVP_MD_CTX_new() else { throw .openSSL("EVP_MD_CTX_new failed") }
        defer { EVP_MD_CTX_free(context) }
        let template = try signingTemplate(algorithm)
        if EVP_MD_CTX_copy_ex(context, template.context) != 1 {
            // Providers without context duplication (e.g. Ed25519 in OpenSSL 3.0): initialise afresh.
            OpenSSLErrorQueue.clear()
            var keyContext: OpaquePointer?
            guard EVP_DigestSignInit(context, &keyContext, algorithm.digest?.evpMD, nil, pointer) == 1 else {
                throw .openSSL("EVP_DigestSignInit failed")
            }
            try Self.configurePadding(keyContext, algorithm)
        }
        var length = 0
        guard EVP_DigestSign(context, nil, &length, data.baseAddress, data.count) == 1 else {
            throw .openSSL("EVP_DigestSign (size) failed")
        }
        var signature = [UInt8](repeating: 0, count: length)
        guard EVP_DigestSign(context, &signature, &length, data.baseAddress, data.count) == 1 else {
            throw .openSSL("EVP_DigestSign failed")
        }
        signature.removeSubrange(length...)
        return signature
    }

    /// True only for a valid signature; any malformed signature is simply not valid.
    /// `pssSaltLength` overrides the RSA-PSS salt length (default: the hash length), as CMS parameters may say.
    func verify(
        _ signature: UnsafeRawBufferPointer, _ data: UnsafeRawBufferPointer, algorithm: SignatureAlgorithm,
        pssSaltLength: Int? = nil
    ) -> Bool {
        guard algorithm.fits(kind), let context = EVP_MD_CTX_new() else { return false }
        defer { EVP_MD_CTX_free(context) }
        var keyContext: OpaquePointer?
        guard EVP_DigestVerifyInit(context, &keyContext, algorithm.digest?.evpMD, nil, pointer) == 1,
            (try? Self.configurePadding(keyContext, algorithm)) != nil,
            pssSaltLength.map({ EVP_PKEY_CTX_set_rsa_pss_saltlen(keyContext, Int32($0)) == 1 }) ?? true
        else {
            OpenSSLErrorQueue.clear()
            return false
        }
        let result = EVP_DigestVerify(
            context, signature.baseAddress?.assumingMemoryBound(to: UInt8.self), signature.count,
            data.baseAddress?.assumingMemoryBound(to: UInt8.self), data.count)
        if result != 1 { OpenSSLErrorQueue.clear() }
        return result == 1
    }

    static func configurePadding(_ keyContext: OpaquePointer?, _ algorithm: SignatureAlgorithm) throws(CryptoError) {
        switch algorithm {
        case .rsaPSS(let digest):
            guard EVP_PKEY_CTX_set_rsa_padding(keyContext, RSA_PKCS1_PSS_PADDING) == 1,
                EVP_PKEY_CTX_set_rsa_mgf1_md(keyContext, digest.evpMD) == 1,
                EVP_PKEY_CTX_set_rsa_pss_saltlen(keyContext, RSA_PSS_SALTLEN_DIGEST) == 1
            else { throw .openSSL("configuring RSA-PSS failed") }
        case .rsaPKCS1:
            guard EVP_PKEY_CTX_set_rsa_padding(keyContext, RSA_PKCS1_PADDING) == 1 else {
                throw .openSSL("configuring RSA PKCS#1 v1.5 failed")
            }
        case .ecdsa, .ed25519:
            break
        }
    }

    /// DER SubjectPublicKeyInfo.
    func publicKeyDER() throws(CryptoError) -> [UInt8] {
        try derEncode { i2d_PUBKEY(pointer, $0) }
    }

    func bignumParameter(_ name: String) throws(CryptoError) -> [UInt8] {
        var number: OpaquePointer?
        guard EVP_PKEY_get_bn_param(pointer, name, &number) == 1, let number else {
            throw .openSSL("reading key parameter \(name) failed")
        }
        defer { BN_free(number) }
        var bytes = [UInt8](repeating: 0, count: Int((BN_num_bits(number) + 7) / 8))
        _ = BN_bn2bin(number, &bytes)
        return bytes
    }

    func octetParameter(_ name: String) throws(CryptoError) -> [UInt8] {
        var length = 0
        guard EVP_PKEY_get_octet_string_param(pointer, name, nil, 0, &length) == 1 else {
            throw .openSSL("reading key parameter \(name) failed")
        }
        var bytes = [UInt8](repeating: 0, count: length)
        guard EVP_PKEY_get_octet_string_param(pointer, name, &bytes, length, &length) == 1 else {
            throw .openSSL("reading key parameter \(name) failed")
        }
        return Array(bytes.prefix(length))
    }

    func rawPublicKey() throws(CryptoError) -> [UInt8] {
        var length = 0
        guard EVP_PKEY_get_raw_public_key(pointer, nil, &length) == 1 else { throw .openSSL("raw public key failed") }
        var bytes = [UInt8](repeating: 0, count: length)
        guard EVP_PKEY_get_raw_public_key(pointer, &bytes, &length) == 1 else {
            throw .openSSL("raw public key failed")
        }
        return bytes
    }
}

/// An initialised signing `EVP_MD_CTX` that is only ever the source of `EVP_MD_CTX_copy_ex`.
final class SigningTemplate: @unchecked Sendable {  // never updated after init; copying only reads it
    let context: OpaquePointer

    init(_ context: OpaquePointer) { self.context = context }

    deinit { EVP_MD_CTX_free(context) }
}
