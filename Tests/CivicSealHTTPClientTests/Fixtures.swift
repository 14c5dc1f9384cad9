import CivicSealProcess
import CivicSealTestSupport
import Foundation

/// A test PKI made with the openssl CLI in a temporary directory: a CA, a server certificate for 127.0.0.1, ::1
/// and localhost, one for another host, an expired one (both under the same CA), and a second, untrusted CA.
final class TestPKI: Sendable {
    /// One set for the whole test process, made once: each suite instance (one per test) reads it, so the `openssl`
    /// runs that make it do not hold the cooperative pool again for every test. Its files are only read.
    static let shared = Result { try TestPKI() }

    let directory = TemporaryDirectory("civicseal-client-pki")
    var caBundle: String { "\(directory.path)/ca.pem" }
    var otherCABundle: String { "\(directory.path)/other-ca.pem" }

    /// Certificate and key paths of one server identity.
    struct Identity {
        let certificate: String
        let key: String
    }

    var server: Identity { identity("server") }
    var otherHost: Identity { identity("other-host") }
    var expired: Identity { identity("expired") }

    init() throws {
        try makeCA("ca", name: "CivicSeal Client Test CA")
        try makeCA("other-ca", name: "Somebody Else's CA")
        try issue("server", names: "IP:127.0.0.1,IP:::1,DNS:localhost")
        try issue("other-host", names: "DNS:other.example")
        try issueExpired("expired", names: "IP:127.0.0.1,DNS:localhost")
    }

    private func identity(_ name: String) -> Identity {
        Identity(certificate: "\(directory.path)/\(name).pem", key: "\(directory.path)/\(name).key")
    }

    private func openssl(_ arguments: [String]) throws {
        let output = try ExternalTool.run("openssl", arguments, directory: directory.path)
        guard output.status == 0 else { throw FixtureFailure("openssl \(arguments[0]): \(output.errorText)") }
    }

    private func makeCA(_ name: String, name subject: String) throws {
        try openssl([
            "req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256", "-nodes", "-keyout", "\(name).key",
            "-out", "\(name).pem", "-days", "2", "-subj", "/CN=\(subject)", "-addext",
            "basicConstraints=critical,CA:TRUE", "-addext", "keyUsage=critical,keyCertSign,cRLSign",
        ])
    }

    private func request(_ name: String, names: String) throws {
        try directory.write(
            "\(name).ext",
            text: "basicConstraints=CA:FALSE\nkeyUsage=digitalSignature\nextendedKeyUsage=serverAuth\n"
                + "subjectAltName=\(names)\n")
        try openssl([
            "req", "-new", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256", "-nodes", "-keyout", "\(name).key",
            "-out", "\(name).csr", "-subj", "/CN=\(name)",
        ])
    }

    private func issue(_ name: String, names: String) throws {
        try request(name, names: names)
        try openssl([
            "x509", "-req", "-in", "\(name).csr", "-CA", "ca.pem", "-CAkey", "ca.key", "-CAcreateserial", "-days", "2",
            "-extfile", "\(name).ext", "-out", "\(name).pem",
        ])
    }

    /// OpenSSL 3.0's `x509` has no `-not_after`; `openssl ca` sets both dates.
    private func issueExpired(_ name: String, names: String) throws {
        try request(name, names: names)
        try directory.write("index.txt", text: "")
        try directory.write("serial", text: "1000\n")
        try FileManager.default.createDirectory(atPath: "\(directory.path)/issued", withIntermediateDirectories: true)
        try directory.write(
            "ca.cnf",
            text: """
                [ ca ]
                default_ca = test
                [ test ]
                database = \(directory.path)/index.txt
                new_certs_dir = \(directory.path)/issued
                serial = \(directory.path)/serial
                default_md = sha256
                policy = anything
                unique_subject = no
                [ anything ]
                commonName = supplied

                """)
        try openssl([
            "ca", "-batch", "-config", "ca.cnf", "-cert", "ca.pem", "-keyfile", "ca.key", "-in", "\(name).csr",
            "-out", "\(name).pem", "-startdate", "200101000000Z", "-enddate", "200102000000Z", "-extfile",
            "\(name).ext", "-notext",
        ])
    }
}

/// A server nobody here wrote, on 127.0.0.1 at a port the OS picked: the Python fixture server, or `openssl
/// s_server`. Killed by ``stop()``.
final class FixtureServer: Sendable {
    let port: Int
    private let process: ChildProcess

    /// `fixture_server.py` over TLS with `identity` (or plain HTTP when nil), started on a thread of its own: waiting
    /// for the server's port line must not hold a thread of the cooperative pool that every other suite shares.
    static func python(_ identity: TestPKI.Identity?) async throws -> FixtureServer {
        try await offPool { try pythonBlocking(identity) }
    }

