import CivicSealApp
import CivicSealCasework
import CivicSealCrypto
import CivicSealHTTP
import CivicSealRecords
import CivicSealVerification
import CivicSealWorkflow
import Foundation
import Synchronization

/// `civicseal-bench verify`: verifications of a sealed form-1 certificate per second — the library in-process
/// (one thread, every core) and `POST /v1/verify` over HTTP under wrk — beside pyHanko validating the same
/// document with the same trust anchor, measured in the same run.
enum VerifyBenchmark {
    static let floor = 1_000.0
    static let ratioFloor = 20.0

    static func run(seconds: Double) throws {
        let folder = NSTemporaryDirectory() + "civicseal-bench-verify-" + SecureRandom.identifier(byteCount: 6)
        defer { try? FileManager.default.removeItem(atPath: folder) }
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        let service = try startBenchService(in: folder)

        // One issued document (setup, not measured).
        let officer = Participant.officer("bench-officer", department: "justice-hanoi")
        let validated = SyntheticRequests.validated(
            SyntheticRequests.criminalRecord(), person: 7, today: CalendarDate(Date()))
        let summary = try service.store.submit(validated, now: Date())
        _ = try service.store.claim(summary.id, by: officer, now: Date())
        _ = try service.store.approve(
            summary.id, findingsJSON: #"{"bans":[],"convictions":[]}"#, by: officer, officerName: "Lê Văn Hưởng",
            now: Date())
        guard let issued = try service.issuance.issueNow(summary.id) else {
            throw LoadGenerator.Failure(description: "issuance failed")
        }
        let pdf = issued.pdf
        let verifier = try DocumentVerifier(trustAnchors: service.keyring.trustAnchors)
        guard verifier.verify(pdf, registry: service.store).isValid else {
            throw LoadGenerator.Failure(description: "sample does not verify")
        }
        print(
            "# civicseal-bench verify — sealed form-1 of \(pdf.count) bytes, ECDSA P-256, online checks against the "
                + "registry"
        )

        let single = Measure.rate(seconds: seconds) {
            precondition(verifier.verify(pdf, registry: service.store).isValid)
        }
        Report.figure("verify_library_one_thread", single, "verifications/s")
        let cores = ProcessInfo.processInfo.activeProcessorCount
        let done = Atomic<Int>(0)
        let start = Date()
        let deadline = start.addingTimeInterval(seconds)
        DispatchQueue.concurrentPerform(iterations: cores) { _ in
            while Date() < deadline {
                if verifier.verify(pdf, registry: service.store).isValid { done.add(1, ordering: .relaxed) }
            }
        }
        let parallel = Double(done.load(ordering: .relaxed)) / Date().timeIntervalSince(start)
        Report.figure("verify_library_all_cores", parallel, "verifications/s")

        // Over HTTP: POST /v1/verify with the PDF as body.
        let pdfPath = folder + "/sealed.pdf"
        _ = FileManager.default.createFile(atPath: pdfPath, contents: Data(pdf))
        let script = folder + "/post.lua"
        try """
        local f = io.open("\(pdfPath)", "rb")
        wrk.method = "POST"
        wrk.body = f:read("*all")
        f:close()
        wrk.headers["Content-Type"] = "application/pdf"
        """.write(toFile: script, atomically: true, encoding: .utf8)
        let http = try LoadGenerator.wrk(
            url: "http://127.0.0.1:\(service.port)/v1/verify", connections: 16, seconds: max(3, Int(seconds.rounded())),
            script: script)
        // Only 2xx answers are verifications: a 503 from the full verification queue or a 429 is counted apart.
        let verified = http.successfulPerSecond
        Report.figure(
            "verify_http_post", verified,
            "verifications/s, 2xx only (floor \(Report.format(floor)): \(verified >= floor ? "met" : "NOT MET"))")
        Report.figure("verify_http_post_all_answers", http.requestsPerSecond, "responses/s, any status")
        Report.figure("verify_http_post_p99", http.p99Milliseconds, "ms")
        Report.figure("verify_http_errors", Double(http.non2xx + http.socketErrors), "non-2xx or socket errors")

        let rootPath = folder + "/root.pem"
        _ = FileManager.default.createFile(
            atPath: rootPath, contents: Data(service.keyring.trustAnchors.map(\.pem).joined().utf8))
        if let pyHanko = try PyHankoValidation.rate(pdf: pdfPath, root: rootPath, seconds: seconds) {
            Report.figure("pyhanko_validate_same_document", pyHanko, "verifications/s")
            Report.figure("verify_http_vs_pyhanko", verified / pyHanko, "x")
            Report.figure("verify_library_vs_pyhanko", max(single, parallel) / pyHanko, "x")
            print(
                "verify_vs_pyhanko_floor: \(Report.format(ratioFloor)) x "
                    + "(\(verified / pyHanko >= ratioFloor ? "met" : "NOT MET") over HTTP)"
            )
        } else {
            print("# pyhanko not available (pip install pyHanko): no reference figure")
        }
        let semaphore = DispatchSemaphore(value: 0)
        Task {
            await service.stop(deadline: .seconds(2))
            semaphore.signal()
        }
        semaphore.wait()
    }
}

/// Times pyHanko's `validate_pdf_signature` in a Python loop (no interpreter start-up per document).
enum PyHankoValidation {
    static let script = """
        import sys, time
        from pyhanko.pdf_utils.reader import PdfFileReader
        from pyhanko.sign.validation import validate_pdf_signature
        from pyhanko_certvalidator import ValidationContext
        from asn1crypto import pem, x509
        pdf, root, seconds = sys.argv[1], sys.argv[2], float(sys.argv[3])
        with open(root, 'rb') as f:
            _, _, der = pem.unarmor(f.read())
        vc = ValidationContext(trust_roots=[x509.Certificate.load(der)], allow_fetching=False)
        def once():
            with open(pdf, 'rb') as f:
                reader = PdfFileReader(f)
                status = validate_pdf_signature(reader.embedded_signatures[0], vc)
                assert status.bottom_line, status
        for _ in range(3): once()
        n, start = 0, time.perf_counter()
        while time.perf_counter() - start < seconds:
            once(); n += 1
        print(n / (time.perf_counter() - start))
        """

    static func rate(pdf: String, root: String, seconds: Double) throws -> Double? {
        try pythonRate(script, [pdf, root, String(seconds)])
    }
}
