import CivicSealProcess
import CivicSealTestSupport
import Foundation
import Testing

/// The spawner behind every external-tool test and the benchmark's reference tools, run against real programs
/// (`sh`, `cat`, `ls`, `sleep`, `yes`).
@Suite struct ChildProcessTests {
    static func shell(_ script: String, directory: String? = nil, pipesInput: Bool = false) throws -> ChildProcess {
        try ChildProcess("/bin/sh", ["-c", script], directory: directory, pipesInput: pipesInput)
    }

    @Test func outputErrorAndExitStatusComeBackSeparately() throws {
        let collected = try Self.shell("echo out; echo err >&2; printf 'x%.0s' 1 2 3; exit 3").collect()
        #expect(String(decoding: collected.output, as: UTF8.self) == "out\nxxx")
        #expect(String(decoding: collected.error, as: UTF8.self) == "err\n")
        #expect(collected.termination == .exited(3))
    }

    /// Four mebibytes through `cat`: far more than a pipe holds, so writing, reading standard output and reading
    /// standard error must interleave (a writer that waited for the end would deadlock here).
    @Test func largeInputAndOutputFlowAtTheSameTimeByteForByte() throws {
        let input = (0..<(4 << 20)).map { UInt8(truncatingIfNeeded: $0 &* 7 &+ $0 >> 11) }
        let collected = try Self.shell("cat; cat /dev/null >&2", pipesInput: true).collect(input: input)
        #expect(collected.termination == .exited(0))
        #expect(collected.output.count == input.count)
        #expect(collected.output == input)
    }

    @Test func aChildThatStopsReadingEarlyIsNotAnError() throws {
        let collected = try Self.shell("head -c 10 >/dev/null; echo done", pipesInput: true)
            .collect(input: [UInt8](repeating: 65, count: 1 << 20))
        #expect(collected.termination == .exited(0))
        #expect(String(decoding: collected.output, as: UTF8.self) == "done\n")
    }

    @Test func runsInTheGivenDirectory() throws {
        let folder = TemporaryDirectory("civicseal-child")
        let collected = try Self.shell("pwd -P", directory: folder.path).collect()
        let expected = URL(fileURLWithPath: folder.path).resolvingSymlinksInPath().path
        #expect(String(decoding: collected.output, as: UTF8.self) == expected + "\n")
    }

    @Test func aMissingProgramIsATypedErrorNamingIt() {
        do {
            _ = try ChildProcess("/nonexistent/civicseal-tool", [])
            Issue.record("spawning a missing program succeeded")
        } catch {
            #expect(error.code == ENOENT)
            #expect(error.description.contains("/nonexistent/civicseal-tool"))
        }
    }

    /// The reason this type exists: Foundation's `Process.run()` over-reads its `/proc/self/fd` listing once about
    /// 1,350 descriptors are open. With 1,500 open here (none close-on-exec), the child still starts and inherits
    /// none of them: it sees its three standard streams and the directory `ls` itself opened.
    @Test func withFifteenHundredDescriptorsOpenTheChildInheritsOnlyItsStandardStreams() throws {
        var limit = rlimit()
        getrlimit(__rlimit_resource_t(RLIMIT_NOFILE.rawValue), &limit)
        if limit.rlim_cur < 4_096 {
            limit.rlim_cur = min(4_096, limit.rlim_max)
            setrlimit(__rlimit_resource_t(RLIMIT_NOFILE.rawValue), &limit)
        }
        var opened: [Int32] = []
        defer { for descriptor in opened { close(descriptor) } }
        for _ in 0..<1_500 {
            let descriptor = open("/dev/null", O_RDONLY)
            try #require(descriptor >= 0, "open: errno \(errno)")
            opened.append(descriptor)
        }
        let collected = try ChildProcess("/bin/ls", ["/proc/self/fd"]).collect()
        #expect(collected.termination == .exited(0))
        let listed = String(decoding: collected.output, as: UTF8.self).split(separator: "\n").compactMap { Int($0) }
        let inherited = listed.filter { $0 > 3 }.count
        #expect(inherited == 0, "the child inherited \(inherited) descriptors")
        #expect(listed.sorted() == [0, 1, 2, 3] || inherited > 0, "listed: \(listed.sorted())")
    }

    /// A Dispatch worker blocks most signals, and a child inherits its parent thread's mask; the child must start with
    /// none blocked, or SIGTERM would never reach it.
    @Test func signalsBlockedInTheSpawningThreadAreNotBlockedInTheChild() throws {
        var blocked = sigset_t()
        var previous = sigset_t()
        sigemptyset(&blocked)
        sigaddset(&blocked, SIGTERM)
        pthread_sigmask(SIG_BLOCK, &blocked, &previous)
        let child: ChildProcess
        do {
            defer { pthread_sigmask(SIG_SETMASK, &previous, nil) }
            child = try ChildProcess("/bin/sleep", ["30"])
        }
        child.signal(SIGTERM)
        #expect(child.wait() == .signalled(SIGTERM))
        #expect(child.wait() == .signalled(SIGTERM), "a second wait returns the same answer")
        child.signal(SIGKILL)  // already reaped: nothing is sent to whoever has the pid now
    }

    /// This process ignores SIGPIPE (so a write to a closed pipe fails instead of killing it); the child gets the
    /// default back, so `yes` piped into `head` dies quietly of SIGPIPE instead of reporting a broken pipe.
    @Test func theChildGetsDefaultSignalDispositionsBack() throws {
        let collected = try Self.shell("yes | head -n 1").collect()
        #expect(collected.termination == .exited(0))
        #expect(String(decoding: collected.output, as: UTF8.self) == "y\n")
        #expect(collected.error.isEmpty, "\(String(decoding: collected.error, as: UTF8.self))")
    }

    @Test func killedAfterLinesStopsAnEndlessProgramAndKeepsOnlyCompleteLines() throws {
        let (lines, termination) = try ExternalTool.killedAfter(lines: 500, "/usr/bin/yes", ["line"])
        #expect(termination == .signalled(SIGKILL))
        #expect(lines.count >= 500)
        #expect(lines.allSatisfy { $0 == "line" })
    }

    @Test func streamingInputAndOutputLineByLine() throws {
        let child = try ChildProcess("/bin/cat", [], pipesInput: true)
        for round in 0..<3 {
            try child.writeInput(Array("round \(round)\n".utf8))
            var received: [UInt8] = []
            while !received.contains(UInt8(ascii: "\n")) { received += try child.readOutput() }
            #expect(String(decoding: received, as: UTF8.self) == "round \(round)\n")
        }
        child.closeInput()
        #expect(try child.readOutput().isEmpty, "end of file once cat has seen the end of its input")
        #expect(child.wait() == .exited(0))
        #expect(throws: ChildProcess.Failure.self) { try child.writeInput([1]) }
    }

    @Test func aChildStillRunningWhenReleasedIsKilledAndReaped() throws {
        var pid: Int32 = 0
        do {
            let child = try ChildProcess("/bin/sleep", ["30"])
            pid = child.pid
            #expect(kill(pid, 0) == 0, "running")
        }
        // Reaped, not a zombie: the pid is gone (waitpid reports it is not our child any more).
        var status: Int32 = 0
        #expect(waitpid(pid, &status, WNOHANG) == -1 && errno == ECHILD)
    }
}
