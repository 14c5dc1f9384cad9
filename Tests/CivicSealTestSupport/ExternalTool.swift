import Foundation

/// Runs programs nobody here wrote (openssl, pdfsig, qpdf, python3 …) from tests.
///
/// A test that needs a tool declares it with ``ExternalTool/isUsable(_:)`` in an `.enabled(if:)` trait:
/// locally a missing tool skips the test; with `CI=true` the test runs anyway and fails on the missing tool.
public enum ExternalTool {
    public struct Output: Sendable {
        public let status: Int32
        public let standardOutput: Data
        public let standardError: Data
        public var text: String { String(decoding: standardOutput, as: UTF8.self) }
        public var errorText: String { String(decoding: standardError, as: UTF8.self) }
    }

    public struct Missing: Error, CustomStringConvertible {
        public let tool: String
        public var description: String { "required tool \(tool) is not installed (run .ci/run to install it)" }
    }

    /// True under CI (`CI=true`), where every external-tool test must run.
    public static var isCI: Bool { ProcessInfo.processInfo.environment["CI"] == "true" }

    /// The absolute path of `tool` on PATH, or nil.
    public static func path(_ tool: String) -> String? {
        if tool.hasPrefix("/") { return FileManager.default.isExecutableFile(atPath: tool) ? tool : nil }
        let path = ProcessInfo.processInfo.environment["PATH"] ?? "/usr/local/bin:/usr/bin:/bin"
        for directory in path.split(separator: ":") {
            let candidate = "\(directory)/\(tool)"
            if FileManager.default.isExecutableFile(atPath: candidate) { return candidate }
        }
        return nil
    }

    /// Whether a test needing `tools` should run: always under CI, otherwise only when all are installed.
    public static func isUsable(_ tools: String...) -> Bool {
        isCI || tools.allSatisfy { path($0) != nil }
    }

    /// Runs `tool` with `arguments`, feeding `input` on standard input; throws ``Missing`` when absent.
    @discardableResult
    public static func run(_ tool: String, _ arguments: [String], input: Data = Data(), directory: String? = nil) throws -> Output {
        guard let executable = path(tool) else { throw Missing(tool: tool) }
        let process = Process()
        process.executableURL = URL(fileURLWithPath: executable)
        process.arguments = arguments
        if let directory { process.currentDirectoryURL = URL(fileURLWithPath: directory) }
        let stdin = Pipe()
        let stdout = Pipe()
        let stderr = Pipe()
        process.standardInput = stdin
        process.standardOutput = stdout
        process.standardError = stderr
        try ProcessLaunch.run(process)
        // Drain both pipes concurrently on dedicated threads: on Linux, Dispatch's global queues also run Swift's
        // cooperative executor, and blocking reads there would starve in-process servers under test.
        let group = DispatchGroup()
        nonisolated(unsafe) var outData = Data()
        nonisolated(unsafe) var errData = Data()
        group.enter()
        Thread.detachNewThread {
            outData = stdout.fileHandleForReading.readDataToEndOfFile()
            group.leave()
        }
        group.enter()
        Thread.detachNewThread {
            errData = stderr.fileHandleForReading.readDataToEndOfFile()
            group.leave()
        }
        if !input.isEmpty { stdin.fileHandleForWriting.write(input) }
        try? stdin.fileHandleForWriting.close()
        process.waitUntilExit()
        group.wait()
        return Output(status: process.terminationStatus, standardOutput: outData, standardError: errData)
    }
}

/// A temporary directory removed when the value is released.
public final class TemporaryDirectory: Sendable {
    public let path: String

    public init(_ prefix: String = "civicseal-test") {
        let base = FileManager.default.temporaryDirectory.path
        let name = "\(prefix)-\(UUID().uuidString.prefix(8))"
        path = "\(base)/\(name)"
        try? FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
    }

    deinit { try? FileManager.default.removeItem(atPath: path) }

    /// Writes `bytes` to `name` inside the directory and returns the full path.
    @discardableResult
    public func write(_ name: String, _ bytes: some Sequence<UInt8>) throws -> String {
        let full = "\(path)/\(name)"
        try Data(bytes).write(to: URL(fileURLWithPath: full))
        return full
    }

    @discardableResult
    public func write(_ name: String, text: String) throws -> String { try write(name, Array(text.utf8)) }

    public func read(_ name: String) throws -> Data { try Data(contentsOf: URL(fileURLWithPath: "\(path)/\(name)")) }
}

/// Executables built by this package (`civicseal`, `civicseal-bench`), found beside the running test bundle.
public enum BuiltProduct {
    /// The path of product `name` in the build directory that holds the test binary.
    public static func path(_ name: String) -> String? {
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
    public static func run(_ name: String, _ arguments: [String], input: Data = Data(), directory: String? = nil) throws -> ExternalTool.Output {
        guard let executable = path(name) else { throw ExternalTool.Missing(tool: name) }
        return try ExternalTool.run(executable, arguments, input: input, directory: directory)
    }
}
