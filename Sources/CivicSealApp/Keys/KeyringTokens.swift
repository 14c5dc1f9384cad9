import CivicSealCrypto
import Foundation
import Synchronization

/// Where a private key lives in a PKCS#11 token, resolved from a `keyring.json` entry or the command line: the
/// RFC 7512 URI (token, and for a key its object label and/or id), the module to `dlopen`, and where the user PIN
/// is read (`file:PATH` or `env:NAME`). The PIN itself is never held here, printed, or written to the manifest.
package struct TokenLocation: Sendable, Hashable, CustomStringConvertible {
    /// The URI without `module-path` / `pin-source` (they are ``module`` and ``pinSource``).
    package let uri: PKCS11URI
    /// Absolute path of the PKCS#11 module.
    package let module: String
    package let pin: PINSource
    /// ``pin`` as the manifest spells it (`file:…`, `env:…`).
    package let pinSource: String

    /// - Parameter context: what the location is for, named in errors (`keyring.json: seal justice-hanoi/seal-…`).
    package init(uri text: String, module: String?, pin: String?, context: String) throws(AppError) {
        guard text.utf8.count <= 4096 else { throw AppError(.configuration, "\(context): the PKCS#11 URI is too long") }
        var uri: PKCS11URI
        do { uri = try PKCS11URI(text) } catch {
            throw AppError(.configuration, "\(context): \(error.message)")
        }
        guard let module = module ?? uri.modulePath, module.hasPrefix("/"), module.utf8.count <= 4096 else {
            throw AppError(
                .configuration,
                "\(context): no PKCS#11 module (an absolute path, as \"module\" or the URI's module-path)")
        }
        guard let pinText = pin ?? uri.pinSource else {
            throw AppError(
                .configuration, "\(context): no PIN source (file:PATH or env:NAME, as \"pin\" or the URI's pin-source)")
        }
        do { self.pin = try PINSource(pinText) } catch {
            throw AppError(.configuration, "\(context): \(error.message)")
        }
        guard uri.token != nil else {
            throw AppError(.configuration, "\(context): the PKCS#11 URI names no token (token=LABEL)")
        }
        uri.modulePath = nil
        uri.pinSource = nil
        self.uri = uri
        self.module = module
        pinSource = pinText
    }

    package init(_ entry: KeyringManifest.TokenKey, context: String) throws(AppError) {
        try self.init(uri: entry.uri, module: entry.module, pin: entry.pin, context: context)
    }

    private init(uri: PKCS11URI, module: String, pin: PINSource, pinSource: String) {
        self.uri = uri
        self.module = module
        self.pin = pin
        self.pinSource = pinSource
    }

    /// The same token, naming the key object `label` (and `id` when known).
    package func naming(object label: String?, id: [UInt8]? = nil) -> TokenLocation {
        TokenLocation(uri: uri.with(object: label, id: id), module: module, pin: pin, pinSource: pinSource)
    }

    /// The location of a key the token holds (its URI as the token module reports it, else this token + `label`).
    package func location(of key: PrivateKey, label: String) -> TokenLocation {
        guard case .token(var reported) = key.location else { return naming(object: label) }
        if reported.object == nil { reported = reported.with(object: label, id: reported.id) }
        reported.modulePath = nil
        reported.pinSource = nil
        return TokenLocation(uri: reported, module: module, pin: pin, pinSource: pinSource)
    }

    /// The token alone: tokens are opened and shared by it.
    var tokenOnly: TokenLocation { naming(object: nil, id: nil) }

    /// The entry `keyring.json` keeps.
    package var manifestEntry: KeyringManifest.TokenKey {
        KeyringManifest.TokenKey(uri: uri.description, module: module, pin: pinSource)
    }

    /// `PKCS#11 token <label>, object <label>, module <path>` (never the PIN).
    package var description: String {
        var text = "PKCS#11 token \(uri.token ?? "?")"
        if let object = uri.object { text += ", object \(object)" }
        if uri.object == nil, let id = uri.id { text += ", id \(Hex.encode(id))" }
        return text + ", module \(module)"
    }
}

/// The tokens this process has opened, one ``PKCS11Token`` per (module, token, PIN source), shared by every key in
/// it: seals, officers and services draw on one session pool per token.
package enum TokenKeys {
    private static let opened = Mutex<[TokenLocation: PKCS11Token]>([:])
    /// Tokens that refused the PIN: never asked again with that PIN source in this process, so that listing or
    /// loading many keys cannot use up the token's PIN retry counter and lock it.
    private static let refusedLogins = Mutex<[TokenLocation: CryptoError]>([:])

    /// The logged-in token of `location` (opened on first use).
    package static func token(_ location: TokenLocation) throws(CryptoError) -> PKCS11Token {
        let key = location.tokenOnly
        if let token = opened.withLock({ $0[key] }) { return token }
        if let refused = refusedLogins.withLock({ $0[key] }) { throw refused }
        let token: PKCS11Token
        do { token = try PKCS11Token.open(modulePath: location.module, uri: key.uri, pin: location.pin) } catch {
            if error.code == .tokenLoginFailed { refusedLogins.withLock { $0[key] = error } }
            throw error
        }
        return opened.withLock { cache in
            if let first = cache[key] { return first }
            cache[key] = token
            return token
        }
    }

    /// The private key `location` names, from its shared token.
    package static func privateKey(_ location: TokenLocation) throws(CryptoError) -> PrivateKey {
        try token(location).privateKey(matching: location.uri)
    }

    /// Drops every opened token, so the next use finds and logs in again (after a token went away).
    package static func forgetAll() { opened.withLock { $0.removeAll() } }

    /// A token failure as the operator reads it: what failed and where, never the PIN.
    package static func appError(_ error: CryptoError, _ location: TokenLocation, for purpose: String) -> AppError {
        switch error.code {
        case .tokenModuleUnavailable:
            AppError(
                .tokenUnavailable, "\(purpose): the PKCS#11 module \(location.module) is unusable: \(error.message)")
        case .tokenNotPresent:
            AppError(
                .tokenUnavailable,
                "\(purpose): no token \(location.uri.token ?? "") is present in \(location.module): \(error.message)")
        case .tokenLoginFailed:
            AppError(
                .tokenLogin,
                "\(purpose): cannot log in to token \(location.uri.token ?? "") with the PIN from "
                    + "\(location.pinSource): \(error.message)")
        case .tokenKeyNotFound:
            AppError(.keyMaterial, "\(purpose): \(location) holds no such private key: \(error.message)")
        case .tokenFailure:
            AppError(.tokenUnavailable, "\(purpose): \(location): \(error.message)")
        default:
            AppError(.keyMaterial, "\(purpose): \(location): \(error.message)")
        }
    }

    /// A fresh key label: `<prefix>-<yyyymmdd>-<8 hex>`.
    static func label(_ prefix: String, now: Date) -> String {
        "\(prefix)-\(DevelopmentPKI.dateStamp(now))-\(Hex.encode(SecureRandom.bytes(4)))"
    }
}
