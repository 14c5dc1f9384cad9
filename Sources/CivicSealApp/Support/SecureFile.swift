import Foundation

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// File writes with an exact mode and no overwriting: private keys are created 0600 and never replaced.
package enum SecureFile {
    package static let privateMode: mode_t = 0o600
    package static let publicMode: mode_t = 0o644

    /// Creates `path` with `bytes` and exactly `mode` (umask ignored). Fails if the file exists.
    package static func create(_ path: String, _ bytes: [UInt8], mode: mode_t) throws(AppError) {
        let descriptor = open(path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC | O_NOFOLLOW, mode)
        guard descriptor >= 0 else {
            let reason = String(cString: strerror(errno))
            throw AppError(.fileSystem, "cannot create \(path): \(reason)")
        }
        defer { close(descriptor) }
        guard fchmod(descriptor, mode) == 0 else { throw AppError(.fileSystem, "cannot set mode on \(path)") }
        var offset = 0
        while offset < bytes.count {
            let written = bytes.withUnsafeBytes { write(descriptor, $0.baseAddress! + offset, $0.count - offset) }
            if written < 0 {
                if errno == EINTR { continue }
                throw AppError(.fileSystem, "cannot write \(path): \(String(cString: strerror(errno)))")
            }
            offset += written
        }
        guard fsync(descriptor) == 0 else { throw AppError(.fileSystem, "cannot sync \(path)") }
    }

    package static func create(_ path: String, text: String, mode: mode_t) throws(AppError) {
        try create(path, Array(text.utf8), mode: mode)
    }

    /// Creates `path` with `text` unless it exists, atomically: the bytes are written and synced to a temporary file,
    /// which is then linked to `path` (`link(2)` never replaces), so a reader never sees a half-written file. Returns
    /// false when `path` already existed: another process (an instance starting beside this one) made it first, and
    /// the caller reads theirs.
    package static func createOnce(_ path: String, text: String, mode: mode_t) throws(AppError) -> Bool {
        // A name of its own per call: threads of one process race here too.
        let temporary = path + ".tmp-\(getpid())-\(UUID().uuidString.prefix(8))"
        try create(temporary, Array(text.utf8), mode: mode)
        defer { unlink(temporary) }
        guard link(temporary, path) == 0 else {
            if errno == EEXIST { return false }
            throw AppError(.fileSystem, "cannot create \(path): \(String(cString: strerror(errno)))")
        }
        return true
    }

    /// Replaces `path` atomically (write a temporary file, then rename), keeping `mode`.
    package static func replace(_ path: String, text: String, mode: mode_t) throws(AppError) {
        let temporary = path + ".tmp-\(getpid())"
        unlink(temporary)
        try create(temporary, Array(text.utf8), mode: mode)
        guard rename(temporary, path) == 0 else {
            unlink(temporary)
            throw AppError(.fileSystem, "cannot replace \(path): \(String(cString: strerror(errno)))")
        }
    }

    package static func exists(_ path: String) -> Bool { access(path, F_OK) == 0 }

    package static func makeDirectory(_ path: String, mode: mode_t = 0o755) throws(AppError) {
        do {
            try FileManager.default.createDirectory(
                atPath: path, withIntermediateDirectories: true, attributes: [.posixPermissions: Int(mode)])
        } catch {
            throw AppError(.fileSystem, "cannot create directory \(path)")
        }
    }

    package static func readText(_ path: String) throws(AppError) -> String {
        guard let data = FileManager.default.contents(atPath: path) else {
            throw AppError(.fileSystem, "cannot read \(path)")
        }
        return String(decoding: data, as: UTF8.self)
    }

    /// The permission bits of `path`, or nil when it does not exist.
    package static func mode(_ path: String) -> mode_t? {
        var info = stat()
        guard stat(path, &info) == 0 else { return nil }
        return info.st_mode & 0o777
    }
}
