import CivicSealCrypto
import CivicSealStorage
import Foundation

/// On PostgreSQL the time-stamp serials are reserved in the database, not in a file of one data directory: every
/// instance signing with the TSA identity draws its blocks from table `tsa_serials` (one row: the first serial not
/// yet reserved), so instances on different machines never repeat a serial (RFC 3161 §2.4.2: unique per TSA).
///
/// The first reservation starts above the high mark of `<data>/tsa-serials` when that file exists (an installation
/// moved from SQLite with `civicseal migrate` keeps counting up), and never below what the row already holds.
enum DatabaseTimeStampSerials {
    static let schema = """
        CREATE TABLE IF NOT EXISTS tsa_serials (
            only_row boolean PRIMARY KEY DEFAULT true CHECK (only_row),
            next_serial bigint NOT NULL CHECK (next_serial >= 1))
        """

    /// A source reserving its blocks in `store` (PostgreSQL), seeded from the file source's high mark in
    /// `dataDirectory` if there is one.
    static func source(store: any SQLStore, dataDirectory: String) throws(AppError) -> any TimeStampSerialSource {
        let seed = try fileHighMark("\(dataDirectory)/\(TimeStampServer.serialFileName)")
        do {
            try store.writeSession { try $0.execute(schema) }
            return try BlockTimeStampSerialSource { (blockSize) throws(CryptoError) -> UInt64 in
                try reserve(blockSize, seed: seed, store: store)
            }
        } catch let error as AppError {
            throw error
        } catch {
            throw AppError(.keyMaterial, "the time-stamp authority's serials: \(error)")
        }
    }

    /// One atomic upsert: the row moves up by `blockSize` (from the seed, or from what it held if that is higher) and
    /// the block below the new mark is ours.
    static func reserve(_ blockSize: UInt64, seed: UInt64, store: any SQLStore) throws(CryptoError) -> UInt64 {
        guard seed < UInt64(Int64.max) - blockSize else {
            throw CryptoError(.invalidArgument, "time-stamp serials are exhausted")
        }
        let size = Int64(blockSize)
        do {
            let end = try store.writeSession { session in
                try session.scalar(
                    "INSERT INTO tsa_serials (only_row, next_serial) VALUES (true, ?) ON CONFLICT (only_row) DO UPDATE "
                        + "SET next_serial = greatest(tsa_serials.next_serial, ?) + ? RETURNING next_serial",
                    [.integer(Int64(seed) + size), .integer(Int64(seed)), .integer(size)]
                ).int64
            }
            guard let end, end > size else {
                throw CryptoError(.invalidArgument, "the database holds no time-stamp serial high mark")
            }
            return UInt64(end - size)
        } catch let error as CryptoError {
            throw error
        } catch {
            // The database is down or refused: no serial is handed out, the time-stamp request fails.
            throw CryptoError(.invalidArgument, "cannot reserve time-stamp serials in the database: \(error)")
        }
    }

    /// The high mark a ``FileTimeStampSerialSource`` left in `path` (1 when there is no file).
    static func fileHighMark(_ path: String) throws(AppError) -> UInt64 {
        guard let data = FileManager.default.contents(atPath: path) else { return 1 }
        let text = String(decoding: data, as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines)
        guard data.count <= 64, let value = UInt64(text), value >= 1, value < UInt64(Int64.max) else {
            throw AppError(.keyMaterial, "\(path) does not hold a time-stamp serial high mark")
        }
        return value
    }
}