    /// `openssl s_server -www` speaking only `version`, started on a thread of its own.
    static func openSSL(_ identity: TestPKI.Identity, version: String) async throws -> FixtureServer {
        try await offPool { try openSSLBlocking(identity, version: version) }
    }

    private static func offPool(_ start: @escaping @Sendable () throws -> FixtureServer) async throws -> FixtureServer {
        try await withCheckedThrowingContinuation { continuation in
            Thread.detachNewThread { continuation.resume(with: Result { try start() }) }
        }
    }

    private static func pythonBlocking(_ identity: TestPKI.Identity?) throws -> FixtureServer {
        guard let python = ExternalTool.path("python3") else {
            throw FixtureFailure("required tool python3 is not installed")
        }
        let script = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent(
            "fixture_server.py"
        ).path
        var arguments = [script]
        if let identity { arguments += ["--cert", identity.certificate, "--key", identity.key] }
        return try FixtureServer(python, arguments, portLine: "PORT ")
    }

    /// `openssl s_server -www` speaking only `version` (`-tls1_2`, `-tls1_3`, `-tls1_1`).
    private static func openSSLBlocking(_ identity: TestPKI.Identity, version: String) throws -> FixtureServer {
        guard let openssl = ExternalTool.path("openssl") else {
            throw FixtureFailure("required tool openssl is not installed")
        }
        var arguments = [
            "s_server", "-accept", "127.0.0.1:0", "-cert", identity.certificate, "-key", identity.key, "-www",
            version,
        ]
        if version == "-tls1_1" { arguments += ["-cipher", "DEFAULT@SECLEVEL=0"] }
        return try FixtureServer(openssl, arguments, portLine: "ACCEPT 127.0.0.1:")
    }

    private init(_ executable: String, _ arguments: [String], portLine: String) throws {
        process = try ChildProcess(executable, arguments, error: .discard)
        var printed: [UInt8] = []
        while true {
            let chunk = try process.readOutput()
            if chunk.isEmpty { throw FixtureFailure("\(executable) ended before listening") }
            printed += chunk
            let text = String(decoding: printed, as: UTF8.self)
            if let line = text.split(separator: "\n").first(where: { $0.hasPrefix(portLine) }),
                let port = Int(line.dropFirst(portLine.count).trimmingCharacters(in: .whitespaces))
            {
                self.port = port
                return
            }
        }
    }

    func url(_ path: String, host: String = "127.0.0.1", scheme: String = "https") -> URL {
        URL(string: "\(scheme)://\(host):\(port)\(path)")!
    }

    func stop() {
        process.signal(SIGKILL)
        process.wait()
    }
}

struct FixtureFailure: Error, CustomStringConvertible {
    let description: String
    init(_ description: String) { self.description = description }
}

/// Descriptors of this process that are TCP sockets to 127.0.0.1:`port` (other suites of the test process open and
/// close descriptors of their own meanwhile, so only these are counted): the socket inodes /proc/net/tcp lists with
/// that remote port, matched against the links in /proc/self/fd.
func openSockets(toPort port: Int) -> Int {
    var inodes: Set<String> = []
    for table in ["/proc/net/tcp", "/proc/net/tcp6"] {
        let text = readWhole(table)
        for line in text.split(separator: "\n").dropFirst() {
            let columns = line.split(separator: " ")
            guard columns.count > 9, let remotePort = columns[2].split(separator: ":").last,
                Int(remotePort, radix: 16) == port
            else { continue }
            inodes.insert(String(columns[9]))
        }
    }
    let descriptors = (try? FileManager.default.contentsOfDirectory(atPath: "/proc/self/fd")) ?? []
    return descriptors.count { descriptor in
        guard let target = try? FileManager.default.destinationOfSymbolicLink(atPath: "/proc/self/fd/\(descriptor)")
        else { return false }
        return target.hasPrefix("socket:[") && inodes.contains(String(target.dropFirst(8).dropLast()))
    }
}

/// A /proc file read to its end with read(2) (these report a size of 0, and tables can be long).
private func readWhole(_ path: String) -> String {
    let descriptor = open(path, O_RDONLY | O_CLOEXEC)
    guard descriptor >= 0 else { return "" }
    defer { close(descriptor) }
    var bytes: [UInt8] = []
    var chunk = [UInt8](repeating: 0, count: 65_536)
    while true {
        let count = chunk.withUnsafeMutableBytes { read(descriptor, $0.baseAddress, $0.count) }
        if count <= 0 { break }
        bytes += chunk[0..<count]
    }
    return String(decoding: bytes, as: UTF8.self)
}
