import CivicSealApp
import Foundation

let usage = """
    civicseal — identity-linked official documents, sealed and verifiable

    Usage:
      civicseal serve [--host 127.0.0.1] [--port 8080] [--data .civicseal] [--keys Keys]
                      [--trust-proxy-bearer] [--secure-cookies] [--development] [--trusted-proxy CIDR…]
                      [--metrics-token-file FILE] [--database URL]
                          run the service and its pages at http://HOST:PORT/. On a loopback HOST development
                          mode is on by default (development keys and identity provider, created on first
                          start, and said so loudly); any other HOST refuses to start with development keys or
                          a development issuer unless --development is given. Behind a reverse proxy that
                          authenticates officers, --trust-proxy-bearer lets its Authorization header sign them in
                          to the pages. Page cookies are Secure and __Host- except in development mode on a
                          loopback address, unless --secure-cookies. --trusted-proxy (repeatable) names proxies
                          whose X-Forwarded-For gives the client address; GET /metrics needs the bearer token in
                          FILE (or in CIVICSEAL_METRICS_TOKEN), and is off (404) without one
      civicseal keys init [--dir Keys] [--algorithm ecdsa-p256|ecdsa-p384|rsa-pss-3072] [--public-url URL]
                          [--pkcs11 URI --pkcs11-module PATH --pin-source file:PATH|env:NAME]
                          create the development PKI (never overwrites existing files): root CA, department
                          seals, timestamp authority, OCSP responder, status signer; certificates point at
                          URL/pki/ocsp, URL/pki/crl/root.crl, URL/pki/ca/root.cer (default http://127.0.0.1:8080).
                          With --pkcs11 (e.g. pkcs11:token=CivicSeal) every signing key it creates, and later
                          the officers' keys, is generated inside that PKCS#11 token and never leaves it; the
                          URI may carry module-path and pin-source instead. The PIN is read from the file or
                          environment variable, never from the command line
      civicseal keys revoke --certificate SHA256|FILE --reason keyCompromise|superseded|… [--at TIME]
                          [--by NAME] [--dir Keys] [--data .civicseal]
                          revoke a certificate the CA issued (audited); OCSP and the CRL answer revoked
      civicseal keys compromise --seal SHA256 [--since TIME] [--dry-run] [--by OPERATOR] [--data .civicseal]
                          [--keys Keys] [--database URL] [--report FILE]
                          a seal key leaked: revoke its certificate (keyCompromise), make a fresh seal active,
                          revoke every document it sealed (since TIME, ISO 8601, or ever), re-issue each under
                          the fresh seal and queue a notice for its holder; killed, rerun it to resume (nothing
                          happens twice); report in FILE (default DATA/compromise-RUN.json)
      civicseal keys rotate --department ID [--dir Keys] [--algorithm …] [--pkcs11 URI --pkcs11-module PATH
                          --pin-source file:PATH|env:NAME] [--database URL] [--data .civicseal]
                          issue a new seal for the department and make it active (old seals stay, retired);
                          with --pkcs11 its key is generated inside the token (without it, a department whose
                          active seal is in a token gets the new key in that same token); running instances
                          take it within a minute, at once with --database postgresql://… (NOTIFY)
      civicseal keys rotate-services [--services tsa,ocsp] [--dir Keys] [--database URL] [--data .civicseal]
                          issue new TSA / OCSP responder / status signer (`status`) identities under the
                          development root and make them the ones the keyring loads (before archive renewal)
      civicseal keys show [--dir Keys]
                          print trust anchors, department seals, fingerprints, validity and where each key
                          lives (PEM file, or PKCS#11 token and object, and whether it is reachable); exit 69
                          when a token cannot be reached, 77 when it refuses the PIN
      civicseal token citizen --personal-id ID --name NAME --birthdate YYYY-MM-DD --gender male|female
                          [--level 1|2] [--nationality VN] [--ttl SECONDS] [--dir Keys]
      civicseal token staff --role ROLE [--role ROLE…] --department ID --name NAME [--ttl SECONDS] [--dir Keys]
                          print a development ID token signed by the development identity provider
      civicseal audit verify [--data DIR] [--database URL]
                          recompute the audit hash chain (default DIR .civicseal); exit 65 naming the
                          first damaged entry
      civicseal migrate --from sqlite:PATH --to postgresql://USER@HOST:PORT/DB
                          copy every record (ids, audit chain byte for byte) into an EMPTY PostgreSQL
                          database in one transaction; checks row counts and the audit chain; exit 73 when
                          the target is not empty, 65 when the SQLite audit chain does not verify
      civicseal backup --to FILE [--data DIR] [--database sqlite:PATH]
                          online consistent copy of the database (never overwrites FILE)
      civicseal tsa --port N [--host 127.0.0.1] [--keys Keys] [--data .civicseal]
                          run the keyring's RFC 3161 time-stamp authority alone at POST /pki/tsa (serials in
                          DATA/tsa-serials, shared safely with a running serve)
      civicseal verify FILE.pdf [--trust DIR] [--status STATUS.jws | --status-url URL] [--status-max-age HOURS]
                          verify a sealed PDF offline against the PEM trust anchors in DIR
                          (default Keys/trust); exit 0 valid, 1 invalid, 65 unreadable input. --status
                          checks the signed registry status (GET /v1/documents/ID/status, Accept:
                          application/jose; --status-url fetches it), prints how old it is, and fails (exit 1)
                          when it is revoked or stale: older than HOURS (default 24)
      civicseal archive renew [--now TIME] [--dry-run] [--horizon-days 90] [--data DIR] [--keys DIR] [--database URL]
                          add a DSS update and a new document timestamp to every document whose latest
                          document timestamp's TSA certificate expires within the horizon (what `serve` does
                          daily); TIME is ISO 8601 (default now); --dry-run lists them only
      civicseal demo      the whole story in-process on a temporary database: citizen token, criminal-record
                          request, claim, approval, sealed PDF written here, verification verdict printed
      civicseal help      this text

    --database URL (serve, audit verify, backup, archive renew, keys compromise): sqlite:PATH (default:
      DIR/civicseal.sqlite of --data) or
      postgresql://USER@HOST:PORT/DB?sslmode=disable|require|verify-full&sslrootcert=CA.pem (a Unix socket
      with ?host=/DIR). The password comes from ?passfile=PATH or CIVICSEAL_DATABASE_PASSWORD, never the URL.
    """

