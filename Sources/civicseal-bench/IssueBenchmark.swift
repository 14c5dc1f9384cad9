import CivicSealApp
import CivicSealCasework
import CivicSealCrypto
import CivicSealDocuments
import CivicSealRecords
import CivicSealWorkflow
import Foundation
import Synchronization

/// `civicseal-bench issue`: end-to-end issuances per second for each PAdES level, side by side in one run — read
/// the approved request, build the record, render (form 1 with the officer's visible signature placeholder), sign
/// (officer then seal with its lock; B-T adds a signature-time-stamp to each; B-LTA adds the DSS with OCSP and CRL
/// and a document timestamp; in-process TSA and OCSP responder, ECDSA P-256), and register (document row + first
/// version + `approved` → `issued` + history + audit, one SQLite transaction) — on every core (registrations
/// serialise on the single writer). Floor: B-LTA at least 40 % of B-B. Then the TSA's tokens per second (T's
/// ``TimeStampBenchmark``), and pyHanko sealing the same unsigned document once, for reference.
enum IssueBenchmark {
    static let ratioFloorPercent = 40.0

    static func run(seconds: Double) throws {
        let folder = NSTemporaryDirectory() + "civicseal-bench-issue-" + SecureRandom.identifier(byteCount: 6)
        defer { try? FileManager.default.removeItem(atPath: folder) }
        _ = try DevelopmentPKI.initialize(directory: folder + "/keys")
        let keyring = try Keyring(directory: folder + "/keys")
        let store = try RequestStore.open(path: folder + "/civicseal.sqlite")
        defer { try? store.close() }
        let renderer = try DocumentRenderer(templateDirectory: DocumentRenderer.repositoryTemplateDirectory())
        let wiring = try IssuanceWiring(keyring: keyring, store: store)
        let cores = ProcessInfo.processInfo.activeProcessorCount
        let perSecondGuess = 600.0 * Double(cores)
        let perProfile = Int(perSecondGuess * seconds * 1.5) + 100

        var ids = try approvedRequests(in: store, count: perProfile * IssuanceProfile.allCases.count)
        print(
            "# civicseal-bench issue — \(Report.format(seconds)) s per figure, \(cores) cores; \(ids.count) approved "
                + "requests prepared"
        )
        // Side by side: the three profiles take turns in short slices (B-B, B-T, B-LTA, B-B, …), so the database
        // growing and the machine's load drifting weigh on each alike; a profile's rate is its documents over its
        // own slices' time.
        let services = IssuanceProfile.allCases.map {
            ($0, wiring.service(store: store, keyring: keyring, renderer: renderer, profile: $0))
        }
        for (profile, issuance) in services {
            let name = profile.rawValue.replacingOccurrences(of: "-", with: "").lowercased()
            let sample = try requireIssued(issuance.issueNow(ids.removeLast()))
            Report.figure("issue_\(name)_pdf_bytes", Double(sample.pdf.count), "bytes")
        }
        let remaining = Mutex<[String]>(ids)
        var counts: [IssuanceProfile: Int] = [:]
        var elapsed: [IssuanceProfile: Double] = [:]
        let rounds = 6
        for _ in 0..<rounds {
            for (profile, issuance) in services {
                let issued = Atomic<Int>(0)
                let deadline = Date().addingTimeInterval(seconds / Double(rounds))
                let start = Date()
                DispatchQueue.concurrentPerform(iterations: cores) { _ in
                    while Date() < deadline {
                        guard let id = remaining.withLock({ $0.popLast() }) else { return }
                        if (try? issuance.issueNow(id)) != nil { issued.add(1, ordering: .relaxed) }
                    }
                }
                counts[profile, default: 0] += issued.load(ordering: .relaxed)
                elapsed[profile, default: 0] += Date().timeIntervalSince(start)
            }
        }
        var rates: [IssuanceProfile: Double] = [:]
        for (profile, _) in services {
            let name = profile.rawValue.replacingOccurrences(of: "-", with: "").lowercased()
            let rate = Double(counts[profile] ?? 0) / max(elapsed[profile] ?? 0, 1e-9)
            rates[profile] = rate
            Report.figure("issue_\(name)_all_cores", rate, "docs/s")
        }
        let bb = rates[.bb] ?? 0
        let blta = rates[.blta] ?? 0
        Report.figure("issue_bt_vs_bb", 100 * (rates[.bt] ?? 0) / max(bb, 1e-9), "%")
        Report.figure("issue_blta_vs_bb", 100 * blta / max(bb, 1e-9), "%")
        print(
            "issue_blta_vs_bb_floor: \(Report.format(ratioFloorPercent)) % "
                + "(\(100 * blta / max(bb, 1e-9) >= ratioFloorPercent ? "met" : "NOT MET"))")
        guard try store.verifyAudit().isIntact else { throw BenchError.auditDamaged }

        // The timestamp authority alone.
        try TimeStampBenchmark.run(seconds: seconds)

        // pyHanko on the same document (unsigned render of the sample's record), same key and certificate.
        guard let department = keyring.department("justice-hanoi"),
            let keyPath = keyring.manifest.departments.first(where: { $0.id == "justice-hanoi" })?.seals.first?.key
        else { throw BenchError.exhausted }
        let unsigned = try renderer.render(SampleRecord.formOne(), signature: nil).bytes
        let pdfPath = folder + "/unsigned.pdf"
        _ = FileManager.default.createFile(atPath: pdfPath, contents: Data(unsigned))
        let certPath = folder + "/seal.cert.pem"
        _ = FileManager.default.createFile(atPath: certPath, contents: Data(department.active.certificate.pem.utf8))
        let rootPath = folder + "/root.pem"
        _ = FileManager.default.createFile(
            atPath: rootPath, contents: Data(keyring.trustAnchors.map(\.pem).joined().utf8))
        if let pyHanko = try PyHankoSealing.rate(
            pdf: pdfPath, key: folder + "/keys/" + keyPath, certificate: certPath, chain: rootPath, seconds: seconds)
        {
            Report.figure("pyhanko_seal_same_document_one_signature", pyHanko, "docs/s")
            Report.figure("issue_bb_all_cores_vs_pyhanko", bb / pyHanko, "x")
        } else {
            print("# pyhanko not available (pip install pyHanko): no reference figure")
        }
    }

