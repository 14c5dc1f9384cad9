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
/// - before any other operation on that file (read, sync, truncate, size, file control), and before a write that
///   does not continue the buffer (SQLite rewriting a frame in place);
/// - when the buffer passes ``limit`` bytes (a very large transaction).
///
/// Bytes still buffered when the connection releases the WAL write lock belong to a transaction that did not commit
/// (frames a large transaction spilled before it rolled back): they are dropped then, never written later, when another
/// connection or process may have appended its own frames at those offsets. The main database file is wrapped only to
/// see that release (`xShmLock` on the write lock, https://www.sqlite.org/walformat.html#locks); its WAL is found with
/// `sqlite3_database_file_object`, SQLite's API for VFS shims.
///
/// So what the file holds at every point where SQLite or another connection can observe it is what it would hold
/// without the VFS; only frames of a transaction that has not committed yet wait in memory, and a crash that loses
/// them loses what recovery would ignore anyway (frames after the last commit frame). Other files (journals,
/// temporary files) are opened by the default VFS unchanged.
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
        // lives as long as the process
        let storedName = UnsafeMutablePointer<CChar>.allocate(capacity: characters.count)
        storedName.initialize(from: characters, count: characters.count)
        vfs.pointee.zName = UnsafePointer(storedName)
        vfs.pointee.xOpen = { _, name, file, flags, outFlags in WALWriteCoalescing.open(name, file, flags, outFlags) }
        guard sqlite3_vfs_register(vfs, 0) == SQLITE_OK else { return nil }
        return name
    }()

    // MARK: Layout of an open file

    /// Our `sqlite3_file`: `pMethods`, then a slot, then the default VFS's own file object. A WAL's slot holds its
    /// ``Buffer`` (retained); a main database file's slot holds its WAL's buffer while that WAL is open (unretained).
    private static let headerSize = 16
    nonisolated(unsafe) private static var baseVFS: UnsafeMutablePointer<sqlite3_vfs>?

    private static func baseFile(_ file: UnsafeMutablePointer<sqlite3_file>) -> UnsafeMutablePointer<sqlite3_file> {
        (UnsafeMutableRawPointer(file) + headerSize).assumingMemoryBound(to: sqlite3_file.self)
    }

    private static func slot(_ file: UnsafeMutablePointer<sqlite3_file>) -> UnsafeMutablePointer<
        UnsafeMutableRawPointer?
    > {
        (UnsafeMutableRawPointer(file) + 8).assumingMemoryBound(to: UnsafeMutableRawPointer?.self)
    }

    private static func buffer(_ file: UnsafeMutablePointer<sqlite3_file>) -> Buffer {
        Unmanaged<Buffer>.fromOpaque(slot(file).pointee!).takeUnretainedValue()
    }

    /// The pending bytes of one WAL file. A file is used by one connection at a time (SQLite serialises calls on it).
    private final class Buffer {
        var bytes: [UInt8] = []
        var start: Int64 = 0
        /// The last write was the header of a commit frame: write everything out after its page.
        var commitFramePending = false
        /// Writes SQLite asked for, writes handed to the default VFS, and transactions whose buffered frames were
        /// dropped because they ended without a commit (see ``statistics(of:)``).
        var writesReceived = 0
        var writesIssued = 0
        var discards = 0
        /// The main database file whose slot points at this buffer, to be cleared when the WAL closes.
        var database: UnsafeMutablePointer<sqlite3_file>?

        /// Empties the buffer (keeping its storage unless an oversized transaction grew it).
        func clear() {
            bytes.removeAll(keepingCapacity: bytes.capacity <= WALWriteCoalescing.limit * 2)
            commitFramePending = false
        }

        /// Drops what a transaction that did not commit left buffered.
        func discard() {
            guard !bytes.isEmpty else { return }
            clear()
            discards += 1
        }
    }

    /// How many writes SQLite made to a WAL opened through this VFS, and how many reached the default VFS (each one
    /// `pwrite`); nil for a file this VFS did not wrap.
    struct Statistics: Sendable, Hashable {
        let writesReceived: Int
        let writesIssued: Int
        let discards: Int
        /// Bytes waiting for the commit frame (or for the next operation on the file).
        let bufferedBytes: Int
    }

    static func statistics(of file: UnsafeMutablePointer<sqlite3_file>) -> Statistics? {
        guard let methods = file.pointee.pMethods, [walV1, walV2, walV3].contains(methods) else { return nil }
        let pending = buffer(file)
        return Statistics(
            writesReceived: pending.writesReceived, writesIssued: pending.writesIssued, discards: pending.discards,
            bufferedBytes: pending.bytes.count)
    }

    private static func open(
        _ name: UnsafePointer<CChar>?, _ file: UnsafeMutablePointer<sqlite3_file>?, _ flags: Int32,
        _ outFlags: UnsafeMutablePointer<Int32>?
    ) -> Int32 {
        guard let file, let base = baseVFS else { return SQLITE_CANTOPEN }
        let isWAL = flags & SQLITE_OPEN_WAL != 0
        guard isWAL || flags & SQLITE_OPEN_MAIN_DB != 0 else {
            // Neither: the default VFS's file object fills the start of our allocation and is used as it is.
            return base.pointee.xOpen(base, name, file, flags, outFlags)
        }
        file.pointee.pMethods = nil
        let inner = baseFile(file)
        let result = base.pointee.xOpen(base, name, inner, flags, outFlags)
        guard result == SQLITE_OK, let innerMethods = inner.pointee.pMethods else {
            if inner.pointee.pMethods != nil { _ = inner.pointee.pMethods.pointee.xClose(inner) }
            return result == SQLITE_OK ? SQLITE_CANTOPEN : result
        }
        let version = innerMethods.pointee.iVersion
        guard isWAL else {
            slot(file).pointee = nil
            file.pointee.pMethods = version <= 1 ? databaseV1 : version == 2 ? databaseV2 : databaseV3
            return SQLITE_OK
        }
        let pending = Buffer()
        slot(file).pointee = Unmanaged.passRetained(pending).toOpaque()
        file.pointee.pMethods = version <= 1 ? walV1 : version == 2 ? walV2 : walV3
        // Link the WAL to its database file (same connection, same thread) so the write lock's release finds it.
        if let name, let database = sqlite3_database_file_object(name),
            let methods = database.pointee.pMethods, [databaseV1, databaseV2, databaseV3].contains(methods)
        {
            pending.database = database
            slot(database).pointee = Unmanaged.passUnretained(pending).toOpaque()
        }
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
        pending.clear()
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

    /// Closes a WAL. Anything still buffered belongs to a transaction that never committed, so it is dropped.
    private static func close(_ file: UnsafeMutablePointer<sqlite3_file>) -> Int32 {
        let pending = buffer(file)
        pending.discard()
        if let database = pending.database { slot(database).pointee = nil }
        let inner = baseFile(file)
        let closed = inner.pointee.pMethods.pointee.xClose(inner)
        Unmanaged<Buffer>.fromOpaque(slot(file).pointee!).release()
        slot(file).pointee = nil
        file.pointee.pMethods = nil
        return closed
    }

    /// Closes a main database file (after its WAL, as SQLite does; unlinked here in case it is not).
    private static func closeDatabase(_ file: UnsafeMutablePointer<sqlite3_file>) -> Int32 {
        if let linked = slot(file).pointee { Unmanaged<Buffer>.fromOpaque(linked).takeUnretainedValue().database = nil }
        let inner = baseFile(file)
        let closed = inner.pointee.pMethods.pointee.xClose(inner)
        file.pointee.pMethods = nil
        return closed
    }

    // MARK: Method tables

    // Written once, when first used, and never changed: SQLite only reads them. One table per version of the default
    // VFS's methods, so SQLite sees exactly the capabilities the inner file has.
    nonisolated(unsafe) private static let walV1 = makeMethods(version: 1, wal: true)
    nonisolated(unsafe) private static let walV2 = makeMethods(version: 2, wal: true)
    nonisolated(unsafe) private static let walV3 = makeMethods(version: 3, wal: true)
    nonisolated(unsafe) private static let databaseV1 = makeMethods(version: 1, wal: false)
    nonisolated(unsafe) private static let databaseV2 = makeMethods(version: 2, wal: false)
    nonisolated(unsafe) private static let databaseV3 = makeMethods(version: 3, wal: false)

    /// The default VFS's file object inside ours, and its methods.
    private static func inner(_ file: UnsafeMutablePointer<sqlite3_file>?) -> (
        UnsafeMutablePointer<sqlite3_file>, sqlite3_io_methods
    ) {
        let inner = baseFile(file!)
        return (inner, inner.pointee.pMethods.pointee)
    }

    // The methods both tables forward as they are (a WAL's after writing its buffer out).
    private static func forwardRead(
        _ file: UnsafeMutablePointer<sqlite3_file>?, _ data: UnsafeMutableRawPointer?, _ count: Int32,
        _ offset: sqlite3_int64
    ) -> Int32 {
        let (inner, methods) = Self.inner(file)
        return methods.xRead(inner, data, count, offset)
    }

    private static func forwardTruncate(_ file: UnsafeMutablePointer<sqlite3_file>?, _ size: sqlite3_int64) -> Int32 {
        let (inner, methods) = Self.inner(file)
        return methods.xTruncate(inner, size)
    }

    private static func forwardSync(_ file: UnsafeMutablePointer<sqlite3_file>?, _ flags: Int32) -> Int32 {
        let (inner, methods) = Self.inner(file)
        return methods.xSync(inner, flags)
    }

    private static func forwardFileSize(
        _ file: UnsafeMutablePointer<sqlite3_file>?, _ size: UnsafeMutablePointer<sqlite3_int64>?
    ) -> Int32 {
        let (inner, methods) = Self.inner(file)
        return methods.xFileSize(inner, size)
    }

    private static func forwardFileControl(
        _ file: UnsafeMutablePointer<sqlite3_file>?, _ operation: Int32, _ argument: UnsafeMutableRawPointer?
    ) -> Int32 {
        let (inner, methods) = Self.inner(file)
        return methods.xFileControl(inner, operation, argument)
    }

    /// Writes a WAL's buffer out, then runs `operation` if that succeeded.
    private static func afterFlush(_ file: UnsafeMutablePointer<sqlite3_file>?, _ operation: () -> Int32) -> Int32 {
        let result = flush(file!)
        return result == SQLITE_OK ? operation() : result
    }

    /// A WAL's methods flush before every operation where order matters (read, truncate, sync, size, file control)
    /// and buffer writes; a main database file's methods forward everything and watch `xShmLock`.
    private static func makeMethods(version: Int32, wal: Bool) -> UnsafePointer<sqlite3_io_methods> {
        var table = sqlite3_io_methods()
        table.iVersion = min(version, 3)
        if wal {
            table.xClose = { file in WALWriteCoalescing.close(file!) }
            table.xWrite = { file, data, count, offset in WALWriteCoalescing.write(file!, data!, count, offset) }
            table.xRead = { file, data, count, offset in
                WALWriteCoalescing.afterFlush(file) { WALWriteCoalescing.forwardRead(file, data, count, offset) }
            }
            table.xTruncate = { file, size in
                WALWriteCoalescing.afterFlush(file) { WALWriteCoalescing.forwardTruncate(file, size) }
            }
            table.xSync = { file, flags in
                WALWriteCoalescing.afterFlush(file) { WALWriteCoalescing.forwardSync(file, flags) }
            }
            table.xFileSize = { file, size in
                WALWriteCoalescing.afterFlush(file) { WALWriteCoalescing.forwardFileSize(file, size) }
            }
            table.xFileControl = { file, operation, argument in
                WALWriteCoalescing.afterFlush(file) { WALWriteCoalescing.forwardFileControl(file, operation, argument) }
            }
        } else {
            table.xClose = { file in WALWriteCoalescing.closeDatabase(file!) }
            table.xWrite = { file, data, count, offset in
                let (inner, methods) = WALWriteCoalescing.inner(file)
                return methods.xWrite(inner, data, count, offset)
            }
            table.xRead = { file, data, count, offset in WALWriteCoalescing.forwardRead(file, data, count, offset) }
            table.xTruncate = { file, size in WALWriteCoalescing.forwardTruncate(file, size) }
            table.xSync = { file, flags in WALWriteCoalescing.forwardSync(file, flags) }
            table.xFileSize = { file, size in WALWriteCoalescing.forwardFileSize(file, size) }
            table.xFileControl = { file, operation, argument in
                WALWriteCoalescing.forwardFileControl(file, operation, argument)
            }
        }
        table.xLock = { file, level in
            let (inner, methods) = WALWriteCoalescing.inner(file)
            return methods.xLock(inner, level)
        }
        table.xUnlock = { file, level in
            let (inner, methods) = WALWriteCoalescing.inner(file)
            return methods.xUnlock(inner, level)
        }
        table.xCheckReservedLock = { file, reserved in
            let (inner, methods) = WALWriteCoalescing.inner(file)
            return methods.xCheckReservedLock(inner, reserved)
        }
        table.xSectorSize = { file in
            let (inner, methods) = WALWriteCoalescing.inner(file)
            return methods.xSectorSize(inner)
        }
        table.xDeviceCharacteristics = { file in
            let (inner, methods) = WALWriteCoalescing.inner(file)
            return methods.xDeviceCharacteristics(inner)
        }
        if version >= 2 {
            table.xShmMap = { file, region, size, extend, mapped in
                let (inner, methods) = WALWriteCoalescing.inner(file)
                return methods.xShmMap(inner, region, size, extend, mapped)
            }
            table.xShmLock = { file, offset, count, flags in
                // Releasing the WAL write lock (slot 0) ends the write transaction: what its WAL still buffers did not
                // commit and must never reach the file. (Only a main database file's slot is set.)
                if flags & SQLITE_SHM_UNLOCK != 0, offset == 0, let linked = WALWriteCoalescing.slot(file!).pointee {
                    Unmanaged<Buffer>.fromOpaque(linked).takeUnretainedValue().discard()
                }
                let (inner, methods) = WALWriteCoalescing.inner(file)
                return methods.xShmLock(inner, offset, count, flags)
            }
            table.xShmBarrier = { file in
                let (inner, methods) = WALWriteCoalescing.inner(file)
                methods.xShmBarrier(inner)
            }
            table.xShmUnmap = { file, delete in
                let (inner, methods) = WALWriteCoalescing.inner(file)
                return methods.xShmUnmap(inner, delete)
            }
        }
        if version >= 3 {
            table.xFetch = { file, offset, count, pointer in
                let (inner, methods) = WALWriteCoalescing.inner(file)
                return methods.xFetch(inner, offset, count, pointer)
            }
            table.xUnfetch = { file, offset, pointer in
                let (inner, methods) = WALWriteCoalescing.inner(file)
                return methods.xUnfetch(inner, offset, pointer)
            }
        }
        let stored = UnsafeMutablePointer<sqlite3_io_methods>.allocate(capacity: 1)
        stored.initialize(to: table)
        return UnsafePointer(stored)
    }
}