func run(_ arguments: [String]) throws(AppError) -> Int32 {
    let parsed = try CommandLineArguments(arguments)
    switch parsed.words.first {
    case nil, "help":
        print(usage)
        return parsed.words.isEmpty && parsed.options["help"] == nil ? 64 : 0
    case "keys":
        try parsed.only([
            "dir", "algorithm", "department", "public-url", "certificate", "reason", "at", "by", "data", "services",
            "seal", "since", "keys", "report", "pkcs11", "pkcs11-module", "pin-source", "database",
        ])
        if parsed.options["database"] != nil,
            !["compromise", "rotate", "rotate-services"].contains(parsed.words.dropFirst().first)
        {
            throw AppError(.usage, "--database goes with keys rotate, rotate-services and compromise")
        }
        // `--pkcs11 URI`: keys generated inside that token (init, rotate); module and PIN source beside it.
        let token = try parsed.options["pkcs11"].map { (uri) throws(AppError) in
            try TokenLocation(
                uri: uri, module: parsed.options["pkcs11-module"], pin: parsed.options["pin-source"],
                context: "--pkcs11")
        }
        if token == nil, parsed.options["pkcs11-module"] != nil || parsed.options["pin-source"] != nil {
            throw AppError(.usage, "--pkcs11-module and --pin-source go with --pkcs11 URI")
        }
        let directory = parsed.options["dir"] ?? "Keys"
        switch parsed.words.dropFirst().first {
        case "init":
            guard parsed.words.count == 2 else { throw AppError(.usage, "keys init takes no further words") }
            var algorithm = SealAlgorithm.ecdsaP256
            if let name = parsed.options["algorithm"] {
                guard let chosen = SealAlgorithm(argument: name) else {
                    throw AppError(.usage, "unknown --algorithm \(name) (ecdsa-p256, ecdsa-p384, rsa-pss-3072)")
                }
                algorithm = chosen
            }
            let report = try DevelopmentPKI.initialize(
                directory: directory, sealAlgorithm: algorithm, publicURL: parsed.options["public-url"], token: token)
            for file in report.created { print("created  \(directory)/\(file)") }
            for file in report.kept { print("kept     \(directory)/\(file)") }
            for key in report.generatedInToken { print("generated \(key)") }
            print("These are DEVELOPMENT keys: never use them for real documents. See \(directory)/README.md.")
            return 0
        case "rotate":
            guard parsed.words.count == 2, let department = parsed.options["department"] else {
                throw AppError(.usage, "keys rotate needs --department ID")
            }
            var algorithm = SealAlgorithm.ecdsaP256
            if let name = parsed.options["algorithm"] {
                guard let chosen = SealAlgorithm(argument: name) else {
                    throw AppError(.usage, "unknown --algorithm \(name)")
                }
                algorithm = chosen
            }
            let name = try DevelopmentPKI.rotate(
                directory: directory, departmentID: department, algorithm: algorithm, token: token)
            print("\(department): new active seal \(name); earlier seals are retired and still verify.")
            print(
                KeyringNotice.announce(
                    keysDirectory: directory, database: parsed.options["database"],
                    dataDirectory: parsed.options["data"]))
            return 0
        case "revoke":
            guard parsed.words.count == 2, let certificate = parsed.options["certificate"],
                let reason = parsed.options["reason"]
            else { throw AppError(.usage, "keys revoke needs --certificate SHA256|PATH and --reason NAME") }
            print(
                try KeyringCertificates.revoke(
                    keysDirectory: directory, dataDirectory: parsed.options["data"], certificate: certificate,
                    reason: reason, at: parsed.options["at"], by: parsed.options["by"]))
            return 0
        case "compromise":
            return try compromise(parsed)
        case "rotate-services":
            let names = (parsed.options["services"] ?? "tsa,ocsp").split(separator: ",").map(String.init)
            for path in try DevelopmentPKI.rotateServices(directory: directory, names: names) {
                print("created  \(directory)/\(path)")
            }
            print("The old certificates stay on disk: documents embed them and keep verifying.")
            print(
                KeyringNotice.announce(
                    keysDirectory: directory, database: parsed.options["database"],
                    dataDirectory: parsed.options["data"]))
            return 0
        case "show":
            guard parsed.options["algorithm"] == nil, token == nil else {
                throw AppError(.usage, "keys show takes no --algorithm or --pkcs11")
            }
            let keyring = try Keyring(directory: directory, toleratingUnreachableTokens: true)
            print(keyring.summary())
            // A key that cannot be used now: said on standard error and in the exit status (69, or 77 for a PIN).
            let problems = keyring.tokenProblems.sorted { $0.key < $1.key }
            for (_, problem) in problems {
                FileHandle.standardError.write(Data("civicseal: \(problem.message)\n".utf8))
            }
            if let worst = problems.map(\.value).first(where: { $0.code == .tokenLogin }) ?? problems.first?.value {
                return worst.exitStatus
            }
            return 0
        default:
            throw AppError(
                .usage, "keys needs a subcommand: init, rotate, rotate-services, revoke, compromise or show")
        }
    case "token":
        print(
            try DevelopmentTokens.command(
                Array(parsed.words.dropFirst()), options: parsed.options, repeated: parsed.repeated))
        return 0
    case "audit":
        try parsed.only(["data", "database"])
        guard parsed.words == ["audit", "verify"] else { throw AppError(.usage, "audit needs a subcommand: verify") }
        print(
            try RecordsCommands.verifyAudit(dataDirectory: parsed.options["data"], database: parsed.options["database"])
        )
        return 0
    case "migrate":
        try parsed.only(["from", "to"])
        guard parsed.words == ["migrate"], let from = parsed.options["from"], let to = parsed.options["to"] else {
            throw AppError(.usage, "migrate needs --from sqlite:PATH and --to postgresql://USER@HOST:PORT/DB")
        }
        print(
            try MigrateCommand.run(from: from, to: to) { line in
                print(line)
                fflush(nil)
            })
        return 0
    case "backup":
        try parsed.only(["data", "database", "to"])
        guard parsed.words.count == 1, let destination = parsed.options["to"] else {
            throw AppError(.usage, "backup needs --to FILE")
        }
        print(
            try RecordsCommands.backup(
                dataDirectory: parsed.options["data"], database: parsed.options["database"], to: destination))
        return 0
    case "tsa":
        throw AppError(.usage, "tsa runs the time-stamp authority: civicseal tsa --port N [--keys DIR] [--data DIR]")
    case "verify":
        try parsed.only(["trust", "status", "status-max-age"])
        guard parsed.words.count == 2 else { throw AppError(.usage, "verify needs exactly one FILE.pdf") }
        var maximumAge = Duration.seconds(24 * 3600)
        if let text = parsed.options["status-max-age"] {
            guard let hours = Int(text), (1...8760).contains(hours) else {
                throw AppError(.usage, "--status-max-age is a number of hours (1–8760)")
            }
            maximumAge = .seconds(hours * 3600)
        }
        let result = try VerifyCommand.run(
            file: parsed.words[1], trustDirectory: parsed.options["trust"], statusFile: parsed.options["status"],
            statusMaximumAge: maximumAge)
        print(result.text)
        return result.status
    case "archive":
        try parsed.only(["now", "dry-run", "data", "database", "keys", "horizon-days"])
        guard parsed.words == ["archive", "renew"] else { throw AppError(.usage, "archive needs a subcommand: renew") }
        var now: Date?
        if let text = parsed.options["now"] {
            guard let date = ISO8601DateFormatter().date(from: text) else {
                throw AppError(.usage, "--now needs an ISO 8601 time such as 2029-01-31T00:00:00Z")
            }
            now = date
        }
        var horizon = 90.0
        if let text = parsed.options["horizon-days"] {
            guard let days = Double(text), days >= 0 else { throw AppError(.usage, "--horizon-days needs a number") }
            horizon = days
        }
        try IssuanceCommands.renewArchive(
            dataDirectory: parsed.options["data"] ?? ".civicseal", keysDirectory: parsed.options["keys"] ?? "Keys",
            now: now, dryRun: parsed.options["dry-run"] != nil, horizonDays: horizon,
            database: parsed.options["database"]
        ) { print($0) }
        return 0
    case "dev":  // hidden: development and test helpers
        try parsed.only(["data", "database", "count", "keys"])
        if parsed.words == ["dev", "sweep"] {
            try IssuanceCommands.sweep(
                dataDirectory: parsed.options["data"] ?? ".civicseal", keysDirectory: parsed.options["keys"] ?? "Keys",
                database: parsed.options["database"]
            ) { line in
                print(line)
                fflush(nil)
            }
            return 0
        }
        guard parsed.words == ["dev", "submit-burst"], let count = parsed.options["count"].flatMap(Int.init), count > 0
        else {
            throw AppError(
                .usage,
                "dev submit-burst --count N [--data DIR] | dev issue-burst --count N [--data DIR] [--keys DIR] | dev "
                    + "sweep"
            )
        }
        try RecordsCommands.submitBurst(
            dataDirectory: parsed.options["data"], database: parsed.options["database"], count: count
        ) { id in
            print(id)
            fflush(nil)
        }
        return 0
    case let other?:
        throw AppError(.usage, "unknown command \(other); see `civicseal help`")
    }
}

