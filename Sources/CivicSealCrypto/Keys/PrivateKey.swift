internal import COpenSSL
import Foundation

/// A private signing key (ECDSA P-256/P-384, Ed25519 or RSA 2048–4096): parsed once and kept in memory, or a key
/// object in a PKCS #11 token that never leaves it (see ``PKCS11Token``).
package final class PrivateKey: Sendable {
    enum Backing: Sendable {
        case evp(EVPKey)
        case token(PKCS11KeyHandle)
    }

    let backing: Backing

    /// Where the key lives: in this process's memory (from PEM/DER/generate) or in a token (never leaves it).
    package enum Location: Sendable, Equatable {
        case memory
        case token(PKCS11URI)
    }

    package var location: Location {
        switch backing {
        case .evp: .memory
        case .token(let handle): .token(handle.uri)
        }
    }

    /// The key's type and size.
    package var kind: KeyKind {
        switch backing {
        case .evp(let key): key.kind
        case .token(let handle): handle.kind
        }
    }

    init(_ key: EVPKey) { backing = .evp(key) }

    init(token handle: PKCS11KeyHandle) { backing = .token(handle) }

    /// The OpenSSL key, for the operations that need one (X.509 and CRL signing: the CA key stays in PEM).
    /// A token key throws ``CryptoError/Code/keyNotExportable`` naming `purpose`.
    func evpKey(for purpose: @autoclosure () -> String) throws(CryptoError) -> EVPKey {
        switch backing {
        case .evp(let key): return key
        case .token(let handle):
            throw CryptoError(
                .keyNotExportable, "\(purpose()) needs a key in memory (PEM); \(handle.uri) never leaves its token")
        }
    }

    /// A fresh key from OpenSSL's DRBG.
    package static func generate(_ kind: KeyKind) throws(CryptoError) -> PrivateKey {
        let generated: OpaquePointer?
        switch kind {
        case .ecP256: generated = cs_EVP_EC_gen("P-256")
        case .ecP384: generated = cs_EVP_EC_gen("P-384")
        case .ed25519: generated = cs_EVP_PKEY_Q_keygen_ed25519()
        case .rsa(let bits):
            guard KeyKind.rsaBitRange.contains(bits) else {
                throw CryptoError(.unsupportedAlgorithm, "RSA-\(bits) is outside 2048–4096 bits")
            }
            generated = cs_EVP_RSA_gen(UInt32(bits))
        }
        guard let generated else { throw .openSSL("generating a \(kind) key failed") }
        return PrivateKey(try EVPKey(taking: generated))
    }

    /// Loads a PEM private key: PKCS#8 (`PRIVATE KEY`), passphrase-encrypted PKCS#8
    /// (`ENCRYPTED PRIVATE KEY`), SEC1 (`EC PRIVATE KEY`) or PKCS#1 (`RSA PRIVATE KEY`).
    ///
    /// Never prompts on a terminal: a missing or wrong passphrase is a ``CryptoError/Code/wrongPassphrase``.
    package convenience init(pem: String, passphrase: String? = nil) throws(CryptoError) {
        let encrypted = pem.contains("-----BEGIN ENCRYPTED PRIVATE KEY-----") || pem.contains("Proc-Type: 4,ENCRYPTED")
        guard pem.contains("-----BEGIN ") else { throw CryptoError(.malformedInput, "no PEM block found") }
        let bio = try MemoryBIO(Array(pem.utf8))
        OpenSSLErrorQueue.clear()
        let loaded: OpaquePointer? = withPassphrase(passphrase) { context in
            PEM_read_bio_PrivateKey(bio.pointer, nil, pemPassphraseCallback, context)
        }
        guard let loaded else {
            if encrypted {
                throw .openSSL(.wrongPassphrase, "the private key could not be decrypted with the given passphrase")
            }
            throw .openSSL(.malformedInput, "not a PEM private key")
        }
        OpenSSLErrorQueue.clear()
        self.init(try EVPKey(taking: loaded))
    }

    /// Loads a DER PKCS#8 `PrivateKeyInfo`.
    package convenience init(pkcs8DER der: [UInt8]) throws(CryptoError) {
        let loaded: OpaquePointer? = der.withUnsafeBufferPointer { buffer in
            var cursor: UnsafePointer<UInt8>? = buffer.baseAddress
            return d2i_AutoPrivateKey(nil, &cursor, buffer.count)
        }
        guard let loaded else { throw .openSSL(.malformedInput, "not a DER private key") }
        self.init(try EVPKey(taking: loaded))
    }

    /// PEM PKCS#8; with a passphrase, encrypted as PBES2 (PBKDF2 + AES-256-CBC).
    package func pkcs8PEM(passphrase: String? = nil) throws(CryptoError) -> String {
        let key = try evpKey(for: "exporting a private key")
        let bio = try MemoryBIO()
        let ok: Int32
        if let passphrase {
            guard !passphrase.isEmpty else {
                throw CryptoError(.invalidArgument, "an empty passphrase protects nothing")
            }
            var bytes = Array(passphrase.utf8)
            ok = PEM_write_bio_PKCS8PrivateKey(
                bio.pointer, key.pointer, EVP_aes_256_cbc(), &bytes, Int32(bytes.count), nil, nil)
            bytes.withUnsafeMutableBytes { OPENSSL_cleanse($0.baseAddress, $0.count) }
        } else {
            ok = PEM_write_bio_PKCS8PrivateKey(bio.pointer, key.pointer, nil, nil, 0, nil, nil)
        }
        guard ok == 1 else { throw .openSSL("writing the PKCS#8 key failed") }
        return bio.string
    }

    /// PEM SEC1 (`EC PRIVATE KEY`, RFC 5915); EC keys only.
    package func sec1PEM() throws(CryptoError) -> String {
        guard kind == .ecP256 || kind == .ecP384 else {
            throw CryptoError(.keyAlgorithmMismatch, "SEC1 encodes EC keys only, not \(kind)")
        }
        let key = try evpKey(for: "exporting a private key")
        let bio = try MemoryBIO()
        guard PEM_write_bio_PrivateKey_traditional(bio.pointer, key.pointer, nil, nil, 0, nil, nil) == 1 else {
            throw .openSSL("writing the SEC1 key failed")
        }
        return bio.string
    }

    /// The matching public key (shares the parsed key; no re-parse).
    package var publicKey: PublicKey {
        switch backing {
        case .evp(let key): PublicKey(EVPKey(sharing: key))
        case .token(let handle): handle.publicKey
        }
    }

    /// Signs `data`. ECDSA signatures are DER; see ``ECDSASignature`` for raw r‖s.
    package func signature(for data: some ContiguousBytes, algorithm: SignatureAlgorithm) throws(CryptoError) -> [UInt8]
    {
        try withUnsafeBytesTyped(data) { (buffer) throws(CryptoError) -> [UInt8] in
            switch backing {
            case .evp(let key): try key.sign(buffer, algorithm: algorithm)
            case .token(let handle): try handle.sign(buffer, algorithm: algorithm)
            }
        }
    }
}

