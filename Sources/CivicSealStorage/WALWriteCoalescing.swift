internal import CSQLite

/// A VFS over SQLite's default one that hands a write transaction's WAL frames to the kernel in one `pwrite`.
///
/// SQLite appends each WAL frame with two writes, its 24-byte header and then the page
/// (https://www.sqlite.org/fileformat2.html#walformat), and returns from the commit once the last frame is written;
/// with `synchronous=NORMAL` nothing is synced at commit. A submission dirties about six pages, so its commit cost a
/// dozen `pwrite` system calls. This VFS keeps contiguous writes to a WAL file in a buffer and writes them out:
/// - right after the page of a commit frame (a frame header whose "database size after commit" field, bytes 4-7, is
///   not zero), so when SQLite goes on to publish the commit in the wal-index every byte is in the file, exactly as
///   without the buffer;
/// - before any other operation on that file (read, sync, truncate, size, file control, close), and before a write
///   that does not continue the buffer (SQLite rewriting a frame in place);
/// - when the buffer passes ``limit`` bytes (a very large transaction).
///
/// So what the file holds at every point where SQLite or another connection can observe it is what it would hold
/// without the VFS; only frames of a transaction that has not committed yet wait in memory, and a crash that loses
/// them loses what recovery would ignore anyway (frames after the last commit frame). Files other than WALs are
/// opened by the default VFS unchanged.
enum WALWriteCoalescing {
    static let name = "civicseal-wal"
    /// Buffered bytes beyond which the buffer is written out without waiting for the commit frame.
    static let limit = 4 << 20
    /// The most handed to the default VFS in one write: the largest page SQLite itself ever writes.
    static let largestWrite = 64 << 10

    /// Registers the VFS once (not as the default); `nil` if the default VFS cannot be found or registration fails,
    /// in which case connections use the default VFS directly.
    static let registeredName: String? = {
        guard let base = sqlite3_vfs_find(nil) else { return nil }
        baseVFS = base
        let vfs = UnsafeMutablePointer<sqlite3_vfs>.allocate(capacity: 1)
        vfs.initialize(to: base.pointee)  // every other method, `mxPathname` and `pAppData` as the default VFS has them
        vfs.pointee.iVersion = min(base.pointee.iVersion, 3)
        vfs.pointee.szOsFile = Int32(headerSize) + base.pointee.szOsFile
        vfs.pointee.pNext = nil
        let characters = Array(name.utf8CString)
        let storedName = UnsafeMutablePointer<CChar>.allocate(capacity: characters.count)  // lives as long as the process
        storedName.initialize(from: characters, count: characters.count)
        vfs.pointee.zName = UnsafePointer(storedName)
        vfs.pointee.xOpen = { _, name, file, flags, outFlags in WALWriteCoalescing.open(name, file, flags, outFlags) }
        guard sqlite3_vfs_register(vfs, 0) == SQLITE_OK else { return nil }
        return name
    }()

    // MARK: Layout of an open file

    /// Our `sqlite3_file`: `pMethods`, then a retained ``Buffer``, then the default VFS's own file object.
    private static let headerSize = 16
    nonisolated(unsafe) private static var baseVFS: UnsafeMutablePointer<sqlite3_vfs>?

    private static func baseFile(_ file: UnsafeMutablePointer<sqlite3_file>) -> UnsafeMutablePointer<sqlite3_file> {
        (UnsafeMutableRawPointer(file) + headerSize).assumingMemoryBound(to: sqlite3_file.self)
    }

    private static func buffer(_ file: UnsafeMutablePointer<sqlite3_file>) -> Buffer {
        let slot = (UnsafeMutableRawPointer(file) + 8).assumingMemoryBound(to: UnsafeMutableRawPointer.self)
        return Unmanaged<Buffer>.fromOpaque(slot.pointee).takeUnretainedValue()
    }

    /// The pending bytes of one WAL file. A file is used by one connection at a time (SQLite serialises calls on it).
    private final class Buffer {
        var bytes: [UInt8] = []
        var start: Int64 = 0
        /// The last write was the header of a commit frame: write everything out after its page.
        var commitFramePending = false
        /// Writes SQLite asked for, and writes handed to the default VFS (see ``statistics(of:)``).
        var writesReceived = 0
        var writesIssued = 0
    }

    /// How many writes SQLite made to a WAL opened through this VFS, and how many reached the default VFS (each one
    /// `pwrite`); nil for a file this VFS did not wrap.
    struct Statistics: Sendable, Hashable {
        let writesReceived: Int
        let writesIssued: Int
    }