/// `civicseal serve`: runs until SIGTERM or SIGINT, then shuts down gracefully and exits 0.
func serve(_ parsed: CommandLineArguments) async throws(AppError) -> Int32 {
    try parsed.only(["host", "port", "data", "database", "keys", "trusted-proxy", "metrics-token-file"])
    guard parsed.words == ["serve"] else { throw AppError(.usage, "serve takes no further words") }
    if parsed.options["help"] != nil {
        print(usage)
        return 0
    }
    var options = ServeOptions()
    // Pages: behind a reverse proxy that authenticates officers, accept its bearer; `Secure` cookies even on loopback.
    options.trustProxyBearer = parsed.options["trust-proxy-bearer"] != nil
    if parsed.options["secure-cookies"] != nil { options.secureCookies = true }
    if parsed.options["development"] != nil { options.development = true }
    if let host = parsed.options["host"] { options.host = host }
    if let text = parsed.options["port"] {
        guard let port = Int(text), (0...65535).contains(port) else { throw AppError(.usage, "--port must be 0–65535") }
        options.port = port
    }
    if let data = parsed.options["data"] { options.dataDirectory = data }
    options.database = parsed.options["database"]
    options.trustedProxies = try ServeOptions.trustedProxies(parsed.repeated["trusted-proxy"] ?? [])
    options.metricsToken = try ServeOptions.metricsToken(
        file: parsed.options["metrics-token-file"],
        environment: ProcessInfo.processInfo.environment["CIVICSEAL_METRICS_TOKEN"])
    if let keys = parsed.options["keys"] { options.keysDirectory = keys }
    let service = try Service.start(options)
    for line in service.banner { FileHandle.standardError.write(Data((line + "\n").utf8)) }
    let stopped = service.server.shutdownOnSignals([SIGTERM, SIGINT], deadline: .seconds(10)) {
        try? service.store.close()
    }
    await service.server.waitUntilStopped()
    try? service.store.close()
    stopped.cancel()
    FileHandle.standardError.write(Data("CivicSeal stopped.\n".utf8))
    return 0
}

