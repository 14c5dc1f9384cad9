import CivicSealApp
import CivicSealCasework
import CivicSealCrypto
import CivicSealDocuments
import CivicSealRecords
import CivicSealWorkflow
import Foundation
import Synchronization

/// `civicseal-bench issue`: end-to-end issuances per second — read the approved request, build the record, render
/// (form 1 with a visible signature placeholder), seal (PAdES B-B, ECDSA P-256 development seal), and register
/// (document row + `approved` → `issued` + history + audit, one SQLite transaction) — on one thread and on every
/// core (registrations serialise on the single writer). In the same run, pyHanko (from PyPI) seals the same
/// unsigned document with the same key and certificate in a Python loop over its API; the ratio is reported.
enum IssueBenchmark {
    static let floor = 1_000.0
    static let ratioFloor = 20.0

    static func run(seconds: Double) throws {
        let folder = NSTemporaryDirectory() + "civicseal-bench-issue-" + SecureRandom.identifier(byteCount: 6)
        defer { try? FileManager.default.removeItem(atPath: folder) }
        _ = try DevelopmentPKI.initialize(directory: folder + "/keys")
        let keyring = try Keyring(directory: folder + "/keys")
        let store = try RequestStore.open(path: folder + "/civicseal.sqlite")
        defer { try? store.close() }
        let renderer = try DocumentRenderer(templateDirectory: DocumentRenderer.repositoryTemplateDirectory())
        let issuance = IssuanceService(store: store, keyring: keyring, renderer: renderer)
        let officer = Participant.officer("bench-officer", department: "justice-hanoi")
        let cores = ProcessInfo.processInfo.activeProcessorCount
        let perSecondGuess = 1_500.0 * Double(cores)
        let total = Int(perSecondGuess * seconds * 2) + 200

        // Approved requests to issue (setup, not measured): distinct synthetic people, submitted in batches.
        let today = CalendarDate(Date())
        let submission = SyntheticRequests.criminalRecord()
        var ids: [String] = []
        var person = 0
        while ids.count < total {
            let batch = (0..<min(2000, total - ids.count)).map { offset in
                SyntheticRequests.validated(submission, person: person + offset, today: today)
            }
            person += batch.count
            for summary in try store.submitBatch(batch, now: Date()) {
                _ = try store.claim(summary.id, by: officer, now: Date())
                _ = try store.approve(
                    summary.id, findingsJSON: #"{"bans":[],"convictions":[]}"#, by: officer,
                    officerName: "Lê Văn Hưởng", now: Date())
                ids.append(summary.id)
            }
        }
        print(
            "# civicseal-bench issue — \(Report.format(seconds)) s per figure, \(cores) cores; \(ids.count) approved "
                + "requests prepared"
        )
        let sample = try requireIssued(issuance.issueNow(ids.removeLast()))
        Report.figure("issue_sealed_pdf_bytes", Double(sample.pdf.count), "bytes")

        // One thread.
        var cursor = ids.makeIterator()
        let single = try Measure.rate(seconds: seconds) {
            guard let id = cursor.next() else { throw BenchError.exhausted }
            _ = try issuance.issueNow(id)
        }
        Report.figure("issue_end_to_end_one_thread", single, "docs/s")

        // Every core.
        let remaining = Mutex<[String]>(Array(cursor))
        let issued = Atomic<Int>(0)
        let deadline = Date().addingTimeInterval(seconds)
        let start = Date()
        DispatchQueue.concurrentPerform(iterations: cores) { _ in
            while Date() < deadline {
                guard let id = remaining.withLock({ $0.popLast() }) else { return }
                if (try? issuance.issueNow(id)) != nil { issued.add(1, ordering: .relaxed) }
            }
        }
        let parallel = Double(issued.load(ordering: .relaxed)) / Date().timeIntervalSince(start)
        Report.figure("issue_end_to_end_all_cores", parallel, "docs/s")
        print("issue_floor: \(Report.format(floor)) docs/s (\(max(single, parallel) >= floor ? "met" : "NOT MET"))")
        guard try store.verifyAudit().isIntact else { throw BenchError.auditDamaged }

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
            Report.figure("pyhanko_seal_same_document", pyHanko, "docs/s")
            Report.figure("issue_one_thread_vs_pyhanko", single / pyHanko, "x")
            Report.figure("issue_all_cores_vs_pyhanko", parallel / pyHanko, "x")
            print(
                "issue_vs_pyhanko_floor: \(Report.format(ratioFloor)) x "
                    + "(\(max(single, parallel) / pyHanko >= ratioFloor ? "met" : "NOT MET"))"
            )
        } else {
            print("# pyhanko not available (pip install pyHanko): no reference figure")
        }
    }

    enum BenchError: Error { case exhausted, notIssued, auditDamaged }

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
