/// Settings shared by every connection of a ``Database`` (and usable for a lone ``Connection``).
///
/// Durability: connections run in WAL mode with `synchronous=NORMAL`. A committed transaction
/// survives a crash of the process (it is in the WAL file, which the OS keeps), but the last
/// transactions committed before a power loss or kernel panic may be lost, because the WAL is
/// only fsync'd at checkpoints. The database itself never becomes corrupt. This is SQLite's
/// documented trade-off (https://www.sqlite.org/pragma.html#pragma_synchronous); choose
/// ``Synchronous/full`` where losing an issued document's record on power loss is not acceptable.
package struct DatabaseConfiguration: Sendable, Hashable {
    /// `PRAGMA synchronous` for the writer.
    package enum Synchronous: String, Sendable, Hashable {
        /// fsync the WAL at checkpoints only: crash-safe, power-loss may drop the last commits.
        case normal = "NORMAL"
        /// fsync the WAL at every commit: power-loss safe, slower commits.
        case full = "FULL"
    }

    /// How long a connection waits on a lock held by another connection before failing with
    /// `SQLITE_BUSY`, in milliseconds (`sqlite3_busy_timeout`). Bounded so nothing waits forever.
    package var busyTimeoutMilliseconds: Int32
    /// How many read-only connections a ``Database`` keeps (at least 1).
    package var readerCount: Int
    /// How many prepared statements each connection keeps, keyed by SQL text.
    package var statementCacheCapacity: Int
    /// `PRAGMA synchronous` for the writer; see the type's note on durability.
    package var synchronous: Synchronous
    /// Page cache per connection in KiB (`PRAGMA cache_size = -N`). SQLite's default is 2,000 KiB, which makes
    /// random inserts into indexes of a million rows go to the OS for most pages.
    package var cacheSizeKibibytes: Int
    /// `PRAGMA mmap_size`: pages are read through a shared memory map instead of copied by `pread`.
    package var memoryMapBytes: Int
    /// `PRAGMA wal_autocheckpoint` for the writer when ``backgroundCheckpoint`` is nil: how many WAL pages
    /// accumulate before a commit also checkpoints. Larger means fewer, longer checkpoints inside commits.
    package var walAutocheckpointPages: Int
    /// `PRAGMA page_size` in bytes for a database file this configuration creates; nil keeps SQLite's default
    /// (4,096). An existing WAL database keeps its page size.
    package var pageSize: Int?
    /// Checkpointing off the writer's commit path for a ``Database`` (the default); nil leaves it to SQLite's
    /// automatic checkpoint inside commits (``walAutocheckpointPages``), as for a lone ``Connection``.
    /// See ``BackgroundCheckpoint``.
    package var backgroundCheckpoint: BackgroundCheckpoint?
    /// Open files through a VFS that writes a transaction's WAL frames out with one `pwrite` at the commit frame
    /// instead of two per frame (see `WALWriteCoalescing`). What other connections and recovery can see of the WAL is
    /// unchanged; off means SQLite's default VFS.
    package var coalescesWALWrites: Bool

    /// How a ``Database`` copies the WAL back into the database file without making commits wait.
    ///
    /// - A checkpointer with its own connection and serial queue runs a PASSIVE checkpoint every
    ///   ``intervalMilliseconds`` while commits arrive: it copies committed frames into the database file (fsyncing the
    ///   WAL first and the file after) while the writer keeps committing; it never takes the write lock. A short
    ///   interval keeps the WAL small, so the writer finds the pages it reads in the database file (memory-mapped)
    ///   rather than in the WAL. When a pass finds nothing new it waits ``idleIntervalMilliseconds`` instead
    ///   (bounded by ``idleTruncateMilliseconds``), so an idle service is not woken 200 times a second.
    /// - SQLite restarts the WAL from its beginning only at a write transaction that finds every frame copied. A busy
    ///   writer appends during each background pass, so once the WAL holds ``restartPages`` frames the checkpointer
    ///   asks the writer to run one PASSIVE checkpoint between two transactions; it copies just the frames committed
    ///   since the last pass, and the next transaction rewinds the WAL (read transactions that still use old frames
    ///   can delay this).
    /// - Backstop: the writer's `wal_autocheckpoint` is ``limitPages``, so a stalled checkpointer cannot let the WAL
    ///   grow without bound; a commit that pushes it past the limit checkpoints inline, as SQLite does by default.
    /// - When nothing was committed for ``idleTruncateMilliseconds``, the checkpointer tries a TRUNCATE checkpoint
    ///   (without waiting for locks) so an idle database keeps an empty `-wal` file.
    ///
    /// Durability is unchanged: a commit is acknowledged once its frames are in the WAL; checkpoints only move them.
    package struct BackgroundCheckpoint: Sendable, Hashable {
        /// Time between two background PASSIVE checkpoints while the WAL grows.
        package var intervalMilliseconds: Int
        /// Time between two passes once a pass found no new frame.
        package var idleIntervalMilliseconds: Int
        /// WAL frames after which the writer is asked to finish a checkpoint so the WAL restarts.
        package var restartPages: Int
        /// The writer's own `wal_autocheckpoint`: the bound on WAL growth if the checkpointer falls behind.
        package var limitPages: Int
        /// Quiet time after which the checkpointer truncates the `-wal` file.
        package var idleTruncateMilliseconds: Int

        package init(
            intervalMilliseconds: Int = 5, idleIntervalMilliseconds: Int = 100, restartPages: Int = 8_192,
            limitPages: Int = 65_536, idleTruncateMilliseconds: Int = 1_000
        ) {
            self.intervalMilliseconds = max(1, intervalMilliseconds)
            self.idleIntervalMilliseconds = max(self.intervalMilliseconds, idleIntervalMilliseconds)
            self.restartPages = max(1, restartPages)
            self.limitPages = max(self.restartPages, limitPages)
            self.idleTruncateMilliseconds = max(0, idleTruncateMilliseconds)
        }
    }

    package init(
        busyTimeoutMilliseconds: Int32 = 5000,
        readerCount: Int = 3,
        statementCacheCapacity: Int = 64,
        synchronous: Synchronous = .normal,
        cacheSizeKibibytes: Int = 16_384,
        memoryMapBytes: Int = 256 << 20,
        walAutocheckpointPages: Int = 1000,
        backgroundCheckpoint: BackgroundCheckpoint? = BackgroundCheckpoint(),
        pageSize: Int? = nil,
        coalescesWALWrites: Bool = true
    ) {
        self.pageSize = pageSize
        self.coalescesWALWrites = coalescesWALWrites
        self.backgroundCheckpoint = backgroundCheckpoint
        self.memoryMapBytes = max(0, memoryMapBytes)
        self.walAutocheckpointPages = max(0, walAutocheckpointPages)
        self.busyTimeoutMilliseconds = max(0, busyTimeoutMilliseconds)
        self.readerCount = max(1, readerCount)
        self.statementCacheCapacity = max(0, statementCacheCapacity)
        self.synchronous = synchronous
        self.cacheSizeKibibytes = max(0, cacheSizeKibibytes)
    }
}