/// `civicseal verify FILE.pdf --status-url URL`: the one verification that goes online, for the signed status.
func verifyWithFetchedStatus(_ parsed: CommandLineArguments) async throws(AppError) -> Int32 {
    try parsed.only(["trust", "status-max-age", "status-url"])
    guard parsed.words.count == 2, let url = parsed.options["status-url"] else {
        throw AppError(.usage, "verify needs exactly one FILE.pdf")
    }
    var maximumAge = Duration.seconds(24 * 3600)
    if let text = parsed.options["status-max-age"] {
        guard let hours = Int(text), (1...8760).contains(hours) else {
            throw AppError(.usage, "--status-max-age is a number of hours (1–8760)")
        }
        maximumAge = .seconds(hours * 3600)
    }
    let result = try await VerifyCommand.run(
        file: parsed.words[1], trustDirectory: parsed.options["trust"], statusURL: url, statusMaximumAge: maximumAge)
    print(result.text)
    return result.status
}

/// `civicseal tsa`: the RFC 3161 authority of the keyring alone, at `POST /pki/tsa`, until SIGTERM or SIGINT.
func timeStampAuthority(_ parsed: CommandLineArguments) async throws(AppError) -> Int32 {
    try parsed.only(["port", "host", "keys", "data"])
    guard parsed.words == ["tsa"], let text = parsed.options["port"], let port = Int(text), (0...65535).contains(port)
    else { throw AppError(.usage, "tsa --port N (0–65535) [--host 127.0.0.1] [--keys Keys] [--data .civicseal]") }
    let server = try TimeStampServer.start(
        host: parsed.options["host"] ?? "127.0.0.1", port: port, keysDirectory: parsed.options["keys"] ?? "Keys",
        dataDirectory: parsed.options["data"] ?? ".civicseal")
    // One line on standard output with the bound port (`--port 0` picks a free one).
    print("CivicSeal time-stamp authority at http://\(parsed.options["host"] ?? "127.0.0.1"):\(server.port)/pki/tsa")
    fflush(nil)
    let stopped = server.shutdownOnSignals([SIGTERM, SIGINT], deadline: .seconds(10)) {}
    await server.waitUntilStopped()
    stopped.cancel()
    return 0
}

