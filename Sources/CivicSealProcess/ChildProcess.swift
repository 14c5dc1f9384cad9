internal import CCivicSealSystem
import Synchronization

#if canImport(Glibc)
    import Glibc
#endif

/// A program started with `posix_spawn`, for the benchmark and the tests that drive tools nobody here wrote.
///
/// Why not Foundation's `Process`: on Linux its `run()` lists `/proc/self/fd` to close inherited descriptors and
/// copies each entry's `d_name` as a whole 256-byte array. When the listing fills its 32 KiB buffer (about 1,350 open
/// descriptors, which the parallel test suite reaches), the copy of the last entry reads past the buffer, and a CI run
/// died of SIGSEGV in that `memcpy`. Here the child closes everything above standard error itself
/// (`posix_spawn_file_actions_addclosefrom_np`), so nothing is listed and no descriptor of the parent leaks into it.
///
/// The child also starts with an empty signal mask and default dispositions for the signals a caller may have blocked
/// or ignored (a Dispatch worker thread blocks most of them), so `signal(_:)` works on it.
package final class ChildProcess: Sendable {
    /// How a child ended.
    package enum Termination: Sendable, Hashable, CustomStringConvertible {
        case exited(Int32)
        case signalled(Int32)

        package var description: String {
            switch self {
            case .exited(let status): "exit status \(status)"
            case .signalled(let signal): "killed by signal \(signal)"
            }
        }
    }

    /// Where a child's standard output or error goes.
    package enum Destination: Sendable, Hashable {
        /// A pipe the parent reads (``readOutput(maximumCount:)``, ``collect(input:)``).
        case pipe
        /// `/dev/null`.
        case discard
        /// The parent's own descriptor.
        case inherit
    }

    /// A failed system call, with its `errno`.
    package struct Failure: Error, Sendable, CustomStringConvertible {
        package let operation: String
        package let code: Int32
        package var description: String { "\(operation): \(String(cString: strerror(code))) (errno \(code))" }
    }

    /// What ``collect(input:)`` gathered.
    package struct Collected: Sendable {
        package let termination: Termination
        package let output: [UInt8]
        package let error: [UInt8]
    }

    package let pid: Int32
    /// Our ends of the pipes (-1 when not piped); each is closed once, under its lock.
    private let inputEnd: Mutex<Int32>
    private let outputEnd: Mutex<Int32>
    private let errorEnd: Mutex<Int32>
    private let ended = Mutex<Termination?>(nil)

    /// Starts `executable` (an absolute path) with `arguments` (without the program name) in `directory`.
    /// `pipesInput` gives the child a pipe on standard input (see ``write(_:)`` and ``closeInput()``); otherwise it
    /// reads `/dev/null`.
    package init(
        _ executable: String, _ arguments: [String], directory: String? = nil, pipesInput: Bool = false,
        output outputDestination: Destination = .pipe, error errorDestination: Destination = .pipe
    ) throws(Failure) {
        Self.ignoreBrokenPipes
        var opened: [Int32] = []  // every descriptor made here, closed on failure
        func pipePair() throws(Failure) -> (read: Int32, write: Int32) {
            var ends: [Int32] = [-1, -1]
            guard civicseal_pipe_close_on_exec(&ends) == 0 else { throw Failure(operation: "pipe2", code: errno) }
            opened += ends
            return (ends[0], ends[1])
        }
        var actions = posix_spawn_file_actions_t()
        var attributes = posix_spawnattr_t()
        posix_spawn_file_actions_init(&actions)
        posix_spawnattr_init(&attributes)
        defer {
            posix_spawn_file_actions_destroy(&actions)
            posix_spawnattr_destroy(&attributes)
        }
        do throws(Failure) {
            // The child's standard streams: a pipe end or /dev/null is dup2'd onto 0, 1, 2 (dup2 clears close-on-exec).
            var ours: [Int32] = [-1, -1, -1]
            var theirs: [Int32] = [-1, -1, -1]
            let destinations: [Destination] = [pipesInput ? .pipe : .discard, outputDestination, errorDestination]
            for (stream, destination) in destinations.enumerated() {
                switch destination {
                case .pipe:
                    let ends = try pipePair()
                    (ours[stream], theirs[stream]) = stream == 0 ? (ends.write, ends.read) : (ends.read, ends.write)
                case .discard:
                    let null = open("/dev/null", (stream == 0 ? O_RDONLY : O_WRONLY) | O_CLOEXEC)
                    guard null >= 0 else { throw Failure(operation: "open /dev/null", code: errno) }
                    opened.append(null)
                    theirs[stream] = null
                case .inherit:
                    theirs[stream] = Int32(stream)
                }
                if theirs[stream] != Int32(stream) {
                    try Self.check(
                        "posix_spawn_file_actions_adddup2",
                        posix_spawn_file_actions_adddup2(&actions, theirs[stream], Int32(stream)))
                }
            }
            try Self.check("posix_spawn_file_actions_addclosefrom_np", civicseal_spawn_actions_close_from(&actions, 3))
            if let directory {
                try Self.check(
                    "posix_spawn_file_actions_addchdir_np", civicseal_spawn_actions_chdir(&actions, directory))
            }
            var noSignals = sigset_t()
            sigemptyset(&noSignals)
            var defaults = sigset_t()
            sigemptyset(&defaults)
            for signal in [SIGPIPE, SIGINT, SIGTERM, SIGHUP, SIGQUIT, SIGUSR1, SIGUSR2, SIGCHLD, SIGALRM] {
                sigaddset(&defaults, signal)
            }
            try Self.check("posix_spawnattr_setsigmask", posix_spawnattr_setsigmask(&attributes, &noSignals))
            try Self.check("posix_spawnattr_setsigdefault", posix_spawnattr_setsigdefault(&attributes, &defaults))
            try Self.check(
                "posix_spawnattr_setflags",
                posix_spawnattr_setflags(&attributes, Int16(POSIX_SPAWN_SETSIGMASK | POSIX_SPAWN_SETSIGDEF)))

            var child: Int32 = 0
            let argv = ([executable] + arguments).map { strdup($0) } + [nil]
            defer { for argument in argv { free(argument) } }
            try Self.check(
                "posix_spawn \(executable)", posix_spawn(&child, executable, &actions, &attributes, argv, environ))
            pid = child
            // The child has its ends; keep only ours.
            for descriptor in opened where !ours.contains(descriptor) { Glibc.close(descriptor) }
            // see collect(input:)
            if ours[0] >= 0 { _ = fcntl(ours[0], F_SETFL, fcntl(ours[0], F_GETFL) | O_NONBLOCK) }
            inputEnd = Mutex(ours[0])
            outputEnd = Mutex(ours[1])
            errorEnd = Mutex(ours[2])
        } catch {
            for descriptor in opened { Glibc.close(descriptor) }
            throw error
        }
    }

    /// A child still running when its last reference goes is killed and reaped (no orphan, no zombie).
    deinit {
        Self.closeEnd(inputEnd)
        Self.closeEnd(outputEnd)
        Self.closeEnd(errorEnd)
        if ended.withLock({ $0 == nil }) {
            kill(pid, SIGKILL)
            _ = wait()
        }
    }

    /// Writing to a pipe whose reader has gone must fail with EPIPE, not kill this process.
    private static let ignoreBrokenPipes: Void = { _ = Glibc.signal(SIGPIPE, SIG_IGN) }()

    private static func check(_ operation: String, _ result: Int32) throws(Failure) {
        guard result == 0 else { throw Failure(operation: operation, code: result) }
    }

    private static func closeEnd(_ descriptor: borrowing Mutex<Int32>) {
        descriptor.withLock { value in
            if value >= 0 { Glibc.close(value) }
            value = -1
        }
    }

    // MARK: Talking to the child

    /// Closes the child's standard input (it reads end of file).
    package func closeInput() { Self.closeEnd(inputEnd) }

    /// Writes all of `bytes` to the child's standard input (which stays open), waiting while the pipe is full.
    package func writeInput(_ bytes: [UInt8]) throws(Failure) {
        try inputEnd.withLock { descriptor throws(Failure) in
            guard descriptor >= 0 else {
                throw Failure(operation: "write: standard input is not a pipe or is closed", code: EBADF)
            }
            var written = 0
            while written < bytes.count {
                let count = bytes.withUnsafeBytes { write(descriptor, $0.baseAddress! + written, $0.count - written) }
                if count >= 0 {
                    written += count
                } else if errno == EAGAIN {
                    var ready = pollfd(fd: descriptor, events: Int16(POLLOUT), revents: 0)
                    _ = poll(&ready, 1, -1)
                } else if errno != EINTR {
                    throw Failure(operation: "write", code: errno)
                }
            }
        }
    }

    /// Reads what the child wrote to standard output so far, blocking until there is something; empty at end of file.
    package func readOutput(maximumCount: Int = 65_536) throws(Failure) -> [UInt8] {
        try outputEnd.withLock { descriptor throws(Failure) -> [UInt8] in
            guard descriptor >= 0 else { return [] }
            var buffer = [UInt8](repeating: 0, count: maximumCount)
            while true {
                let count = buffer.withUnsafeMutableBytes { read(descriptor, $0.baseAddress, $0.count) }
                if count >= 0 { return Array(buffer.prefix(count)) }
                if errno != EINTR { throw Failure(operation: "read", code: errno) }
            }
        }
    }

    /// Writes `input` to the child's standard input and closes it, while reading its standard output and error to
    /// their ends, then waits for it. A child that exits without reading all its input is not an error (its exit
    /// status says what happened).
    package func collect(input bytes: [UInt8] = []) throws(Failure) -> Collected {
        let inputDescriptor = inputEnd.withLock { $0 }
        let outputDescriptor = outputEnd.withLock { $0 }
        let errorDescriptor = errorEnd.withLock { $0 }
        var written = 0
        var gathered: [[UInt8]] = [[], []]
        var open = [outputDescriptor >= 0, errorDescriptor >= 0]
        if inputDescriptor >= 0, bytes.isEmpty { closeInput() }
        var writing = inputDescriptor >= 0 && !bytes.isEmpty
        var buffer = [UInt8](repeating: 0, count: 65_536)
        while writing || open[0] || open[1] {
            var watched: [pollfd] = []
            if writing { watched.append(pollfd(fd: inputDescriptor, events: Int16(POLLOUT), revents: 0)) }
            if open[0] { watched.append(pollfd(fd: outputDescriptor, events: Int16(POLLIN), revents: 0)) }
            if open[1] { watched.append(pollfd(fd: errorDescriptor, events: Int16(POLLIN), revents: 0)) }
            if poll(&watched, nfds_t(watched.count), -1) < 0 {
                if errno == EINTR { continue }
                throw Failure(operation: "poll", code: errno)
            }
            for entry in watched where entry.revents != 0 {
                if entry.fd == inputDescriptor {
                    let count = bytes.withUnsafeBytes { write(entry.fd, $0.baseAddress! + written, $0.count - written) }
                    if count > 0 { written += count }
                    if (count < 0 && errno != EAGAIN && errno != EINTR) || written == bytes.count {
                        writing = false  // done, or the child closed its end (EPIPE)
                        closeInput()
                    }
                } else {
                    let stream = entry.fd == outputDescriptor ? 0 : 1
                    let count = buffer.withUnsafeMutableBytes { read(entry.fd, $0.baseAddress, $0.count) }
                    if count > 0 {
                        gathered[stream] += buffer.prefix(count)
                    } else if count == 0 || (errno != EINTR && errno != EAGAIN) {
                        open[stream] = false
                    }
                }
            }
        }
        return Collected(termination: wait(), output: gathered[0], error: gathered[1])
    }

    /// Sends `signal` to the child unless it has been reaped. Reaping happens under the same lock, so the pid is
    /// still the child's (running, or a zombie nobody can reuse the pid of).
    package func signal(_ signal: Int32) {
        ended.withLock { termination in
            if termination == nil { kill(pid, signal) }
        }
    }

    /// Waits for the child to end and reaps it; later calls return the same answer.
    @discardableResult
    package func wait() -> Termination {
        if let known = ended.withLock({ $0 }) { return known }
        // Wait without reaping (WNOWAIT), then reap under the lock ``signal(_:)`` takes.
        var information = siginfo_t()
        while waitid(P_PID, id_t(pid), &information, WEXITED | WNOWAIT) < 0 && errno == EINTR {}
        return ended.withLock { termination in
            if let known = termination { return known }  // reaped by a concurrent wait()
            var status: Int32 = 0
            while waitpid(pid, &status, 0) < 0 && errno == EINTR {}
            // WIFSIGNALED: the low seven bits hold the signal; otherwise bits 8-15 hold the exit status.
            let ending: Termination = status & 0x7f != 0 ? .signalled(status & 0x7f) : .exited((status >> 8) & 0xff)
            termination = ending
            return ending
        }
    }
}
