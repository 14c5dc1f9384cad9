import CivicSealProcess
import Foundation

/// Drives HTTP load with `wrk` (a load generator nobody here wrote) on loopback, bounded in time.
enum LoadGenerator {
    struct Result {
        let requestsPerSecond: Double
        let p50Milliseconds: Double
        let p99Milliseconds: Double
        let non2xx: Int
        let socketErrors: Int
        /// Every response wrk read, whatever its status.
        let requests: Int

        /// Responses with a 2xx status per second: what a floor is judged on (a 503 or 429 is not a verification).
        var successfulPerSecond: Double {
            requests > 0 ? requestsPerSecond * Double(max(0, requests - non2xx)) / Double(requests) : 0
        }
    }

    struct Failure: Error, CustomStringConvertible {
        let description: String
    }

    /// Runs `wrk --latency` against `url` with `connections` connections over `threads` threads for `seconds`;
    /// `started` sees the child first (to stop it with the rest of a run that ends early).
    static func wrk(
        url: String, connections: Int, threads: Int = 2, seconds: Int, headers: [String] = [], script: String? = nil,
        started: (ChildProcess) -> Void = { _ in }
    ) throws -> Result {
        var arguments = ["wrk", "--latency", "-t\(threads)", "-c\(connections)", "-d\(seconds)s", "--timeout", "5s"]
        for header in headers { arguments += ["-H", header] }
        if let script { arguments += ["-s", script] }
        let child = try ChildProcess("/usr/bin/env", arguments + [url])
        started(child)
        let collected = try child.collect()
        let output = String(decoding: collected.output + collected.error, as: UTF8.self)
        guard collected.termination == .exited(0), let rate = number(after: "Requests/sec:", in: output) else {
            throw Failure(description: "wrk failed: \(output)")
        }
        return Result(
            requestsPerSecond: rate,
            p50Milliseconds: latency(after: "50%", in: output) ?? 0,
            p99Milliseconds: latency(after: "99%", in: output) ?? 0,
            non2xx: Int(number(after: "Non-2xx or 3xx responses:", in: output) ?? 0),
            socketErrors: socketErrors(in: output), requests: total(in: output) ?? 0)
    }

    /// A wrk script (mode 0600 at `path`) that adds `headers` to every request: a bearer token given this way stays
    /// out of wrk's argv, which every user of the machine can read in `/proc`. Values are limited to the characters
    /// of a token (no quote or backslash to escape in Lua).
    static func headerScript(_ headers: [(name: String, value: String)], path: String) throws -> String {
        let allowed = Set("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-._~+/= ")
        guard headers.allSatisfy({ $0.name.allSatisfy(allowed.contains) && $0.value.allSatisfy(allowed.contains) })
        else { throw Failure(description: "a header for the wrk script holds a character it cannot quote") }
        let script = headers.map { #"wrk.headers["\#($0.name)"] = "\#($0.value)""# }.joined(separator: "\n") + "\n"
        guard
            FileManager.default.createFile(
                atPath: path, contents: Data(script.utf8), attributes: [.posixPermissions: 0o600])
        else { throw Failure(description: "cannot write \(path)") }
        return path
    }

    private static func number(after label: String, in text: String) -> Double? {
        guard let range = text.range(of: label) else { return nil }
        let rest = text[range.upperBound...].drop { $0 == " " }
        return Double(rest.prefix { $0.isNumber || $0 == "." })
    }

    /// wrk prints latencies like `99%    3.21ms` or `850.00us` or `1.02s`, one percentile per line of its
    /// "Latency Distribution". Only a line that starts with the label counts: the thread-statistics line above it
    /// ends in a percentage too (`… 75.99%`), which a plain search for `99%` would take for the percentile.
    private static func latency(after label: String, in text: String) -> Double? {
        guard
            let line = text.split(separator: "\n").first(where: {
                $0.drop { $0 == " " || $0 == "\t" }.hasPrefix(label + " ")
            })
        else { return nil }
        let rest = line.drop { $0 == " " || $0 == "\t" }.dropFirst(label.count).drop { $0 == " " || $0 == "\t" }
        let digits = rest.prefix { $0.isNumber || $0 == "." }
        guard let value = Double(digits) else { return nil }
        let unit = rest.dropFirst(digits.count).prefix { $0.isLetter }
        switch unit {
        case "us": return value / 1000
        case "ms": return value
        case "s": return value * 1000
        default: return nil
        }
    }

    /// The count in wrk's "  44058 requests in 3.01s, …" line.
    private static func total(in text: String) -> Int? {
        guard let range = text.range(of: " requests in ") else { return nil }
        let digits = text[..<range.lowerBound].reversed().prefix { $0.isNumber }
        return Int(String(digits.reversed()))
    }

    private static func socketErrors(in text: String) -> Int {
        guard let line = text.split(separator: "\n").first(where: { $0.contains("Socket errors:") }) else { return 0 }
        return line.split(whereSeparator: { !$0.isNumber }).compactMap { Int($0) }.reduce(0, +)
    }
}

/// nginx serving one small static file on loopback: the reference server measured in the same run.
final class ReferenceNginx {
    let port: Int
    private let process: ChildProcess
    private let directory: String