do throws(AppError) {
    let arguments = Array(CommandLine.arguments.dropFirst())
    if arguments.first == "serve" {
        exit(try await serve(try CommandLineArguments(arguments)))
    }
    if arguments.first == "verify", arguments.contains(where: { $0.hasPrefix("--status-url") }) {
        exit(try await verifyWithFetchedStatus(try CommandLineArguments(arguments)))
    }
    if arguments.first == "tsa" {
        exit(try await timeStampAuthority(try CommandLineArguments(arguments)))
    }
    if arguments.first == "demo" {
        let parsed = try CommandLineArguments(arguments)
        try parsed.only([])
        guard parsed.words == ["demo"] else { throw AppError(.usage, "demo takes no further words") }
        let (_, verdict) = try await IssuanceCommands.demo { print($0) }
        exit(verdict.isValid ? 0 : 1)
    }
    if arguments.starts(with: ["dev", "issue-burst"]) {  // hidden: the issuance crash test
        let parsed = try CommandLineArguments(arguments)
        try parsed.only(["data", "database", "keys", "count"])
        guard let count = parsed.options["count"].flatMap(Int.init), count > 0 else {
            throw AppError(.usage, "dev issue-burst --count N [--data DIR] [--database URL] [--keys DIR]")
        }
        try await IssuanceCommands.issueBurst(
            dataDirectory: parsed.options["data"] ?? ".civicseal", keysDirectory: parsed.options["keys"] ?? "Keys",
            database: parsed.options["database"], count: count
        ) { line in
            print(line)
            fflush(nil)
        }
        exit(0)
    }
    exit(try run(arguments))
} catch {
    FileHandle.standardError.write(Data("civicseal: \(error.message)\n".utf8))
    exit(error.exitStatus)
}