    static func statistics(of file: UnsafeMutablePointer<sqlite3_file>) -> Statistics? {
        guard let methods = file.pointee.pMethods, [methodsV1, methodsV2, methodsV3].contains(methods) else { return nil }
        let pending = buffer(file)
        return Statistics(writesReceived: pending.writesReceived, writesIssued: pending.writesIssued)
    }

    private static func open(
        _ name: UnsafePointer<CChar>?, _ file: UnsafeMutablePointer<sqlite3_file>?, _ flags: Int32,
        _ outFlags: UnsafeMutablePointer<Int32>?
    ) -> Int32 {
        guard let file, let base = baseVFS else { return SQLITE_CANTOPEN }
        guard flags & SQLITE_OPEN_WAL != 0 else {
            // Not a WAL: the default VFS's file object fills the start of our allocation and is used as it is.
            return base.pointee.xOpen(base, name, file, flags, outFlags)
        }
        file.pointee.pMethods = nil
        let inner = baseFile(file)
        let result = base.pointee.xOpen(base, name, inner, flags, outFlags)
        guard result == SQLITE_OK, let innerMethods = inner.pointee.pMethods else {
            if inner.pointee.pMethods != nil { _ = inner.pointee.pMethods.pointee.xClose(inner) }
            return result == SQLITE_OK ? SQLITE_CANTOPEN : result
        }
        let slot = (UnsafeMutableRawPointer(file) + 8).assumingMemoryBound(to: UnsafeMutableRawPointer.self)
        slot.pointee = Unmanaged.passRetained(Buffer()).toOpaque()
        file.pointee.pMethods = methods(version: innerMethods.pointee.iVersion)
        return SQLITE_OK
    }

    /// Writes the buffer out through the default VFS; clears it whatever the outcome (after a failure SQLite rolls
    /// the transaction back, and frames after the last commit frame are ignored by recovery).
    private static func flush(_ file: UnsafeMutablePointer<sqlite3_file>) -> Int32 {
        let pending = buffer(file)
        guard !pending.bytes.isEmpty else { return SQLITE_OK }
        let inner = baseFile(file)
        let result = pending.bytes.withUnsafeBytes { raw in
            // The unix VFS writes less than 128 KiB per call (it masks the length with 0x1ffff), so larger buffers
            // go out in pieces of at most ``largestWrite``.
            var done = 0
            while done < raw.count {
                let piece = min(largestWrite, raw.count - done)
                pending.writesIssued += 1
                let result = inner.pointee.pMethods.pointee.xWrite(
                    inner, raw.baseAddress! + done, Int32(piece), pending.start + Int64(done))
                guard result == SQLITE_OK else { return result }
                done += piece
            }
            return SQLITE_OK
        }
        pending.bytes.removeAll(keepingCapacity: pending.bytes.capacity <= limit * 2)
        pending.commitFramePending = false
        return result
    }

    private static func write(
        _ file: UnsafeMutablePointer<sqlite3_file>, _ data: UnsafeRawPointer, _ count: Int32, _ offset: Int64
    ) -> Int32 {
        let pending = buffer(file)
        pending.writesReceived += 1
        if !pending.bytes.isEmpty, offset != pending.start + Int64(pending.bytes.count) {
            let result = flush(file)
            guard result == SQLITE_OK else { return result }
        }
        if pending.bytes.isEmpty { pending.start = offset }
        let chunk = UnsafeRawBufferPointer(start: data, count: Int(count))
        pending.bytes.append(contentsOf: chunk)
        if pending.commitFramePending {
            return flush(file)  // the commit frame's page: the transaction is complete
        }
        if count == 24, chunk[4] | chunk[5] | chunk[6] | chunk[7] != 0 {
            pending.commitFramePending = true
        }
        return pending.bytes.count > limit ? flush(file) : SQLITE_OK
    }

    private static func close(_ file: UnsafeMutablePointer<sqlite3_file>) -> Int32 {
        let flushed = flush(file)
        let inner = baseFile(file)
        let closed = inner.pointee.pMethods.pointee.xClose(inner)
        let slot = (UnsafeMutableRawPointer(file) + 8).assumingMemoryBound(to: UnsafeMutableRawPointer.self)
        Unmanaged<Buffer>.fromOpaque(slot.pointee).release()
        file.pointee.pMethods = nil
        return flushed != SQLITE_OK ? flushed : closed
    }

    // MARK: Method tables

    // Written once, when first used, and never changed: SQLite only reads them.
    nonisolated(unsafe) private static let methodsV1 = makeMethods(version: 1)
    nonisolated(unsafe) private static let methodsV2 = makeMethods(version: 2)
    nonisolated(unsafe) private static let methodsV3 = makeMethods(version: 3)

