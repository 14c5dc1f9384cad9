import CivicSealApp
import CivicSealProcess
import Foundation
import Synchronization

#if canImport(Glibc)
    import Glibc
#endif

/// Everything `civicseal-bench http --instances N` starts (a PostgreSQL cluster, `civicseal serve` processes,
/// HAProxy) in one temporary directory, and stopped on every way out: ``stop()`` at the end or on an error, on
/// SIGINT, SIGTERM or SIGHUP, and when the whole run outlasts its time limit. The children also get SIGKILL from the
/// kernel if this process dies without cleaning up (`setpriv --pdeathsig KILL`); only the cluster, which `pg_ctl`
/// detaches, then keeps running (in `$TMPDIR/civicseal-bench-pg-…`).
final class BenchFleet: Sendable {
    struct Failure: Error, CustomStringConvertible {
        let description: String
    }

    /// A started `civicseal serve`: its bound port and the file its standard output and error go to.
    struct Instance: Sendable {
        let process: ChildProcess
        let port: Int
        let log: String
    }

    let directory: String
    private let state = Mutex<(children: [ChildProcess], cluster: BenchmarkCluster?, stopped: Bool)>(([], nil, false))
    private let signalSources = Mutex<[any DispatchSourceSignal]>([])
    private let finished = DispatchSemaphore(value: 0)
    /// Signalled when ``stop()`` has finished, for a second caller (a signal during the normal stop) to wait on.
    private let stopped = DispatchSemaphore(value: 0)

    /// Makes the directory and arms the signal handlers and the time limit.
    init(timeLimit: Duration) throws {
        directory = NSTemporaryDirectory() + "civicseal-bench-instances-\(getpid())"
        try? FileManager.default.removeItem(atPath: directory)
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        signalSources.withLock { sources in
            for number in [SIGINT, SIGTERM, SIGHUP] {
                signal(number, SIG_IGN)
                let source = DispatchSource.makeSignalSource(signal: number, queue: .global())
                source.setEventHandler { [self] in
                    FileHandle.standardError.write(
                        Data("civicseal-bench: signal \(number), stopping everything\n".utf8))
                    stop()
                    exit(128 + number)
                }
                source.resume()
                sources.append(source)
            }
        }
        let seconds = Int(timeLimit.components.seconds)
        Thread.detachNewThread { [self] in
            guard finished.wait(timeout: .now() + .seconds(seconds)) == .timedOut else { return }
            FileHandle.standardError.write(
                Data("civicseal-bench: the run outlasted its \(seconds) s limit; stopping everything\n".utf8))
            stop()
            exit(1)
        }
    }

    /// A throw-away PostgreSQL cluster (``BenchmarkCluster``), stopped with the rest.
    func startCluster() throws -> BenchmarkCluster {
        let cluster = try BenchmarkCluster.start()
        let stopNow = state.withLock { state in
            state.cluster = cluster
            return state.stopped
        }
        if stopNow { cluster.stop() }
        return cluster
    }

