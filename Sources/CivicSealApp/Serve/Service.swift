import CivicSealAPI
import CivicSealCasework
import CivicSealCrypto
import CivicSealDevelopmentProvider
import CivicSealDocuments
import CivicSealHTTP
import CivicSealHTTPClient
import CivicSealIdentity
import CivicSealOIDC
import CivicSealPages
import CivicSealPostgresStore
import CivicSealRecords
import CivicSealStorage
import CivicSealVerification
import Foundation
import Synchronization

/// `civicseal serve`: where the service listens and where it keeps its data and keys.
package struct ServeOptions: Sendable {
    package var host = "127.0.0.1"
    package var port = 8080
    /// The SQLite database lives here (`civicseal.sqlite`), created 0700.
    package var dataDirectory = ".civicseal"
    /// `--database URL`: `sqlite:PATH` or `postgresql://…` (nil: `<dataDirectory>/civicseal.sqlite`).
    package var database: String?
    package var keysDirectory = "Keys"
    package var eventLoops = max(1, min(4, ProcessInfo.processInfo.activeProcessorCount))
    /// False: everything is built and ``Service/router`` answers requests handed to it in this process, but nothing
    /// listens (the API tests' in-process tier). ``Service/port`` is then ``port`` as given.
    package var listen = true
    /// Where the one-line JSON access log goes (standard output by default).
    package var logSink: any HTTPLogSink = StandardOutputLogSink()
    package var clock: @Sendable () -> Date = { Date() }
    /// Document templates, the pages' `web/` and the API's `api/openapi.json` (the repository's `Templates/` by
    /// default).
    package var templatesDirectory = DocumentRenderer.repositoryTemplateDirectory()
    /// The public address printed on documents and encoded in their QR codes (`<base>/v/<id>`);
    /// `http://<host>:<port>` when not set.
    package var publicBaseURL: String?
    /// How often the sweeper looks for approved requests without a document (it also runs once at start).
    package var sweepInterval: Duration = .seconds(30)
    /// How often the archive renewal job runs (it also runs once at start; see ``ArchiveRenewal``), and how long
    /// before a document timestamp's TSA certificate expires it renews.
    package var archiveRenewalInterval: Duration = .seconds(86400)
    package var archiveRenewalHorizon: TimeInterval = 90 * 86400
    /// Page cookies carry `Secure` in development mode on a loopback address too (behind a local TLS proxy). Outside
    /// development mode, or off loopback, they always carry `Secure` and the `__Host-` prefix, whatever this says.
    package var secureCookies: Bool?
    /// Development mode (`serve --development`): a development identity provider and development seals are
    /// allowed on any address. `nil` decides by the address: on a loopback bind development mode is on whenever
    /// development keys or a development issuer are in use (and keys are created on first start); on any other bind
    /// the service refuses to start with them (``AppError/Code/developmentModeRequired``).
    package var development: Bool?
    /// Officers' pages accept the `Authorization: Bearer` a trusted reverse proxy adds (see ``WebConfiguration``).
    package var trustProxyBearer = false
    /// Signed-in page sessions kept at most (anonymous visitors hold none); when full, a new sign-in gets a 503 page
    /// with `Retry-After` and nobody is signed out. Each person holds at most 10 (their own oldest goes).
    package var sessionCapacity = 100_000
    /// The threads and queue limits of PDF verification (`nil`: one thread fewer than the cores, four waiting each).
    package var verification: VerificationLanes?
    /// Reverse proxies whose `X-Forwarded-For` names the client (`--trusted-proxy CIDR`, repeatable); the access
    /// log, the per-address connection limit's exemption and the rate limits use the client so found.
    package var trustedProxies: [IPAddressRange] = []
    /// The bearer token `GET /metrics` requires (`--metrics-token-file`, or `CIVICSEAL_METRICS_TOKEN`); none:
    /// `/metrics` answers 404.
    package var metricsToken: String?
    /// Open connections one client address (an IPv6 /64) may hold.
    package var maximumConnectionsPerAddress = 64
    /// The policy OID the time-stamp authority issues under (`ARC.1` by default).
    package var timeStampPolicy = TimeStampServer.defaultPolicy
    /// How often `keyring.json` is read for a new keyring (``KeyringReloader``); on PostgreSQL a `NOTIFY` is at once.
    package var keyringPollInterval: TimeInterval = 60
    /// The five-field confirmation's budget per client: 10 attempts per window of this many seconds (windows aligned
    /// to its multiples, counted across instances on PostgreSQL).
    package var confirmationWindow: TimeInterval = 60

    package init() {}

    /// `--trusted-proxy` values as CIDR ranges; a usage error names the first malformed one.
    package static func trustedProxies(_ values: [String]) throws(AppError) -> [IPAddressRange] {
        var ranges: [IPAddressRange] = []
        for value in values {
            guard let range = IPAddressRange(value) else {
                throw AppError(
                    .usage, "--trusted-proxy \(value) is not an address or CIDR range (e.g. 10.0.0.0/8, ::1)")
            }
            ranges.append(range)
        }
        return ranges
    }

    /// The metrics token from `file` (first line, surrounding whitespace dropped), else from `environment`; at
    /// least 16 characters, so that it cannot be guessed.
    package static func metricsToken(file: String?, environment: String?) throws(AppError) -> String? {
        var token = environment
        if let file {
            guard let data = FileManager.default.contents(atPath: file) else {
                throw AppError(.usage, "cannot read --metrics-token-file \(file)")
            }
            token =
                String(decoding: data, as: UTF8.self).split(whereSeparator: \.isNewline).first.map(String.init) ?? ""
        }
        guard let token = token?.trimmingCharacters(in: .whitespaces) else { return nil }
        guard token.count >= 16, token.allSatisfy({ $0.isASCII && !$0.isWhitespace }) else {
            throw AppError(.usage, "the metrics token must be at least 16 printable ASCII characters")
        }
        return token
    }
}