    private static func methods(version: Int32) -> UnsafePointer<sqlite3_io_methods> {
        switch version {
        case ...1: methodsV1
        case 2: methodsV2
        default: methodsV3
        }
    }

    /// One table per version of the default VFS's methods, so SQLite sees exactly the capabilities the inner file
    /// has. Every method but write and close flushes (where order matters) and then forwards.
    private static func makeMethods(version: Int32) -> UnsafePointer<sqlite3_io_methods> {
        var table = sqlite3_io_methods()
        table.iVersion = min(version, 3)
        table.xClose = { file in WALWriteCoalescing.close(file!) }
        table.xRead = { file, data, count, offset in
            let result = WALWriteCoalescing.flush(file!)
            guard result == SQLITE_OK else { return result }
            let inner = WALWriteCoalescing.baseFile(file!)
            return inner.pointee.pMethods.pointee.xRead(inner, data, count, offset)
        }
        table.xWrite = { file, data, count, offset in WALWriteCoalescing.write(file!, data!, count, offset) }
        table.xTruncate = { file, size in
            let result = WALWriteCoalescing.flush(file!)
            guard result == SQLITE_OK else { return result }
            let inner = WALWriteCoalescing.baseFile(file!)
            return inner.pointee.pMethods.pointee.xTruncate(inner, size)
        }
        table.xSync = { file, flags in
            let result = WALWriteCoalescing.flush(file!)
            guard result == SQLITE_OK else { return result }
            let inner = WALWriteCoalescing.baseFile(file!)
            return inner.pointee.pMethods.pointee.xSync(inner, flags)
        }
        table.xFileSize = { file, size in
            let result = WALWriteCoalescing.flush(file!)
            guard result == SQLITE_OK else { return result }
            let inner = WALWriteCoalescing.baseFile(file!)
            return inner.pointee.pMethods.pointee.xFileSize(inner, size)
        }
        table.xLock = { file, level in
            let inner = WALWriteCoalescing.baseFile(file!)
            return inner.pointee.pMethods.pointee.xLock(inner, level)
        }
        table.xUnlock = { file, level in
            let inner = WALWriteCoalescing.baseFile(file!)
            return inner.pointee.pMethods.pointee.xUnlock(inner, level)
        }
        table.xCheckReservedLock = { file, reserved in
            let inner = WALWriteCoalescing.baseFile(file!)
            return inner.pointee.pMethods.pointee.xCheckReservedLock(inner, reserved)
        }
        table.xFileControl = { file, operation, argument in
            let result = WALWriteCoalescing.flush(file!)
            guard result == SQLITE_OK else { return result }
            let inner = WALWriteCoalescing.baseFile(file!)
            return inner.pointee.pMethods.pointee.xFileControl(inner, operation, argument)
        }
        table.xSectorSize = { file in
            let inner = WALWriteCoalescing.baseFile(file!)
            return inner.pointee.pMethods.pointee.xSectorSize(inner)
        }
        table.xDeviceCharacteristics = { file in
            let inner = WALWriteCoalescing.baseFile(file!)
            return inner.pointee.pMethods.pointee.xDeviceCharacteristics(inner)
        }
        if version >= 2 {
            table.xShmMap = { file, region, size, extend, mapped in
                let inner = WALWriteCoalescing.baseFile(file!)
                return inner.pointee.pMethods.pointee.xShmMap(inner, region, size, extend, mapped)
            }
            table.xShmLock = { file, offset, count, flags in
                let inner = WALWriteCoalescing.baseFile(file!)
                return inner.pointee.pMethods.pointee.xShmLock(inner, offset, count, flags)
            }
            table.xShmBarrier = { file in
                let inner = WALWriteCoalescing.baseFile(file!)
                inner.pointee.pMethods.pointee.xShmBarrier(inner)
            }
            table.xShmUnmap = { file, delete in
                let inner = WALWriteCoalescing.baseFile(file!)
                return inner.pointee.pMethods.pointee.xShmUnmap(inner, delete)
            }
        }
        if version >= 3 {
            table.xFetch = { file, offset, count, pointer in
                let result = WALWriteCoalescing.flush(file!)
                guard result == SQLITE_OK else { return result }
                let inner = WALWriteCoalescing.baseFile(file!)
                return inner.pointee.pMethods.pointee.xFetch(inner, offset, count, pointer)
            }
            table.xUnfetch = { file, offset, pointer in
                let inner = WALWriteCoalescing.baseFile(file!)
                return inner.pointee.pMethods.pointee.xUnfetch(inner, offset, pointer)
            }
        }
        let stored = UnsafeMutablePointer<sqlite3_io_methods>.allocate(capacity: 1)
        stored.initialize(to: table)
        return UnsafePointer(stored)
    }
}
