import CivicSealCrypto
import Foundation
import Synchronization

/// `civicseal-bench tsa`: RFC 3161 tokens per second from the in-process authority (DER request parsed → DER
/// response with the token), with `workers` threads, next to ECDSA P-256 signatures per second with as many
/// threads in the same run: a token costs one signature plus encoding, so the ratio shows the encoding's share.
/// Serials come from a ``FileTimeStampSerialSource`` in a temporary directory, as in `serve`.
enum TimeStampBenchmark {
    struct Result {
        let workers: Int
        let tokensPerSecond: Double
        let signaturesPerSecond: Double
        let tokenBytes: Int
    }

    /// The floor the issue sets for 2 cores.
    static let floor = 5_000.0

    /// Measures both rates for about `seconds` each. `civicseal-bench issue` calls this too.
    static func measure(seconds: Double, workers: Int = 2) throws -> Result {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent(
            "civicseal-bench-tsa-\(UUID().uuidString.prefix(8))")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        let now = Date()
        let rootKey = try PrivateKey.generate(.ecP256)
        let root = try CertificateBuilder.rootAuthority(
            subject: DistinguishedName(commonName: "Bench Root CA", organization: "CivicSeal bench", country: "VN"),
            publicKey: rootKey.publicKey, notBefore: now.addingTimeInterval(-60),
            notAfter: now.addingTimeInterval(86400)
        ).selfSigned(with: rootKey)
        let key = try PrivateKey.generate(.ecP256)
        var builder = CertificateBuilder.documentSigner(
            subject: DistinguishedName(commonName: "Bench TSA", organization: "CivicSeal bench", country: "VN"),
            publicKey: key.publicKey, notBefore: now.addingTimeInterval(-60), notAfter: now.addingTimeInterval(86400))
        builder.keyUsage = [.digitalSignature]
        builder.extendedKeyUsage = ["critical", "timeStamping"]
        let certificate = try builder.issued(by: root, key: rootKey)
        let authority = try TimeStampAuthority(
            signer: try CMSSigner(key: key, certificate: certificate, chain: [root]),
            policy: "2.25.213434514593947064134081311862153508573.1",
            serials: try FileTimeStampSerialSource(path: directory.appendingPathComponent("tsa-serials").path))
        let requests = (0..<256).map { index in TimeStampRequest(hashing: Array("document \(index)".utf8)).der }
        let sample = authority.respond(to: requests[0])
        guard (try? TimeStampToken(response: sample)) != nil else {
            throw CryptoError(.timeStampInvalid, "the bench authority's token does not parse")
        }
        let tokens = parallelRate(seconds: seconds, workers: workers) { worker, iteration in
            let response = authority.respond(to: requests[(worker * 131 + iteration) & 255])
            precondition(response.count > 500, "the authority refused a bench request")
        }
        let digest = Digest.sha256(Array("reference".utf8))
        let signatures = parallelRate(seconds: seconds, workers: workers) { _, _ in
            _ = try? key.signature(for: digest, algorithm: .ecdsa(.sha256))
        }
        return Result(
            workers: workers, tokensPerSecond: tokens, signaturesPerSecond: signatures, tokenBytes: sample.count)
    }

    static func run(seconds: Double) throws {
        let result = try measure(seconds: seconds)
        report(result)
        if result.tokensPerSecond < floor {
            print("# below the floor of \(Int(floor)) tokens/s on \(result.workers) workers")
        }
    }

    static func report(_ result: Result) {
        Report.figure("tsa_tokens_per_second_\(result.workers)_workers", result.tokensPerSecond, "tokens/s")
        Report.figure(
            "ecdsa_p256_signatures_per_second_\(result.workers)_workers", result.signaturesPerSecond, "signatures/s")
        Report.figure("tsa_tokens_per_signature", result.tokensPerSecond / result.signaturesPerSecond, "ratio")
        Report.figure("tsa_response_bytes", Double(result.tokenBytes), "bytes")
    }

    /// Operations per second of `body` run by `workers` threads at once for about `seconds`, after a warm-up.
    static func parallelRate(seconds: Double, workers: Int, _ body: @escaping @Sendable (Int, Int) -> Void)
        -> Double
    {
        let total = Atomic<Int>(0)
        let done = DispatchGroup()
        let clock = ContinuousClock()
        let start = clock.now
        let deadline = start + .milliseconds(Int(seconds * 1000))
        for worker in 0..<workers {
            done.enter()
            Thread.detachNewThread {
                for iteration in 0..<20 { body(worker, iteration) }
                var count = 0
                while clock.now < deadline {
                    for iteration in 0..<16 { body(worker, count + iteration) }
                    count += 16
                }
                total.add(count, ordering: .relaxed)
                done.leave()
            }
        }
        done.wait()
        let elapsed = clock.now - start
        let wall = Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) / 1e18
        return Double(total.load(ordering: .relaxed)) / wall
    }
}
