import CivicSealCrypto
import Foundation

extension DevelopmentPKI {
    /// `civicseal keys rotate-services [--service tsa|ocsp|status …] [--now TIME]`: issues a new identity for each
    /// named PKI service under the development root, valid from `now` for its profile's validity, written beside the
    /// old one (`services/<name>-<date>-<fingerprint>.cert.pem`, key 0600 under `private/services/`) and made the one
    /// the keyring loads. The old certificates stay on disk: documents embed them, and their OCSP answers and DSS
    /// entries keep verifying. The archive renewal job needs a TSA whose certificate outlives the one it replaces;
    /// rotate the TSA (and the yearly OCSP responder) before it runs. A service whose key is in a PKCS#11 token gets
    /// its new key generated in that token. Returns the new certificate paths.
    @discardableResult
    package static func rotateServices(directory: String, names: [String] = ["tsa", "ocsp"], now: Date = Date())
        throws(AppError) -> [String]
    {
        let manifestPath = "\(directory)/\(manifestName)"
        var manifest = try Keyring.readManifest(manifestPath)
        guard let rootKeyPath = manifest.rootKey, let rootCertificatePath = manifest.trustAnchors.first else {
            throw AppError(.keyMaterial, "the keyring names no development root key; rotate with your CA instead")
        }
        let rootKey = try load { () throws(CryptoError) in
            try PrivateKey(pem: try SecureFile.readTextCrypto("\(directory)/\(rootKeyPath)"))
        }
        let rootCertificate = try load { () throws(CryptoError) in
            try Certificate(pem: try SecureFile.readTextCrypto("\(directory)/\(rootCertificatePath)"))
        }
        var services = manifest.services ?? KeyringManifest.Services()
        let urls = ServiceURLs(base: manifest.publicBaseURL ?? defaultPublicBaseURL)
        var created: [String] = []
        for name in names {
            guard let profile = serviceProfiles.first(where: { $0.name == name }) else {
                throw AppError(.usage, "unknown service \(name) (tsa, ocsp, status)")
            }
            // A service whose key is in a token gets its new key in the same token (a new label).
            let token = try services[keyPath: profile.keyPath]?.token.map { (entry) throws(AppError) in
                try TokenLocation(entry, context: "\(manifestName): \(profile.name)")
            }
            let identity = try issueService(
                profile, named: { "\(profile.name)-\(dateStamp(now))-\($0.fingerprintHex.prefix(8))" },
                directory: directory, urls: urls, rootKey: rootKey, rootCertificate: rootCertificate, token: token,
                now: now)
            services[keyPath: profile.keyPath] = identity
            created.append(identity.certificate)
        }
        manifest.services = services
        try SecureFile.replace(manifestPath, text: try Keyring.encodeManifest(manifest), mode: SecureFile.publicMode)
        return created
    }
}