    init(body: String) throws {
        directory = NSTemporaryDirectory() + "civicseal-nginx-\(getpid())"
        try? FileManager.default.removeItem(atPath: directory)
        try FileManager.default.createDirectory(atPath: "\(directory)/html", withIntermediateDirectories: true)
        try body.write(toFile: "\(directory)/html/healthz", atomically: true, encoding: .utf8)
        port = 18_000 + Int(getpid() % 1000)
        let configuration = """
            worker_processes 2;
            daemon off;
            pid \(directory)/nginx.pid;
            error_log \(directory)/error.log warn;
            events { worker_connections 1024; }
            http {
              access_log off;
              keepalive_requests 1000000;
              client_body_temp_path \(directory)/body;
              proxy_temp_path \(directory)/proxy;
              fastcgi_temp_path \(directory)/fastcgi;
              uwsgi_temp_path \(directory)/uwsgi;
              scgi_temp_path \(directory)/scgi;
              server {
                listen 127.0.0.1:\(port);
                root \(directory)/html;
                default_type application/json;
              }
            }
            """
        try configuration.write(toFile: "\(directory)/nginx.conf", atomically: true, encoding: .utf8)
        process = try ChildProcess(
            "/usr/bin/env", ["nginx", "-c", "\(directory)/nginx.conf", "-p", directory], output: .discard,
            error: .discard)
        // Wait (bounded) until it accepts connections.
        for _ in 0..<50 where !Self.accepts(port: port) { usleep(100_000) }
    }

    var url: String { "http://127.0.0.1:\(port)/healthz" }

    func stop() {
        process.signal(SIGTERM)
        process.wait()
        try? FileManager.default.removeItem(atPath: directory)
    }

    static func accepts(port: Int) -> Bool {
        let descriptor = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        guard descriptor >= 0 else { return false }
        defer { close(descriptor) }
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_port = in_port_t(UInt16(port).bigEndian)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        return withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                connect(descriptor, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) == 0
            }
        }
    }
}

/// Resident set size of this process, from /proc (Linux).
enum ResidentMemory {
    /// (current, peak) in MiB.
    static func current() -> (rss: Double, peak: Double) {
        guard let status = try? String(contentsOfFile: "/proc/self/status", encoding: .utf8) else { return (0, 0) }
        func field(_ name: String) -> Double {
            guard let line = status.split(separator: "\n").first(where: { $0.hasPrefix(name) }) else { return 0 }
            return Double(line.split(separator: " ").compactMap { Double($0) }.first ?? 0) / 1024
        }
        return (field("VmRSS:"), field("VmHWM:"))
    }
}
