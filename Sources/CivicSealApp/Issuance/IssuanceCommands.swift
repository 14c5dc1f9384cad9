import CivicSealAPI
import CivicSealCasework
import CivicSealCrypto
import CivicSealDocuments
import CivicSealHTTP
import CivicSealJSON
import CivicSealRecords
import CivicSealVerification
import CivicSealWorkflow
import Foundation

/// Command-line entry points around issuance: the hidden crash-test helpers (`dev issue-burst`, `dev sweep`),
/// `keys rotate`, and `demo`.
package enum IssuanceCommands {
    /// Opens the store, the keyring (creating development keys if the directory has none) and the issuer.
    static func open(dataDirectory: String, keysDirectory: String, database: String? = nil) throws(AppError)
        -> IssuanceService
    {
        if !SecureFile.exists("\(keysDirectory)/\(DevelopmentPKI.manifestName)") {
            _ = try DevelopmentPKI.initialize(directory: keysDirectory)
        }
        let keyring = try Keyring(directory: keysDirectory)
        try SecureFile.makeDirectory(dataDirectory, mode: 0o700)
        let store = try DatabaseOption.open(
            DatabaseOption.location(database, dataDirectory: dataDirectory), mustExist: false)
        let renderer: DocumentRenderer
        do { renderer = try DocumentRenderer(templateDirectory: DocumentRenderer.repositoryTemplateDirectory()) } catch
        {
            throw AppError(.configuration, "cannot load templates or fonts: \(error)")
        }
        // The same persistent serial source as `serve` and `civicseal tsa`: a token's serial never repeats.
        let authority = try TimeStampServer.authority(keyring: keyring, dataDirectory: dataDirectory, store: store)
        return try IssuanceWiring(keyring: keyring, store: store, timeStamping: authority).service(
            store: store, keyring: keyring, renderer: renderer)
    }

    /// `civicseal archive renew [--now TIME] [--dry-run] [--data DIR] [--keys DIR] [--horizon-days N]`: one pass of
    /// the archive renewal job (``ArchiveRenewal``) at `now` (ISO 8601; default the current time). Prints one line
    /// per document due: `renewed <document> version <n>`, `due <document>` (dry run) or `skipped <document>: why`.
    package static func renewArchive(
        dataDirectory: String, keysDirectory: String, now: Date?, dryRun: Bool, horizonDays: Double = 90,
        database: String? = nil, output: (String) -> Void
    ) throws(AppError) {
        let keyring = try Keyring(directory: keysDirectory)
        let store = try DatabaseOption.open(
            DatabaseOption.location(database, dataDirectory: dataDirectory), mustExist: false)
        defer { try? store.close() }
        let clock: @Sendable () -> Date = { now ?? Date() }
        // After a rotation the new TSA and responder certificates must be known to the responder (as `serve` does).
        try KeyringCertificates.register(keyring, in: store, now: clock())
        let authority = try TimeStampServer.authority(
            keyring: keyring, dataDirectory: dataDirectory, store: store, clock: clock)
        guard
            let trust = try IssuanceWiring(keyring: keyring, store: store, timeStamping: authority, clock: clock).trust
        else {
            throw AppError(.keyMaterial, "the keyring has no timestamp authority or OCSP responder: nothing to renew")
        }
        let job = ArchiveRenewal(store: store, trust: trust, horizon: horizonDays * 86400, clock: clock)
        let report: ArchiveRenewal.Report
        do { report = try job.run(dryRun: dryRun) } catch { throw AppError(.storage, error.message) }
        if dryRun {
            for id in report.due { output("due \(id)") }
        }
        for (id, version) in report.renewed { output("renewed \(id) version \(version)") }
        for (id, reason) in report.skipped { output("skipped \(id): \(reason)") }
        output(
            "archive renewal: \(report.due.count) due, \(report.renewed.count) renewed, \(report.skipped.count) "
                + "left for later")
    }

    /// `civicseal dev issue-burst --count N --data DIR --keys DIR` (hidden; the crash test): for each of `count`
    /// synthetic criminal-record requests, submit, claim, approve — printing `approved <request>` once the approval
    /// has committed — then issue, printing `issued <request> <document>` once the registration has committed. Every
    /// line is flushed, so a parent that SIGKILLs the process knows what was durable.
    package static func issueBurst(
        dataDirectory: String, keysDirectory: String, database: String? = nil, count: Int, output: (String) -> Void
    ) async throws(AppError) {
        let issuance = try open(dataDirectory: dataDirectory, keysDirectory: keysDirectory, database: database)
        let store = issuance.store
        let officer = Participant.officer("dev-officer", department: Department.justiceHanoi.id)
        let start = Int(SecureRandom.bytes(4).reduce(0) { $0 << 8 | Int($1) } % 1_000_000)
        let submission = SyntheticRequests.criminalRecord()
        var person = start
        var done = 0
        while done < count {
            let request = SyntheticRequests.validated(submission, person: person, today: CalendarDate(Date()))
            person += 1
            let id: String
            do {
                id = try await store.submit(request, now: Date()).id
                _ = try await store.claim(id, by: officer, now: Date())
                _ = try await store.decide(
                    id, .approve(findingsJSON: #"{"bans":[],"convictions":[]}"#), by: officer,
                    officerName: "Trần Đức Lương", now: Date())
            } catch  where error.code == .unfinishedRequestExists {
                continue
            } catch {
                throw AppError(.storage, "approval failed: \(error.code)")
            }
            output("approved \(id)")
            let issued: IssuanceService.Issued?
            do { issued = try issuance.issueNow(id) } catch { throw AppError(.keyMaterial, error.message) }
            if let issued { output("issued \(id) \(issued.documentID)") }
            done += 1
        }
        do { try store.close() } catch { throw AppError(.storage, "close failed: \(error.code)") }
    }

    /// `civicseal dev sweep --data DIR --keys DIR` (hidden): what a restarting service does first — issue every
    /// approved request that has no document. Prints `issued <request> <document>` per document.
    package static func sweep(
        dataDirectory: String, keysDirectory: String, database: String? = nil, output: (String) -> Void
    ) throws(AppError) {
        let issuance = try open(dataDirectory: dataDirectory, keysDirectory: keysDirectory, database: database)
        for issued in issuance.sweep(limit: 100_000) { output("issued \(issued.summary.id) \(issued.documentID)") }
        do { try issuance.store.close() } catch { throw AppError(.storage, "close failed: \(error.code)") }
    }

    /// `civicseal demo`: the whole story in-process on a temporary database and temporary development keys, through
    /// the real API router (tokens verified, JSON bodies parsed): a citizen token, a criminal-record request, an
    /// officer's claim and approval, the sealed PDF written to `outputDirectory`, and the verification verdict.
    package static func demo(
        outputDirectory: String = FileManager.default.currentDirectoryPath, print say: (String) -> Void
    ) async throws(AppError)
        -> (pdfPath: String, verdict: DocumentVerdict)
    {
        let folder = NSTemporaryDirectory() + "civicseal-demo-" + SecureRandom.identifier(byteCount: 6)
        defer { try? FileManager.default.removeItem(atPath: folder) }
        var options = ServeOptions()
        options.port = 0
        options.dataDirectory = folder + "/data"
        options.keysDirectory = folder + "/keys"
        options.logSink = DiscardingLogSink()
        options.eventLoops = 1
        _ = try DevelopmentPKI.initialize(directory: options.keysDirectory)
        let service = try Service.start(options)
        defer { try? service.store.close() }
        let router: HTTPRouter
        do { router = try service.api.router() } catch { throw AppError(.configuration, "routes: \(error)") }
        func call(_ method: HTTPMethod, _ target: String, token: String? = nil, json: String? = nil)
            async throws(AppError) -> (Int, [UInt8], HTTPHeaders)
        {
            var headers: HTTPHeaders = ["Host": "127.0.0.1"]
            if let token { headers.replaceOrAdd(name: "Authorization", value: "Bearer \(token)") }
            if json != nil { headers.replaceOrAdd(name: "Content-Type", value: "application/json") }
            let request = HTTPRequest(method: method, target: target, headers: headers, body: Array((json ?? "").utf8))
            let response = await router.respond(
                to: request, context: RequestContext(startTime: SystemHTTPClock().now(), remoteAddress: "127.0.0.1:0"))
            guard (200..<300).contains(response.status.code) else {
                throw AppError(
                    .configuration,
                    "\(method.rawValue) \(target) answered \(response.status.code): "
                        + String(decoding: response.body, as: UTF8.self))
            }
            return (response.status.code, response.body, response.headers)
        }
        func member(_ body: [UInt8], _ name: String) -> String? {
            (try? JSONValue(parsing: body))?.objectValue?[name]?.stringValue
        }

        say("CivicSeal demo — temporary database and DEVELOPMENT keys in \(folder)")
        let citizen = try DevelopmentTokens.mint(
            DevelopmentTokens.Citizen(
                personalID: "001190012345", name: "Nguyễn Thị Ánh Tuyết", birthdate: "1990-05-14", gender: "female"),
            directory: options.keysDirectory)
        let officer = try DevelopmentTokens.mint(
            DevelopmentTokens.Staff(roles: ["justice.officer"], department: "justice-hanoi", name: "Trần Đức Lương"),
            directory: options.keysDirectory)
        say("1. Citizen token (level 2) minted for Nguyễn Thị Ánh Tuyết, 001190012345")
        let body = SampleRequest.criminalRecord(email: "tuyet@example.vn")
        let (_, submitted, _) = try await call(.post, "/v1/requests", token: citizen, json: body)
        guard let id = member(submitted, "id") else { throw AppError(.configuration, "the submission answered no id") }
        say("2. Criminal-record request (form 1) submitted: \(id), routed to \(member(submitted, "department") ?? "?")")
        _ = try await call(.post, "/v1/requests/\(id)/claim", token: officer, json: "")
        say("3. Officer Trần Đức Lương (justice-hanoi) claimed it")
        let (_, decided, _) = try await call(
            .post, "/v1/requests/\(id)/decision", token: officer,
            json: #"{"decision": "approve", "findings": {"convictions": [], "bans": []}}"#)
        say("4. Approved with findings «no conviction»; request is now \(member(decided, "status") ?? "?")")
        let (_, pdf, headers) = try await call(.get, "/v1/requests/\(id)/document", token: citizen)
        let documentID = (try? service.store.documentEntry(forRequest: id))??.documentID ?? "unknown"
        let path = "\(outputDirectory)/civicseal-demo-\(documentID).pdf"
        guard FileManager.default.createFile(atPath: path, contents: Data(pdf)) else {
            throw AppError(.fileSystem, "cannot write \(path)")
        }
        say("5. Sealed PDF (\(pdf.count) bytes, \(headers["Content-Type"] ?? "?")) written to \(path)")
        let sealName = service.keyring.department("justice-hanoi")?.active.name ?? "?"
        say("   document \(documentID), sealed by \(sealName); QR → /v/\(documentID)")
        // The same verifier the API and `civicseal verify` use: every named check, online against the registry.
        let verifier: DocumentVerifier
        do { verifier = try DocumentVerifier(trustAnchors: service.keyring.trustAnchors) } catch {
            throw AppError(.keyMaterial, "trust anchors: \(error.message)")
        }
        let verdict = verifier.verify(pdf, registry: service.store)
        say("6. Verification verdict: \(verdict.outcome.rawValue.uppercased())")
        for check in verdict.checks {
            say("   \(check.passed ? "✓" : "✗") \(check.name.rawValue): \(check.vietnamese) / \(check.english)")
        }
        if let signer = verdict.signer { say("   signer: \(signer)") }
        await service.stop(deadline: .seconds(2))
        return (path, verdict)
    }
}

/// Discards access-log lines (the demo prints its own story).
struct DiscardingLogSink: HTTPLogSink {
    func write(_ line: String) {}
}
