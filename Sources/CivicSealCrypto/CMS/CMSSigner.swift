import Foundation

/// A signing identity for CMS: the private key, its certificate and the chain to include.
public struct CMSSigner: Sendable {
    public let key: PrivateKey
    public let certificate: Certificate
    /// Further certificates to embed (intermediates and, customarily, the root).
    public let chain: [Certificate]
    /// ECDSA with SHA-256/384, RSA-PSS or RSA PKCS#1 v1.5 with SHA-256/384/512.
    public let algorithm: SignatureAlgorithm

    public init(key: PrivateKey, certificate: Certificate, chain: [Certificate] = [], algorithm: SignatureAlgorithm? = nil) throws(CryptoError) {
        guard (try? key.publicKey.spkiDER()) == (try? certificate.publicKey.spkiDER()) else {
            throw CryptoError(.invalidArgument, "the private key does not belong to the signer certificate")
        }
        let chosen = algorithm ?? SignatureAlgorithm.preferred(for: key.kind)
        guard chosen.fits(key.kind) else {
            throw CryptoError(.keyAlgorithmMismatch, "a \(key.kind) key cannot make \(chosen) signatures")
        }
        if case .ed25519 = chosen {
            throw CryptoError(.unsupportedAlgorithm, "CivicSeal seals with ECDSA or RSA; Ed25519 CMS is not accepted by PDF validators")
        }
        self.key = key
        self.certificate = certificate
        self.chain = chain
        self.algorithm = chosen
    }
}
