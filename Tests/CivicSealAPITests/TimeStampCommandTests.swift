import CivicSealCrypto
import CivicSealProcess
import CivicSealTestSupport
import Foundation
import Testing

/// `civicseal tsa`: the keyring's authority alone, as an operator runs it, two processes on one serial file.
@Suite struct TimeStampCommandTests {
    /// Starts `civicseal tsa --port 0` and returns the process and its URL (from its one stdout line).
    static func start(keys: String, data: String) throws -> (ChildProcess, String) {
        let executable = try #require(BuiltProduct.path("civicseal"), "build the civicseal product first")
        let child = try ChildProcess(
            executable, ["tsa", "--port", "0", "--keys", keys, "--data", data], error: .discard)
        var printed: [UInt8] = []
        while !printed.contains(UInt8(ascii: "\n")) {
            let chunk = try child.readOutput()
            if chunk.isEmpty { break }
            printed += chunk
        }
        let line = String(decoding: printed, as: UTF8.self)
        let url = try #require(line.split(separator: " ").last.map { $0.trimmingCharacters(in: .newlines) })
        #expect(line.hasPrefix("CivicSeal time-stamp authority at http://127.0.0.1:"), "\(line)")
        return (child, url)
    }

    @Test(
        "two civicseal tsa processes on one data directory never repeat a serial; openssl verifies their tokens",
        .enabled(if: ExternalTool.isUsable("openssl", "curl")))
    func twoProcessesShareTheSerialFile() async throws {
        let folder = TemporaryDirectory("tsa-command")
        let keys = folder.path + "/keys"
        let data = folder.path + "/data"
        let initialised = try await Task.detached {
            try BuiltProduct.run("civicseal", ["keys", "init", "--dir", keys])
        }
        .value
        #expect(initialised.status == 0, "\(initialised.errorText)")
        try folder.write("document.txt", text: "Giấy chứng nhận — Phạm Minh Châu")
        _ = try ExternalTool.run(
            "openssl", ["ts", "-query", "-data", "document.txt", "-sha256", "-cert", "-out", "q.tsq"],
            directory: folder.path)
        let (first, firstURL) = try Self.start(keys: keys, data: data)
        let (second, secondURL) = try Self.start(keys: keys, data: data)
        defer {
            for child in [first, second] {
                child.signal(SIGTERM)
                _ = child.wait()
            }
        }
        var arguments = ["-s", "--max-time", "120", "-H", "Content-Type: application/timestamp-query"]
        arguments += ["--data-binary", "@q.tsq"]
        for index in 0..<12 {
            arguments += [index % 2 == 0 ? firstURL : secondURL, "-o", "r\(index).tsr"]
        }
        let posted = try await ExternalTool.runOnOwnThread("curl", arguments, directory: folder.path)
        #expect(posted.status == 0, "\(posted.errorText)")
        var serials: [[UInt8]] = []
        for index in 0..<12 {
            let token = try TimeStampToken(response: Array(try folder.read("r\(index).tsr")))
            serials.append(token.serialNumber)
        }
        #expect(Set(serials).count == serials.count, "\(serials)")
        let verify = try await ExternalTool.runOnOwnThread(
            "openssl",
            ["ts", "-verify", "-data", "document.txt", "-in", "r1.tsr", "-CAfile", keys + "/trust/root-ca.cert.pem"],
            directory: folder.path)
        #expect(verify.text.contains("Verification: OK"), "\(verify.text) \(verify.errorText)")
        let attributes = try FileManager.default.attributesOfItem(atPath: data + "/tsa-serials")
        #expect((attributes[.posixPermissions] as? Int) == 0o600)
    }
}