/// `withUnsafeBytes` that keeps the closure's typed error.
func withUnsafeBytesTyped<R>(
    _ data: some ContiguousBytes, _ body: (UnsafeRawBufferPointer) throws(CryptoError) -> R
) throws(CryptoError) -> R {
    let result: Result<R, CryptoError> = data.withUnsafeBytes { buffer in
        do throws(CryptoError) { return .success(try body(buffer)) } catch { return .failure(error) }
    }
    return try result.get()
}

/// Runs `body` with a context pointer that ``pemPassphraseCallback`` reads the passphrase from.
private func withPassphrase<R>(_ passphrase: String?, _ body: (UnsafeMutableRawPointer?) -> R) -> R {
    guard let passphrase else { return body(nil) }
    var bytes = Array(passphrase.utf8CString)
    defer { bytes.withUnsafeMutableBytes { OPENSSL_cleanse($0.baseAddress, $0.count) } }
    return bytes.withUnsafeMutableBytes { body($0.baseAddress) }
}

/// OpenSSL `pem_password_cb`: copies the NUL-terminated passphrase from `context`, or answers
/// "no passphrase" (0) so that OpenSSL never falls back to prompting on a terminal.
private let pemPassphraseCallback:
    @convention(c) (
        UnsafeMutablePointer<CChar>?, Int32, Int32, UnsafeMutableRawPointer?
    ) -> Int32 = { buffer, size, _, context in
        guard let buffer, let context else { return 0 }
        let source = context.assumingMemoryBound(to: CChar.self)
        let length = Int32(strlen(source))
        guard length <= size else { return 0 }
        memcpy(buffer, source, Int(length))
        return length
    }