    /// Starts `arguments` with the kernel's SIGKILL if this process dies, standard output and error into `log`.
    func start(_ executable: String, _ arguments: [String], log: String) throws -> ChildProcess {
        let redirected = ["/bin/sh", "-c", #"exec "$@" >"$0" 2>&1"#, log, executable] + arguments
        let guarded = FileManager.default.isExecutableFile(atPath: "/usr/bin/setpriv")
        let child = try ChildProcess(
            guarded ? "/usr/bin/setpriv" : redirected[0],
            guarded ? ["--pdeathsig", "KILL", "--"] + redirected : Array(redirected.dropFirst()), output: .discard,
            error: .discard)
        adopt(child)
        return child
    }

    /// Stops `child` with the rest (killed at once if the fleet is already stopping).
    func adopt(_ child: ChildProcess) {
        let stopNow = state.withLock { state in
            state.children.append(child)
            return state.stopped
        }
        if stopNow { child.signal(SIGKILL) }
    }

    /// `civicseal serve --port 0 …` with `arguments` added; the port is read from the line it prints when listening.
    func serve(_ executable: String, _ arguments: [String], name: String) throws -> Instance {
        let log = "\(directory)/\(name).log"
        let process = try start(executable, ["serve", "--port", "0"] + arguments, log: log)
        let marker = "CivicSeal listening on http://127.0.0.1:"
        for _ in 0..<1200 {
            let text = (try? String(contentsOfFile: log, encoding: .utf8)) ?? ""
            if let range = text.range(of: marker), let port = Int(text[range.upperBound...].prefix { $0.isNumber }) {
                return Instance(process: process, port: port, log: log)
            }
            if !Self.isRunning(process) { throw Failure(description: "\(name) exited:\n\(Self.tail(of: log))") }
            usleep(100_000)
        }
        throw Failure(description: "\(name) did not start listening in 120 s:\n\(Self.tail(of: log))")
    }

    /// Stops everything, once: SIGTERM to every child (SIGKILL to those still running 15 s later), then the cluster,
    /// then the directory. A second caller returns when the first has finished.
    func stop() {
        let (children, cluster, first) = state.withLock { state in
            defer { state.stopped = true }
            return (state.children, state.cluster, !state.stopped)
        }
        guard first else {
            _ = stopped.wait(timeout: .now() + 30)
            stopped.signal()
            return
        }
        defer { stopped.signal() }
        finished.signal()
        for child in children { child.signal(SIGTERM) }
        let reaped = DispatchSemaphore(value: 0)
        Thread.detachNewThread {
            guard reaped.wait(timeout: .now() + 15) == .timedOut else { return }
            for child in children { child.signal(SIGKILL) }
        }
        for child in children { child.wait() }
        reaped.signal()
        cluster?.stop()
        try? FileManager.default.removeItem(atPath: directory)
    }

    /// Whether `process` is still running: its `/proc` entry exists and is not a zombie (state `Z`, ended but not
    /// yet reaped).
    static func isRunning(_ process: ChildProcess) -> Bool {
        guard let stat = try? String(contentsOfFile: "/proc/\(process.pid)/stat", encoding: .utf8),
            let close = stat.range(of: ") ", options: .backwards)
        else { return false }
        return stat[close.upperBound...].first != "Z"
    }

    /// The last lines of `log`, for an error message.
    static func tail(of log: String) -> String {
        let text = (try? String(contentsOfFile: log, encoding: .utf8)) ?? "(no output)"
        return text.split(separator: "\n").suffix(15).joined(separator: "\n")
    }

    /// A loopback TCP port nobody listens on now (bound to port 0 and released), for HAProxy's `bind`.
    static func freePort() throws -> Int { try LoopbackPort.free() }

    /// The path of another executable of this build (`civicseal` beside `civicseal-bench`).
    static func sibling(_ name: String) throws -> String {
        let own =
            (try? FileManager.default.destinationOfSymbolicLink(atPath: "/proc/self/exe"))
            ?? CommandLine
            .arguments[0]
        let path = URL(fileURLWithPath: own).deletingLastPathComponent().appendingPathComponent(name).path
        guard FileManager.default.isExecutableFile(atPath: path) else {
            throw Failure(
                description: "\(path) is missing: build it beside the bench (swift build -c release --product "
                    + "\(name) --scratch-path …, the same scratch path as civicseal-bench)")
        }
        return path
    }

    /// The absolute path of `tool` on PATH, or a failure naming it.
    static func tool(_ tool: String) throws -> String {
        let path = ProcessInfo.processInfo.environment["PATH"] ?? "/usr/local/bin:/usr/bin:/bin"
        let directories = path.split(separator: ":").map(String.init) + ["/usr/sbin", "/sbin"]
        guard let found = directories.map({ "\($0)/\(tool)" }).first(where: FileManager.default.isExecutableFile)
        else { throw Failure(description: "\(tool) is not installed (needed by http --instances)") }
        return found
    }
}
