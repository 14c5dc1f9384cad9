import CivicSealProcess
import Foundation

/// Runs programs nobody here wrote (openssl, pdfsig, qpdf, python3 …) from tests.
///
/// A test that needs a tool declares it with ``ExternalTool/isUsable(_:)`` in an `.enabled(if:)` trait:
/// locally a missing tool skips the test; under CI (any non-empty `CI` other than `false` or `0`, see
/// ``requiresTools(ci:)``) the test runs anyway and fails on the missing tool.
package enum ExternalTool {
    package struct Output: Sendable {
        /// How the tool ended.
        package let termination: ChildProcess.Termination
        package let standardOutput: Data
        package let standardError: Data
        /// The exit status; 128 + the signal number for a tool killed by a signal, as a shell reports it.
        package var status: Int32 {
            switch termination {
            case .exited(let status): status
            case .signalled(let signal): 128 + signal
            }
        }
        package var text: String { String(decoding: standardOutput, as: UTF8.self) }
        package var errorText: String { String(decoding: standardError, as: UTF8.self) }
    }

    package struct Missing: Error, CustomStringConvertible {
        package let tool: String
        package var description: String { "required tool \(tool) is not installed (run .ci/run to install it)" }
    }

    /// True under CI, where every external-tool test must run: see ``requiresTools(ci:)``.
    package static var isCI: Bool { requiresTools(ci: ProcessInfo.processInfo.environment["CI"]) }

    /// Whether the value of the `CI` environment variable means "this is a CI run": any non-empty value other than
    /// `false` or `0` (case and surrounding blanks aside). Runners differ: GitHub and GitLab set `true`, others `1`,
    /// `yes` or a name; a runner that says CI in any of these ways must not silently skip the tool tests.
    package static func requiresTools(ci value: String?) -> Bool {
        guard let value = value?.trimmingCharacters(in: .whitespaces), !value.isEmpty else { return false }
        return !["false", "0"].contains(value.lowercased())
    }

    /// The absolute path of `tool` on PATH, or nil.
    package static func path(_ tool: String) -> String? {
        if tool.hasPrefix("/") { return FileManager.default.isExecutableFile(atPath: tool) ? tool : nil }
        let path = ProcessInfo.processInfo.environment["PATH"] ?? "/usr/local/bin:/usr/bin:/bin"
        for directory in path.split(separator: ":") {
            let candidate = "\(directory)/\(tool)"
            if FileManager.default.isExecutableFile(atPath: candidate) { return candidate }
        }
        return nil
    }

    /// Whether a test needing `tools` should run: always under CI, otherwise only when all are installed.
    package static func isUsable(_ tools: String...) -> Bool {
        isCI || tools.allSatisfy { path($0) != nil }
    }

    /// Runs `tool` with `arguments` in `directory`, feeding `input` on standard input and collecting standard output
    /// and error; throws ``Missing`` when the tool is absent. Blocks the calling thread until the tool exits.
    @discardableResult
    package static func run(_ tool: String, _ arguments: [String], input: Data = Data(), directory: String? = nil)
        throws -> Output
    {
        guard let executable = path(tool) else { throw Missing(tool: tool) }
        let child = try ChildProcess(executable, arguments, directory: directory, pipesInput: true)
        let collected = try child.collect(input: Array(input))
        return Output(
            termination: collected.termination, standardOutput: Data(collected.output),
            standardError: Data(collected.error))
    }

    /// ``run(_:_:input:directory:)`` on a thread of its own, for a tool that runs for long (schemathesis, a browser
    /// walk): waiting on it from a task would hold one of the cooperative pool's few threads for minutes, and every
    /// other suite of the test process shares that pool.
    package static func runOnOwnThread(_ tool: String, _ arguments: [String], directory: String? = nil)
        async throws -> Output
    {
        try await withCheckedThrowingContinuation { continuation in
            Thread.detachNewThread {
                continuation.resume(with: Result { try run(tool, arguments, directory: directory) })
            }
        }
    }

    /// Runs `executable` (an absolute path) with `arguments` and kills it with SIGKILL, wherever it is in its work,
    /// once it has printed `lines` complete lines on standard output. Returns every complete line it printed (a torn
    /// last line is dropped) and how it ended: `.signalled(SIGKILL)` unless it exited on its own first.
    package static func killedAfter(lines: Int, _ executable: String, _ arguments: [String]) throws -> (
        lines: [String], termination: ChildProcess.Termination
    ) {
        let child = try ChildProcess(executable, arguments, error: .discard)
        var printed: [UInt8] = []
        var newlines = 0
        while true {
            let chunk = try child.readOutput()
            if chunk.isEmpty { break }  // end of file: the process is gone and the pipe drained
            printed += chunk
            newlines += chunk.count { $0 == UInt8(ascii: "\n") }
            if newlines >= lines { child.signal(SIGKILL) }  // no chance to close anything
        }
        let complete = String(decoding: printed, as: UTF8.self).split(separator: "\n", omittingEmptySubsequences: false)
            .dropLast()
        return (complete.map(String.init), child.wait())
    }
}

/// A temporary directory removed when the value is released.
package final class TemporaryDirectory: Sendable {
    package let path: String

    package init(_ prefix: String = "civicseal-test") {
        let base = FileManager.default.temporaryDirectory.path
        let name = "\(prefix)-\(UUID().uuidString.prefix(8))"
        path = "\(base)/\(name)"
        try? FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
    }

    deinit { try? FileManager.default.removeItem(atPath: path) }

    /// Writes `bytes` to `name` inside the directory and returns the full path.
    @discardableResult
    package func write(_ name: String, _ bytes: some Sequence<UInt8>) throws -> String {
        let full = "\(path)/\(name)"
        try Data(bytes).write(to: URL(fileURLWithPath: full))
        return full
    }

    @discardableResult
    package func write(_ name: String, text: String) throws -> String { try write(name, Array(text.utf8)) }

    package func read(_ name: String) throws -> Data { try Data(contentsOf: URL(fileURLWithPath: "\(path)/\(name)")) }
}

/// Executables built by this package (`civicseal`, `civicseal-bench`), found beside the running test bundle.
package enum BuiltProduct {
    /// The path of product `name` in the build directory that holds the test binary.
    package static func path(_ name: String) -> String? {
        var directory = URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent()
        for _ in 0..<4 {
            let candidate = directory.appendingPathComponent(name).path
            if FileManager.default.isExecutableFile(atPath: candidate) { return candidate }
            directory.deleteLastPathComponent()
        }
        return nil
    }

    /// Runs product `name`; throws ``ExternalTool/Missing`` when it was not built.
    @discardableResult
    package static func run(_ name: String, _ arguments: [String], input: Data = Data(), directory: String? = nil)
        throws -> ExternalTool.Output
    {
        guard let executable = path(name) else { throw ExternalTool.Missing(tool: name) }
        return try ExternalTool.run(executable, arguments, input: input, directory: directory)
    }
}