/// A started CivicSeal service: the HTTP server, the store and the pieces tests look at.
package final class Service: Sendable {
    package let server: HTTPServer
    package let store: RequestStore
    package let api: APIService
    /// The pages' shared machinery (templates, sessions), for tests that look at the sessions held.
    package let site: WebSite
    /// The one frozen router: the API's routes and the pages' (requests can be answered through it without a socket).
    package let router: HTTPRouter
    package var routes: [HTTPRouter.Route] { router.routes }
    /// The keyring in use now: reloaded without a restart when `keyring.json` changes (``KeyringReloader``).
    package var keyring: Keyring { keyrings.current }
    package let keyrings: KeyringReloader
    let keyringWatch: KeyringWatch
    package let issuance: IssuanceService
    let sweeper: Task<Void, Never>
    /// On PostgreSQL: whether this instance leads the sweeper (the session-level advisory lock it holds).
    package let sweeperLeadership: AdvisoryLeadership?
    /// On PostgreSQL: the sessions and rate windows every instance shares, on connections of their own.
    package let sharedWeb: SharedWebDatabase?
    /// The archive renewal job (nil without a TSA in the keyring) and its background task.
    package let archive: ArchiveRenewal?
    let archiveJob: Task<Void, Never>?
    package let port: Int
    /// Lines for the operator: the address, development-key warnings, how to mint a token.
    package let banner: [String]
    /// Development mode is on (see ``ServeOptions/development``): the banner says so loudly.
    package let developmentMode: Bool
    /// The built-in OpenID provider (development mode with the development issuer only): its browser routes are
    /// under `/dev-idp/`; a relying party reaches the rest through ``DevelopmentProviderTransport``.
    package let developmentProvider: DevelopmentProvider?
    /// Every discovery issuer connected to its provider, and a relying party for each configured with a client (the
    /// development issuer's in development mode); the pages sign in with these.
    package let signIn: ConnectedProviders

    init(
        server: HTTPServer, store: RequestStore, api: APIService, site: WebSite, router: HTTPRouter,
        keyringWatch: KeyringWatch,
        issuance: IssuanceService,
        sweeper: Task<Void, Never>, archive: (job: ArchiveRenewal, task: Task<Void, Never>)?, port: Int,
        banner: [String], developmentMode: Bool, developmentProvider: DevelopmentProvider? = nil,
        signIn: ConnectedProviders, sweeperLeadership: AdvisoryLeadership? = nil, sharedWeb: SharedWebDatabase? = nil
    ) {
        self.sweeperLeadership = sweeperLeadership
        self.sharedWeb = sharedWeb
        self.archive = archive?.job
        archiveJob = archive?.task
        self.developmentMode = developmentMode
        self.developmentProvider = developmentProvider
        self.signIn = signIn
        self.server = server
        self.keyringWatch = keyringWatch
        keyrings = keyringWatch.reloader
        self.issuance = issuance
        self.sweeper = sweeper
        self.store = store
        self.api = api
        self.site = site
        self.router = router
        self.port = port
        self.banner = banner
    }

    /// Prepares keys (development keys on first start), identity issuers and the database, then starts listening.
    package static func start(_ options: ServeOptions) throws(AppError) -> Service {
        var banner: [String] = []
        let loopback = isLoopback(options.host)
        let manifest = "\(options.keysDirectory)/\(DevelopmentPKI.manifestName)"
        if !SecureFile.exists(manifest) {
            // Development keys are created on first start only where development mode may be on.
            guard loopback || options.development == true else {
                throw AppError(
                    .developmentModeRequired,
                    "no keys in \(options.keysDirectory)/ and \(options.host) is not a loopback address: serve "
                        + "creates development keys only on "
                        + "127.0.0.1/::1 or with --development; provision real keys and identity issuers for a "
                        + "public address"
                )
            }
            let report = try DevelopmentPKI.initialize(directory: options.keysDirectory)
            banner.append("Created DEVELOPMENT keys in \(options.keysDirectory)/ (\(report.created.count) files).")
        } else if loopback || options.development == true,
            try DevelopmentPKI.lacksServiceIdentities(directory: options.keysDirectory)
        {
            // A development keyring made before the PKI services: its root issues the missing identities now.
            let report = try DevelopmentPKI.initialize(directory: options.keysDirectory)
            banner.append("Issued the development PKI service identities (\(report.created.count) files).")
        }
        // The digest first: a keyring.json replaced while it loads is seen as changed at the first check.
        let keyringDigest = KeyringReloader.manifestDigest(directory: options.keysDirectory) ?? []
        let keyring = try Keyring(directory: options.keysDirectory)
        let issuersFile = "\(options.keysDirectory)/\(keyring.manifest.trustedIssuers ?? "trusted-issuers.json")"
        let issuers: TrustedIssuers
        do {
            issuers = try TrustedIssuers.load(file: issuersFile, baseDirectory: options.keysDirectory)
        } catch {
            throw AppError(.configuration, "\(error)")
        }
        let mode = try DevelopmentMode.decide(
            host: options.host, requested: options.development, developmentIssuer: issuers.development?.issuer,
            developmentSeals: keyring.manifest.rootKey != nil, keysDirectory: options.keysDirectory)
        banner += mode.banner
        if !keyring.tokenLabels.isEmpty {
            banner.append(
                "Signing keys in PKCS#11 token \(keyring.tokenLabels.joined(separator: ", ")) (never exported; "
                    + "while a token is unreachable, issuance answers 503 and the sweeper retries).")
        }

        try SecureFile.makeDirectory(options.dataDirectory, mode: 0o700)
        let store = try DatabaseOption.open(
            DatabaseOption.location(options.database, dataDirectory: options.dataDirectory), mustExist: false)
        // The revocation store knows every certificate of the keyring its CA issued (OCSP answers unknown otherwise).
        do { try KeyringCertificates.register(keyring, in: store, now: options.clock()) } catch {
            try? store.close()
            throw error
        }
        let templates = options.templatesDirectory
        // The renderer is built on first issuance, after the server has bound: with port 0 the printed verification
        // address must carry the real port.
        let boundPort = Atomic<Int>(options.port)
        let configuredBase = options.publicBaseURL
        let host = options.host
        // The officer's signature, the seal, timestamps, DSS and document timestamp (PAdES B-LTA) from the keyring.
        // RFC 3161 time-stamps at `POST /pki/tsa` (503 when the keyring has no TSA identity); issuance uses the same
        // authority, so every token this service signs draws from one persistent serial source. Both are replaced
        // without a restart when a reloaded keyring names new identities (``ServiceIdentities``).
        let identities: ServiceIdentities
        let wiring: IssuanceWiring
        do {
            (identities, wiring) = try ServiceIdentities.start(
                keyring: keyring, store: store, dataDirectory: options.dataDirectory, policy: options.timeStampPolicy,
                clock: options.clock)
        } catch {
            try? store.close()
            throw error
        }
        // Issuance seals with the keyring in use when it starts: a reload (keys rotate) reaches the next issuance.
        // A new snapshot's certificates are recorded (OCSP answers good for them) and its service identities built
        // before it is taken; either failing refuses it.
        let clock = options.clock
        let keyrings = KeyringReloader(
            keyring: keyring, digest: keyringDigest, interval: options.keyringPollInterval,
            prepare: { keyring throws(AppError) in
                try KeyringCertificates.register(keyring, in: store, now: clock())
                try identities.install(from: keyring)
            },
            log: { line in FileHandle.standardError.write(Data((line + "\n").utf8)) })
        let issuance = IssuanceService(
            store: store, keyring: keyrings,
            loadingRenderer: {
                let baseURL = configuredBase ?? "http://\(host):\(boundPort.load(ordering: .acquiring))"
                return try DocumentRenderer(templateDirectory: templates, verificationBaseURL: baseURL)
            }, officerKeys: wiring.officerKeys, trust: wiring.trust == nil ? nil : identities, clock: options.clock)
        let documentVerifier: DocumentVerifier
        do { documentVerifier = try DocumentVerifier(trustAnchors: keyring.trustAnchors) } catch {
            try? store.close()
            throw AppError(.keyMaterial, "trust anchors: \(error.message)")
        }
        // Plain-HTTP cookies only in development mode on a loopback address; everywhere else `Secure` and `__Host-`.
        var webConfiguration = WebConfiguration(
            directory: WebSite.repositoryDirectory(templates: templates),
            secureCookies: mode.isOn && loopback ? (options.secureCookies ?? false) : true,
            trustProxyBearer: options.trustProxyBearer)
        webConfiguration.sessionCapacity = options.sessionCapacity
        let web: WebSite
        // On PostgreSQL the sessions, CSRF and pre-sign-in keys, and the confirmation budget, are shared by every
        // instance on the database (on connections of their own).
        let shared: SharedWebDatabase?
        do { shared = try SharedWebDatabase.open(beside: store.database) } catch {
            try? store.close()
            throw AppError(.storage, "shared sessions: \(RecordsError.describe(error))")
        }
        do {
            web = try WebSite(configuration: webConfiguration, shared: shared?.web)
        } catch {
            try? store.close()
            throw AppError(.configuration, "\(error)")
        }
        // The API's contract is data beside the templates (`Templates/api/openapi.json`): checked now, not at the
        // first `GET /openapi.json`.
        let openAPI: OpenAPIDocument
        do { openAPI = try OpenAPIDocument(file: OpenAPIDocument.file(templates: templates)) } catch {
            try? store.close()
            throw AppError(.configuration, "the OpenAPI document \(error)")
        }
        // Development mode: the built-in OpenID provider (pages under `/dev-idp/` on this server's own origin), and
        // the development issuer made a sign-in provider that reaches it in-process.
        let development: DevelopmentSignIn.Setup?
        let signIn: ConnectedProviders
        do {
            development =
                mode.isOn
                ? try DevelopmentSignIn.provider(
                    directory: options.keysDirectory, keyring: keyring, issuers: issuers,
                    origin: { configuredBase ?? "http://\(host):\(boundPort.load(ordering: .acquiring))" },
                    clock: options.clock) : nil
        } catch {
            try? store.close()
            throw error
        }
        let metrics = MetricsRegistry()
        let verifier = TokenVerifier(issuers: development?.issuers ?? issuers, clock: options.clock)
        do {
            // In development mode the built-in provider's pages are plain HTTP on this loopback server.
            signIn = try OpenIDProvider.connect(
                development?.issuers ?? issuers, verifier: verifier,
                policy: RelyingPartyPolicy(allowLoopbackHTTP: mode.isOn && loopback), clock: options.clock
            ) {
                issuer throws(OutboundHTTPError) -> any OutboundHTTPTransport in
                if issuer.isDevelopment, let provider = development?.provider {
                    return DevelopmentProviderTransport(provider: provider)
                }
                return try OpenIDProvider.httpsTransport(for: issuer)
            }
        } catch {
            try? store.close()
            throw AppError(.configuration, "identity providers: \(error)")
        }
        // On PostgreSQL the confirmation budget per client is one for every instance (a shared counter table).
        let confirmationLimiter: RateLimiter
        if let shared {
            confirmationLimiter = RateLimiter(
                limit: 10, window: options.confirmationWindow, shared: shared.rateCounter, namespace: "confirmation")
        } else {
            confirmationLimiter = RateLimiter(limit: 10, window: options.confirmationWindow)
        }
        let casework = Casework(
            store: store, clock: options.clock, issuance: issuance, documentVerifier: documentVerifier,
            verification: options.verification ?? VerificationLanes(), confirmationLimiter: confirmationLimiter)
        let api = APIService(
            casework: casework, verifier: verifier, metrics: metrics, openAPI: openAPI, trust: keyring.publication(),
            metricsToken: options.metricsToken, statusSigner: keyring.statusSigner)
        // The pages share the casework's pieces (one set of verification threads, one confirmation budget per
        // client) without holding the API; one router serves both.
        let trusted = development?.issuers ?? issuers
        let pages = WebPages(
            dependencies: PageDependencies(
                casework: casework, verifier: verifier,
                signIn: SignInProviders(
                    citizen: signIn.relyingParty(for: .citizen, in: trusted),
                    staff: signIn.relyingParty(for: .staff, in: trusted),
                    origin: { configuredBase ?? "http://\(host):\(boundPort.load(ordering: .acquiring))" })),
            site: web)
        var routes = HTTPRouter.Builder()
        api.register(&routes)
        TimeStampHandler(current: { identities.timeStampAuthority }, clock: options.clock).register(&routes)
        do {
            let publisher = try RevocationPublisher(
                authority: keyring.certificateAuthority.certificate, authorityKey: keyring.certificateAuthority.key,
                responderSigner: keyring.ocspResponderSigner, store: store, clock: options.clock)
            identities.attach(publisher: publisher, api: api)
            PKIService(publisher: publisher, clock: options.clock).register(&routes)
        } catch {
            try? store.close()
            throw AppError(.keyMaterial, "the OCSP responder: \(error.message)")
        }
        pages.register(&routes)
        development?.provider.register(&routes)
        let router: HTTPRouter
        do { router = try routes.build() } catch { throw AppError(.configuration, "routes: \(error)") }

        var configuration = HTTPServerConfiguration(host: options.host, port: options.port)
        configuration.eventLoopCount = options.eventLoops
        configuration.trustedProxies = options.trustedProxies
        configuration.maximumConnectionsPerAddress = options.maximumConnectionsPerAddress
        // A 10 MiB PDF uploaded from the verification page arrives wrapped in multipart framing; `POST /v1/verify`
        // still refuses more than 10 MiB itself.
        configuration.limits.maximumBodySize = 10 * 1024 * 1024 + 64 * 1024
        let server = HTTPServer(
            configuration: configuration, responder: router, logSink: options.logSink, metrics: metrics)
        if options.listen {
            do {
                try server.start()
            } catch {
                try? store.close()
                throw AppError(.fileSystem, "cannot listen on \(options.host):\(options.port): \(error)")
            }
        }
        let port = options.listen ? server.port : options.port
        boundPort.store(port, ordering: .releasing)
        banner.insert(
            (options.listen ? "CivicSeal listening on http://\(options.host):\(port)" : "CivicSeal not listening")
                + "  (data: \(options.dataDirectory)/, keys: \(options.keysDirectory)/)",
            at: 0)
        if keyring.manifest.identityProvider != nil && issuers.development != nil {
            banner.append(
                "Mint a development token:  swift run civicseal token citizen --personal-id 001190012345 --name "
                    + "\"Nguyễn Thị Ánh Tuyết\" --birthdate 1990-05-14 --gender female"
            )
            banner.append(
                "                           swift run civicseal token staff --role justice.officer --department "
                    + "justice-hanoi --name \"Trần Đức Lương\""
            )
            banner.append(
                "                           (revoking is its own role: --role justice.revoker or health.revoker)")
        }
        if let development {
            if development.createdClientKey {
                banner.append(
                    "Created the development client key \(options.keysDirectory)/\(DevelopmentSignIn.clientKeyPath).")
            }
            banner.append(
                "Sign in at http://\(options.host):\(port)/citizen or /officer: the development identity provider "
                    + "(\(DevelopmentProvider.authorizePath)) offers synthetic citizens and officers.")
        }
        // Discovery documents and keys fetched now, so the first sign-in does not wait (a provider that cannot be
        // reached is tried again on demand).
        Task { [signIn] in _ = await signIn.prefetch() }
        // Approved requests left without a document by a crash are issued now, then periodically.
        // On PostgreSQL only the instance holding the sweeper's advisory lock sweeps; another takes over when it dies.
        let leadership = try SweeperLeadership.make(database: options.database, dataDirectory: options.dataDirectory)
        // keyring.json polled every minute; on PostgreSQL also LISTEN civicseal_keyring (keys rotate notifies).
        let keyringWatch = KeyringWatch(reloader: keyrings, metrics: metrics)
        let listening = try SweeperLeadership.configuration(options.database, options.dataDirectory)
        keyringWatch.start(postgres: listening) { line in FileHandle.standardError.write(Data((line + "\n").utf8)) }
        banner.append(
            "Keyring: \(options.keysDirectory)/\(DevelopmentPKI.manifestName) is read again every "
                + "\(Int(options.keyringPollInterval)) s"
                + (listening == nil ? "" : " and on NOTIFY \(KeyringNotice.channel)")
                + ": a new active seal (keys rotate) is used without a restart.")
        var leads: (@Sendable () async -> Bool)?
        if let leadership { leads = { await leadership.tryLead() } }
        let sweeper = issuance.startSweeper(every: options.sweepInterval, leads: leads)
        // Document timestamps renewed before their TSA certificate expires: now, then daily.
        let archive = wiring.trust.map { _ in
            ArchiveRenewal(
                store: store, trust: identities, horizon: options.archiveRenewalHorizon, clock: options.clock)
        }
        return Service(
            server: server, store: store, api: api, site: web, router: router, keyringWatch: keyringWatch,
            issuance: issuance,
            sweeper: sweeper, archive: archive.map { ($0, $0.start(every: options.archiveRenewalInterval)) },
            port: port, banner: banner, developmentMode: mode.isOn, developmentProvider: development?.provider,
            signIn: signIn, sweeperLeadership: leadership, sharedWeb: shared)
    }

    /// Whether `host` is a loopback address: only this machine can reach a listener there.
    static func isLoopback(_ host: String) -> Bool {
        ["::1", "localhost", "[::1]"].contains(host) || host.hasPrefix("127.")
    }

    /// Stops accepting, lets in-flight requests finish within `deadline`, then closes the database cleanly.
    package func stop(deadline: Duration = .seconds(10)) async {
        sweeper.cancel()
        await keyringWatch.stop()
        await sweeperLeadership?.resign()
        archiveJob?.cancel()
        await server.shutdown(deadline: deadline)
        sharedWeb?.close()
        try? store.close()
    }
}
