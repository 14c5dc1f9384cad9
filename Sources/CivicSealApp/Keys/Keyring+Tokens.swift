import CivicSealCrypto
import Foundation
import Synchronization

/// A department's signer for new documents: prepared once at load; for a seal whose key is in a token, prepared
/// again (token found, logged in, key re-opened) on the first use after ``markStale()``.
final class SealSigner: Sendable {
    private struct State {
        var signer: Result<CMSSigner, CryptoError>
        var stale = false
    }

    private let state: Mutex<State>
    private let reopen: (@Sendable () throws(CryptoError) -> CMSSigner)?

    init(department: String, seal: Keyring.Seal) {
        let prepare = { @Sendable (key: PrivateKey?) throws(CryptoError) -> CMSSigner in
            guard let key else {
                throw CryptoError(.invalidArgument, "the active seal of \(department) has no private key")
            }
            return try CMSSigner(
                key: key, certificate: seal.certificate, chain: seal.chain,
                algorithm: seal.algorithm.signatureAlgorithm)
        }
        state = Mutex(State(signer: Result { () throws(CryptoError) in try prepare(seal.key) }))
        guard let token = seal.token else {
            reopen = nil
            return
        }
        reopen = { () throws(CryptoError) -> CMSSigner in
            let key = try TokenKeys.privateKey(token)
            guard (try? key.publicKey.spkiDER()) == (try? seal.certificate.publicKey.spkiDER()) else {
                throw CryptoError(.tokenKeyNotFound, "\(token) no longer holds the key of seal \(seal.name)")
            }
            return try prepare(key)
        }
    }

    /// The signer; after ``markStale()`` a token seal's is opened again first (and stays stale while that fails).
    func current() throws(CryptoError) -> CMSSigner {
        try state.withLock { (state: inout State) -> Result<CMSSigner, CryptoError> in
            if state.stale, let reopen {
                state.signer = Result { () throws(CryptoError) in try reopen() }
                if case .success = state.signer { state.stale = false }
            }
            return state.signer
        }.get()
    }

    func markStale() {
        guard reopen != nil else { return }
        state.withLock { $0.stale = true }
    }
}

extension Keyring {
    /// The labels of the tokens the signing keys of this keyring live in (seals, services, officers), sorted.
    package var tokenLabels: [String] {
        let services = [timeStampingSigner, ocspResponderSigner, statusSigner].compactMap { signer -> String? in
            guard case .token(let uri) = signer?.key.location else { return nil }
            return uri.token
        }
        let seals = departments.compactMap { $0.active.token?.uri.token }
        return Set(seals + services + [officerKeysToken?.uri.token].compactMap { $0 }).sorted()
    }

    /// `keys show`: where a key lives, never a secret. A PEM file with its mode; a token key with whether the token
    /// was reached and the key found.
    func keyLocation(file: String?, token: TokenLocation?, opened: Bool, problem: AppError?) -> String {
        if let token {
            if let problem { return "\(token) — NOT USABLE: \(problem.message)" }
            return "\(token)" + (opened ? " (token reachable, key found)" : " (not opened: retired seal)")
        }
        guard let file else { return "absent" }
        let path = "\(directory)/\(file)"
        guard let attributes = try? FileManager.default.attributesOfItem(atPath: path),
            let mode = (attributes[.posixPermissions] as? NSNumber)?.uint16Value
        else { return "PEM file \(file) (MISSING)" }
        let octal = String(mode & 0o777, radix: 8)
        return "PEM file \(file) (0\(octal)\(mode & 0o077 == 0 ? "" : ", READABLE BY OTHERS"))"
    }
}
