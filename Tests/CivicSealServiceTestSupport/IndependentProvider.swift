import CivicSealCrypto
import CivicSealJSON
import CivicSealProcess
import CivicSealTestSupport
import Foundation
import Synchronization

/// An OpenID provider nobody on CivicSeal wrote, for the relying-party and browser tests: Authlib's authorization
/// server (`OIDCProvider/provider.py`) on 127.0.0.1 with TLS under a test CA generated here with the `openssl` CLI.
///
/// It registers two clients: ``privateKeyJWTClientID`` (private_key_jwt with the ES256 key at ``clientKeyPath``) and
/// ``secretClientID`` (client_secret_basic with the secret in ``clientSecretPath``), both with the redirect URIs
/// given at start; PKCE S256 is required of both. Its JWK set holds two keys (ES256 signing, RS256); ``rotate(_:)``
/// makes a new ES256 key the signing one. Test-only switches: ``setMisbehaviour(_:)``, ``expireCodes()``.
/// Helpers talk to it with `curl --cacert`, never with CivicSeal's own client, so a bug there cannot hide here.
package final class IndependentProvider: Sendable {
    /// The TLS certificate the provider presents.
    package enum ServerCertificate: Sendable {
        /// For 127.0.0.1 (and `localhost`), valid now, issued by the test CA.
        case valid
        /// Valid and issued by the test CA, but for another host name (`other-host.civicseal.invalid`).
        case otherHost
        /// For 127.0.0.1 and issued by the test CA, but expired a day ago.
        case expired
    }

    /// How to start the provider.
    package struct Options: Sendable {
        /// Appended to `https://127.0.0.1:<port>` to make the issuer (e.g. `/realms/citizens`); empty by default.
        package var issuerPath = ""
        package var certificate = ServerCertificate.valid
        /// Where the provider may send the browser back with a code (exact match, RFC 6749 §3.1.2.3).
        package var redirectURIs: [String] = ["http://127.0.0.1/auth/callback"]
        /// Where RP-initiated logout may return (OIDC RP-Initiated Logout §3).
        package var postLogoutRedirectURIs: [String] = ["http://127.0.0.1/"]
        /// The `acr` values the provider states for level-1 and level-2 accounts.
        package var acrLevel1 = "level1"
        package var acrLevel2 = "level2"
        /// The claim names carrying an officer's roles and department.
        package var roleClaim = "roles"
        package var departmentClaim = "department"

        package init() {}
    }

    /// The test users on the login page (synthetic people; the citizens' personal ids agree with their birth dates).
    package enum User: String, Sendable, CaseIterable {
        /// Nguyễn Thị Ánh Tuyết, 001190012345, born 1990-05-14, female, level 2.
        case citizenLevel2 = "citizen-level2"
        /// Phạm Văn Hùng, 001085004321, born 1985-03-02, male, level 1.
        case citizenLevel1 = "citizen-level1"
        /// Trần Đức Lương, `justice.officer` of `justice-hanoi`.
        case justiceOfficer = "justice-officer"
        /// Lê Thị Hồng Nhung, `health.officer` of `health-hanoi`.
        case healthOfficer = "health-officer"
    }

    /// Test-only deviations of the provider; `nil` leaves a switch as it is.
    package struct Misbehaviour: Sendable {
        /// The next ID token carries a nonce nobody asked for.
        package var wrongNonce: Bool?
        /// The next ID token is for another audience.
        package var wrongAudience: Bool?
        /// The discovery document states this `issuer` (`.some(nil)` restores the real one).
        package var discoveryIssuer: String??
        /// The JWK set's `Cache-Control: max-age`.
        package var jwksMaxAge: Int?

        package init(
            wrongNonce: Bool? = nil, wrongAudience: Bool? = nil, discoveryIssuer: String?? = nil,
            jwksMaxAge: Int? = nil
        ) {
            self.wrongNonce = wrongNonce
            self.wrongAudience = wrongAudience
            self.discoveryIssuer = discoveryIssuer
            self.jwksMaxAge = jwksMaxAge
        }
    }

    package static let privateKeyJWTClientID = "civicseal-rp"
    package static let secretClientID = "civicseal-basic"

    package let folder: TemporaryDirectory
    package let port: Int
    /// `https://127.0.0.1:<port><issuerPath>`.
    package let issuer: String
    /// The test CA's certificate (PEM), for a CA-bundle configuration or `curl --cacert`.
    package let caBundlePath: String
    /// The private_key_jwt client's ES256 key (PKCS#8 PEM) and its `kid`.
    package let clientKeyPath: String
    package let clientKeyID: String
    /// The client_secret_basic client's secret (one line).
    package let clientSecretPath: String
    package let clientSecret: String
    /// base64 of the SHA-256 of the server certificate's SubjectPublicKeyInfo, for Chromium's
    /// `--ignore-certificate-errors-spki-list`.
    package let certificateSPKISHA256: String
    /// The provider's own log (Werkzeug's request lines, Python tracebacks).
    package let logPath: String
    private let process: ChildProcess

    private init(
        folder: TemporaryDirectory, port: Int, issuer: String, clientKeyID: String, clientSecret: String,
        spki: String, process: ChildProcess
    ) {
        self.folder = folder
        self.port = port
        self.issuer = issuer
        self.caBundlePath = folder.path + "/ca.cert.pem"
        self.clientKeyPath = folder.path + "/oidc-client.key.pem"
        self.clientKeyID = clientKeyID
        self.clientSecretPath = folder.path + "/oidc-client.secret"
        self.clientSecret = clientSecret
        self.certificateSPKISHA256 = spki
        self.logPath = folder.path + "/provider.log"
        self.process = process
    }

    deinit { stop() }

    /// Whether the tools it needs are here (always true under CI, where a missing one fails the test).
    package static var isUsable: Bool {
        ExternalTool.isUsable("python3", "openssl", "curl")
            && (ExternalTool.isCI || (try? ExternalTool.run("python3", ["-c", "import authlib, flask"]))?.status == 0)
    }

    /// The provider's script, beside this file.
    static var script: String {
        URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("OIDCProvider/provider.py")
            .path
    }

    /// Generates the CA, the server certificate and the client key, starts the provider and waits (on a thread of its
    /// own, never the cooperative pool) until it says which port it listens on.
    package static func start(_ options: Options = Options()) async throws -> IndependentProvider {
        try await withCheckedThrowingContinuation { continuation in
            Thread.detachNewThread { continuation.resume(with: Result { try startBlocking(options) }) }
        }
    }

    static func startBlocking(_ options: Options) throws -> IndependentProvider {
        let folder = TemporaryDirectory("civicseal-idp")
        let spki = try TestCertificates.make(in: folder.path, for: options.certificate)
        let key = try PrivateKey.generate(.ecP256)
        let clientKeyID = "rp-" + Hex.encode(Digest.sha256(try key.publicKey.spkiDER())).prefix(12)
        try folder.write("oidc-client.key.pem", text: try key.pkcs8PEM())
        chmod(folder.path + "/oidc-client.key.pem", 0o600)
        let secret = Base64URL.encode(SecureRandom.bytes(24))
        try folder.write("oidc-client.secret", text: secret + "\n")
        let jwk = try JSONWebKey(publicKey: key.publicKey, keyID: clientKeyID, algorithm: .es256)
        let redirects = JSONValue.array(options.redirectURIs.map { .string($0) })
        let logouts = JSONValue.array(options.postLogoutRedirectURIs.map { .string($0) })
        let configuration: JSONValue = [
            "certificate": .string(folder.path + "/server.cert.pem"),
            "privateKey": .string(folder.path + "/server.key.pem"),
            "issuerPath": .string(options.issuerPath), "log": .string(folder.path + "/provider.log"),
            "acrValues": ["level1": .string(options.acrLevel1), "level2": .string(options.acrLevel2)],
            "roleClaim": .string(options.roleClaim), "departmentClaim": .string(options.departmentClaim),
            "clients": [
                [
                    "client_id": .string(privateKeyJWTClientID), "method": "private_key_jwt",
                    "jwk": .object(jwk.members), "redirect_uris": redirects, "post_logout_redirect_uris": logouts,
                ],
                [
                    "client_id": .string(secretClientID), "method": "client_secret_basic", "secret": .string(secret),
                    "redirect_uris": redirects, "post_logout_redirect_uris": logouts,
                ],
            ],
        ]
        let configurationPath = try folder.write("provider.json", text: configuration.serialized())
        guard let python = ExternalTool.path("python3") else {
            throw ClientError(description: "python3 is not installed (run .ci/run to install it)")
        }
        let process = try ChildProcess(python, [script, configurationPath], error: .discard)
        // A provider that never says its port (a hung import) is killed, so the start fails instead of hanging.
        let listening = Atomic<Bool>(false)
        DispatchQueue.global().asyncAfter(deadline: .now() + 180) {
            if !listening.load(ordering: .acquiring) { process.signal(SIGKILL) }
        }
        defer { listening.store(true, ordering: .releasing) }
        var printed: [UInt8] = []
        while !printed.contains(UInt8(ascii: "\n")) {
            let chunk = try process.readOutput()
            if chunk.isEmpty {
                let log = (try? String(contentsOfFile: folder.path + "/provider.log", encoding: .utf8)) ?? ""
                throw ClientError(description: "the test provider ended before listening (\(process.wait())): \(log)")
            }
            printed += chunk
        }
        let line = String(decoding: printed, as: UTF8.self).split(separator: "\n").first ?? ""
        guard line.hasPrefix("port "), let port = Int(line.dropFirst(5)) else {
            process.signal(SIGKILL)
            throw ClientError(description: "the test provider printed \(line) instead of its port")
        }
        return IndependentProvider(
            folder: folder, port: port, issuer: "https://127.0.0.1:\(port)\(options.issuerPath)",
            clientKeyID: clientKeyID, clientSecret: secret, spki: spki, process: process)
    }

    /// Stops the provider (SIGTERM, then waits for it).
    package func stop() {
        process.signal(SIGTERM)
        _ = process.wait()
    }

    /// `<issuer>/.well-known/openid-configuration`.
    package var discoveryURL: String { issuer + "/.well-known/openid-configuration" }
}
