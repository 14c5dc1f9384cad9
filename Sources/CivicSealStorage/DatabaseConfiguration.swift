/// Settings shared by every connection of a ``Database`` (and usable for a lone ``Connection``).
///
/// Durability: connections run in WAL mode with `synchronous=NORMAL`. A committed transaction
/// survives a crash of the process (it is in the WAL file, which the OS keeps), but the last
/// transactions committed before a power loss or kernel panic may be lost, because the WAL is
/// only fsync'd at checkpoints. The database itself never becomes corrupt. This is SQLite's
/// documented trade-off (https://www.sqlite.org/pragma.html#pragma_synchronous); choose
/// ``Synchronous/full`` where losing an issued document's record on power loss is not acceptable.
public struct DatabaseConfiguration: Sendable, Hashable {
    /// `PRAGMA synchronous` for the writer.
    public enum Synchronous: String, Sendable, Hashable {
        /// fsync the WAL at checkpoints only: crash-safe, power-loss may drop the last commits.
        case normal = "NORMAL"
        /// fsync the WAL at every commit: power-loss safe, slower commits.
        case full = "FULL"
    }

    /// How long a connection waits on a lock held by another connection before failing with
    /// `SQLITE_BUSY`, in milliseconds (`sqlite3_busy_timeout`). Bounded so nothing waits forever.
    public var busyTimeoutMilliseconds: Int32
    /// How many read-only connections a ``Database`` keeps (at least 1).
    public var readerCount: Int
    /// How many prepared statements each connection keeps, keyed by SQL text.
    public var statementCacheCapacity: Int
    /// `PRAGMA synchronous` for the writer; see the type's note on durability.
    public var synchronous: Synchronous
    /// Page cache per connection in KiB (`PRAGMA cache_size = -N`). SQLite's default is 2,000 KiB, which makes
    /// random inserts into indexes of a million rows go to the OS for most pages.
    public var cacheSizeKibibytes: Int
    /// `PRAGMA mmap_size`: pages are read through a shared memory map instead of copied by `pread`.
    public var memoryMapBytes: Int
    /// `PRAGMA wal_autocheckpoint` for the writer: how many WAL pages accumulate before a commit also
    /// checkpoints. Larger means fewer, longer checkpoints inside commits.
    public var walAutocheckpointPages: Int

    public init(
        busyTimeoutMilliseconds: Int32 = 5000,
        readerCount: Int = 3,
        statementCacheCapacity: Int = 64,
        synchronous: Synchronous = .normal,
        cacheSizeKibibytes: Int = 16_384,
        memoryMapBytes: Int = 256 << 20,
        walAutocheckpointPages: Int = 1000
    ) {
        self.memoryMapBytes = max(0, memoryMapBytes)
        self.walAutocheckpointPages = max(0, walAutocheckpointPages)
        self.busyTimeoutMilliseconds = max(0, busyTimeoutMilliseconds)
        self.readerCount = max(1, readerCount)
        self.statementCacheCapacity = max(0, statementCacheCapacity)
        self.synchronous = synchronous
        self.cacheSizeKibibytes = max(0, cacheSizeKibibytes)
    }
}
