import Foundation
import Synchronization

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// Time-stamp serial numbers that never repeat, across restarts and across processes sharing one file.
///
/// Hi/lo allocation: the file (mode 0600) holds the first serial not yet reserved, as decimal text. A source
/// reserves a block of ``blockSize`` serials under an exclusive `flock` on `<path>.lock`, writes the new high
/// mark to a temporary file, `fsync`s it, renames it over the file and `fsync`s the directory; then it hands out
/// the block from memory. A crash loses at most the unused rest of a block; it never reuses a serial.
/// Serials are positive 64-bit counters starting at 1, as minimal DER INTEGER content.
package final class FileTimeStampSerialSource: TimeStampSerialSource {
    package let path: String
    package let blockSize: UInt64
    private let range: Mutex<(next: UInt64, end: UInt64)>

    /// - Parameter blockSize: serials reserved per file update (1–1,000,000).
    package init(path: String, blockSize: UInt64 = 4096) throws(CryptoError) {
        guard (1...1_000_000).contains(blockSize) else {
            throw CryptoError(.invalidArgument, "blockSize must be 1...1000000")
        }
        self.path = path
        self.blockSize = blockSize
        range = Mutex((next: 0, end: 0))
        // Fail early (unwritable directory, corrupt file) rather than at the first request.
        let first = try reserve()
        range.withLock { $0 = first }
    }

    package func next() throws(CryptoError) -> [UInt8] {
        let value = try range.withLock { (range) throws(CryptoError) -> UInt64 in
            if range.next == range.end { range = try reserve() }
            defer { range.next += 1 }
            return range.next
        }
        return TSPEncoding.positiveIntegerContent(withUnsafeBytes(of: value.bigEndian) { Array($0) })
    }

    /// Reserves the next block in the file; returns it as [next, end).
    private func reserve() throws(CryptoError) -> (next: UInt64, end: UInt64) {
        let lock = open(path + ".lock", O_RDWR | O_CREAT | O_CLOEXEC, 0o600)
        guard lock >= 0 else { throw failure("cannot open \(path).lock") }
        defer { close(lock) }
        while flock(lock, LOCK_EX) != 0 {
            guard errno == EINTR else { throw failure("cannot lock \(path).lock") }
        }
        defer { flock(lock, LOCK_UN) }

        var start: UInt64 = 1
        if let data = FileManager.default.contents(atPath: path) {
            let text = String(decoding: data, as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines)
            guard data.count <= 64, let value = UInt64(text), value >= 1 else {
                throw CryptoError(.malformedInput, "\(path) does not hold a serial high mark")
            }
            start = value
        } else if FileManager.default.fileExists(atPath: path) {
            throw failure("cannot read \(path)")
        }
        let (end, overflow) = start.addingReportingOverflow(blockSize)
        guard !overflow else { throw CryptoError(.invalidArgument, "time-stamp serials are exhausted") }

        let temporary = path + ".tmp"
        let descriptor = open(temporary, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0o600)
        guard descriptor >= 0 else { throw failure("cannot create \(temporary)") }
        let bytes = Array("\(end)\n".utf8)
        let written = bytes.withUnsafeBytes { write(descriptor, $0.baseAddress, $0.count) }
        let synced = fsync(descriptor) == 0
        close(descriptor)
        guard written == bytes.count, synced else { throw failure("cannot write \(temporary)") }
        guard rename(temporary, path) == 0 else { throw failure("cannot rename \(temporary)") }
        let directory = (path as NSString).deletingLastPathComponent
        let directoryDescriptor = open(directory.isEmpty ? "." : directory, O_RDONLY | O_DIRECTORY | O_CLOEXEC)
        if directoryDescriptor >= 0 {
            _ = fsync(directoryDescriptor)
            close(directoryDescriptor)
        }
        return (start, end)
    }

    private func failure(_ message: String) -> CryptoError {
        CryptoError(.invalidArgument, "\(message): \(String(cString: strerror(errno)))")
    }
}
