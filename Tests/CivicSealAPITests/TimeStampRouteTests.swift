import CivicSealAPI
import CivicSealCasework
import CivicSealCrypto
import CivicSealHTTP
import CivicSealTestSupport
import Foundation
import Testing

/// `POST /pki/tsa` on a live server, driven by `openssl ts` and `curl` as any RFC 3161 client would.
@Suite struct TimeStampRouteTests {
    static let policy = "2.25.213434514593947064134081311862153508573.1"

    /// A root and a TSA certificate (single critical timeStamping EKU) issued by it, and the authority.
    static func authority() throws -> (root: Certificate, tsa: Certificate, authority: TimeStampAuthority) {
        let now = Date()
        let rootKey = try PrivateKey.generate(.ecP256)
        let root = try CertificateBuilder.rootAuthority(
            subject: DistinguishedName(commonName: "Route Test Root", organization: "CivicSeal tests", country: "VN"),
            publicKey: rootKey.publicKey, notBefore: now.addingTimeInterval(-3600),
            notAfter: now.addingTimeInterval(86400 * 30)
        ).selfSigned(with: rootKey)
        let key = try PrivateKey.generate(.ecP256)
        var builder = CertificateBuilder.documentSigner(
            subject: DistinguishedName(commonName: "CivicSeal TSA", organization: "CivicSeal tests", country: "VN"),
            publicKey: key.publicKey, notBefore: now.addingTimeInterval(-3600),
            notAfter: now.addingTimeInterval(86400 * 30))
        builder.keyUsage = [.digitalSignature]
        builder.extendedKeyUsage = ["critical", "timeStamping"]
        let tsa = try builder.issued(by: root, key: rootKey)
        let authority = try TimeStampAuthority(
            signer: try CMSSigner(key: key, certificate: tsa, chain: [root]), policy: policy,
            serials: RandomTimeStampSerialSource())
        return (root, tsa, authority)
    }

    static func withServer(
        _ handler: TimeStampHandler, _ body: (Int) async throws -> Void
    ) async throws {
        var builder = HTTPRouter.Builder()
        handler.register(&builder)
        let server = HTTPServer(
            configuration: HTTPServerConfiguration(host: "127.0.0.1", port: 0), responder: try builder.build(),
            logSink: DiscardingLogSink())
        try server.start()
        do {
            try await body(server.port)
        } catch {
            await server.shutdown(deadline: .seconds(10))
            throw error
        }
        await server.shutdown(deadline: .seconds(10))
    }

    static func tool(_ name: String, _ arguments: [String], in directory: TemporaryDirectory) async throws
        -> ExternalTool.Output
    {
        try await ExternalTool.runOnOwnThread(name, arguments, directory: directory.path)
    }

    @Test(
        "curl posts an openssl query to /pki/tsa and openssl ts -verify accepts the reply, refusing altered data",
        .enabled(if: ExternalTool.isUsable("openssl", "curl")))
    func liveRouteWithOpenSSLAndCurl() async throws {
        let (root, tsa, authority) = try Self.authority()
        let directory = TemporaryDirectory("tsa-route")
        try directory.write("data.txt", text: "Giấy khai sinh — Lê Thị Hoa")
        try directory.write("altered.txt", text: "Giấy khai sinh — Lê Thị Hòa")
        try directory.write("root.pem", text: root.pem)
        try directory.write("tsa.pem", text: tsa.pem)
        try await Self.withServer(TimeStampHandler(authority: authority)) { port in
            let query = try await Self.tool(
                "openssl", ["ts", "-query", "-data", "data.txt", "-sha256", "-cert", "-out", "q.tsq"], in: directory)
            #expect(query.status == 0, "\(query.errorText)")
            let url = "http://127.0.0.1:\(port)/pki/tsa"
            let posted = try await Self.tool(
                "curl",
                [
                    "-sS", "--max-time", "60", "-o", "r.tsr", "-w", "%{http_code} %{content_type}", "--data-binary",
                    "@q.tsq", "-H", "Content-Type: application/timestamp-query", url,
                ], in: directory)
            #expect(posted.text == "200 application/timestamp-reply", "\(posted.text) \(posted.errorText)")
            let verify = try await Self.tool(
                "openssl",
                ["ts", "-verify", "-data", "data.txt", "-in", "r.tsr", "-CAfile", "root.pem", "-untrusted", "tsa.pem"],
                in: directory)
            #expect(verify.text.contains("Verification: OK"), "\(verify.text) \(verify.errorText)")
            let altered = try await Self.tool(
                "openssl",
                [
                    "ts", "-verify", "-data", "altered.txt", "-in", "r.tsr", "-CAfile", "root.pem", "-untrusted",
                    "tsa.pem",
                ], in: directory)
            #expect(altered.status != 0)
            #expect(!altered.text.contains("Verification: OK"))

            // HTTP-level refusals: another media type, a body over 4 KiB.
            let wrongType = try await Self.tool(
                "curl",
                [
                    "-s", "--max-time", "60", "-o", "/dev/null", "-w", "%{http_code}", "--data-binary", "@q.tsq", "-H",
                    "Content-Type: application/octet-stream", url,
                ], in: directory)
            #expect(wrongType.text == "415")
            try directory.write("big.bin", [UInt8](repeating: 0x30, count: 5000))
            let tooLarge = try await Self.tool(
                "curl",
                [
                    "-s", "--max-time", "60", "-o", "/dev/null", "-w", "%{http_code}", "--data-binary", "@big.bin",
                    "-H", "Content-Type: application/timestamp-query", url,
                ], in: directory)
            #expect(tooLarge.text == "413")
            // Garbage in the right media type is an RFC 3161 rejection, not an HTTP error.
            try directory.write("garbage.tsq", Array("not DER".utf8))
            let garbage = try await Self.tool(
                "curl",
                [
                    "-s", "--max-time", "60", "-o", "g.tsr", "-w", "%{http_code}", "--data-binary", "@garbage.tsq",
                    "-H", "Content-Type: application/timestamp-query", url,
                ], in: directory)
            #expect(garbage.text == "200")
            let status = try TimeStampResponseStatus(response: Array(try directory.read("g.tsr")))
            #expect(status.status == 2 && status.failureBits == [5])
        }
    }

    @Test("A client over its rate gets 429 with Retry-After; no authority is 503")
    func rateLimitAndUnavailable() async throws {
        let (_, _, authority) = try Self.authority()
        let handler = TimeStampHandler(authority: authority, limiter: RateLimiter(limit: 2, window: 3600))
        var builder = HTTPRouter.Builder()
        handler.register(&builder)
        let router = try builder.build()
        let query = TimeStampRequest(hashing: [1, 2, 3]).der
        func post(_ router: HTTPRouter) async -> HTTPResponse {
            let request = HTTPRequest(
                method: .post, target: "/pki/tsa", headers: ["Content-Type": "application/timestamp-query"],
                body: query)
            return await router.respond(
                to: request, context: RequestContext(startTime: MonotonicInstant(nanoseconds: 0)))
        }
        #expect(await post(router).status == .ok)
        #expect(await post(router).status == .ok)
        let limited = await post(router)
        #expect(limited.status == .tooManyRequests)
        #expect(limited.headers.values(for: "Retry-After").first != nil)

        var empty = HTTPRouter.Builder()
        TimeStampHandler(authority: nil).register(&empty)
        #expect(await post(try empty.build()).status == .serviceUnavailable)
    }
}