    /// `count` approved requests to issue (setup, not measured): distinct synthetic people, submitted in batches.
    static func approvedRequests(in store: RequestStore, count: Int) throws -> [String] {
        let officer = Participant.officer("bench-officer", department: "justice-hanoi")
        let today = CalendarDate(Date())
        let submission = SyntheticRequests.criminalRecord()
        var ids: [String] = []
        var person = 0
        while ids.count < count {
            let batch = (0..<min(2000, count - ids.count)).map { offset in
                SyntheticRequests.validated(submission, person: person + offset, today: today)
            }
            person += batch.count
            for summary in try store.submitBatch(batch, now: Date()) {
                _ = try store.claim(summary.id, by: officer, now: Date())
                _ = try store.approve(
                    summary.id, findingsJSON: #"{"bans":[],"convictions":[]}"#, by: officer,
                    officerName: "Lê Văn Hưởng", officerTitle: "TL. GIÁM ĐỐC", now: Date())
                ids.append(summary.id)
            }
        }
        return ids
    }

    enum BenchError: Error {
        case exhausted, notIssued, auditDamaged
        case tokenSetup(String)
    }

    // Small helpers in place of test macros.
    static func requireIssued(_ issued: IssuanceService.Issued?) throws -> IssuanceService.Issued {
        guard let issued else { throw BenchError.notIssued }
        return issued
    }
}

/// The document pyHanko seals: the benchmark's form-1 certificate, rendered without a placeholder.
enum SampleRecord {
    static func formOne() -> DocumentRecord {
        DocumentRecord(
            documentID: "7QH2KX9V4M3TBCJ5RW8ZNPYD6A", number: "7QH2KX9V4M/2026/LLTP", issuedAt: Date(), place: "Hà Nội",
            department: .justiceHanoi,
            officer: DocumentOfficer(
                fullName: "Lê Văn Hưởng", titleVietnamese: "TL. GIÁM ĐỐC", titleEnglish: "For the Director"),
            holder: DocumentHolder(
                fullName: "Nguyễn Thị Thử Nghiệm", sex: .female, birthDate: CalendarDate("1990-05-14")!,
                birthPlace: "Hà Nội", ethnicity: "Kinh",
                residence: "12 Phố Huế, phường Hai Bà Trưng", personalID: "001190000001"),
            findings: .criminalRecord(CriminalRecordFindings(form: .form1)))
    }
}

/// Times pyHanko's `signers.sign_pdf` in a Python loop (no interpreter start-up per document).
enum PyHankoSealing {
    static let script = """
        import io, sys, time
        from pyhanko.sign import signers
        from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter
        pdf, key, cert, chain, seconds = sys.argv[1], sys.argv[2], sys.argv[3], sys.argv[4], float(sys.argv[5])
        data = open(pdf, 'rb').read()
        signer = signers.SimpleSigner.load(key, cert, ca_chain_files=(chain,), key_passphrase=None)
        meta = signers.PdfSignatureMetadata(field_name='Signature1')
        def once():
            out = signers.sign_pdf(IncrementalPdfFileWriter(io.BytesIO(data)), meta, signer=signer)
            return out.getvalue()
        for _ in range(5): once()
        n, start = 0, time.perf_counter()
        while time.perf_counter() - start < seconds:
            once(); n += 1
        print(n / (time.perf_counter() - start))
        """

    static func rate(pdf: String, key: String, certificate: String, chain: String, seconds: Double) throws -> Double? {
        try pythonRate(script, [pdf, key, certificate, chain, String(seconds)])
    }
}
