import CivicSealCrypto
import CivicSealTestSupport
import Dispatch
import Foundation
import Testing

@testable import CivicSealApp

/// On PostgreSQL the TSA's serials are reserved in the database: instances with data directories of their own (on
/// different machines) sign with one TSA identity and must never repeat a serial.
@Suite(.enabled(if: ExternalTool.isCI || ExternalTool.isUsable("initdb", "psql")))
struct DatabaseTimeStampSerialsTests {
    @Test("two instances with their own data directories draw serials from one database and never repeat one")
    func instancesNeverRepeatASerial() async throws {
        let folder = TemporaryDirectory("civicseal-tsa-serials")
        let database = try await SharedStateTests.database(folder)
        defer { database.drop() }
        let seen = try await SharedStateTests.offPool { () throws -> (serials: [UInt64], restarted: UInt64) in
            // Instance A moved from SQLite: its data directory holds the file source's high mark.
            let dataA = folder.path + "/a"
            let dataB = folder.path + "/b"
            for directory in [dataA, dataB] {
                try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
            }
            try Data("5000\n".utf8).write(to: URL(fileURLWithPath: "\(dataA)/\(TimeStampServer.serialFileName)"))
            let store = try DatabaseOption.open(
                DatabaseOption.location(database.url, dataDirectory: nil), mustExist: false)
            defer { try? store.close() }
            let a = try TimeStampServer.serialSource(dataDirectory: dataA, store: store)
            let b = try TimeStampServer.serialSource(dataDirectory: dataB, store: store)
            var serials: [UInt64] = []
            // More than one block each (4,096), interleaved: A, B, A, B, …
            for _ in 0..<5_000 {
                serials.append(Self.value(try a.next()))
                serials.append(Self.value(try b.next()))
            }
            // A restarted instance continues above everything handed out.
            let restarted = try TimeStampServer.serialSource(dataDirectory: dataB, store: store)
            return (serials, Self.value(try restarted.next()))
        }
        #expect(Set(seen.serials).count == seen.serials.count, "a serial was handed out twice")
        #expect(seen.serials.min() ?? 0 >= 5000, "a serial below the file's high mark: \(seen.serials.min() ?? 0)")
        #expect(seen.restarted > seen.serials.max() ?? .max)
        // Nothing was written to the data directory: the database holds the high mark (the first serial not yet
        // reserved: the restarted instance took one block from where the others stopped).
        let fileB = folder.path + "/b/\(TimeStampServer.serialFileName)"
        #expect(!FileManager.default.fileExists(atPath: fileB))
        #expect(try database.scalar("SELECT next_serial FROM tsa_serials") == String(seen.restarted + 4096))
    }

    @Test("a corrupt high-mark file is refused with a clear error, never read as 1")
    func corruptHighMarkIsRefused() throws {
        let folder = TemporaryDirectory("civicseal-tsa-serials")
        let path = folder.path + "/\(TimeStampServer.serialFileName)"
        try Data("12 monkeys\n".utf8).write(to: URL(fileURLWithPath: path))
        #expect(throws: AppError.self) { try DatabaseTimeStampSerials.fileHighMark(path) }
        #expect(try DatabaseTimeStampSerials.fileHighMark(folder.path + "/absent") == 1)
    }

    static func value(_ content: [UInt8]) -> UInt64 { content.reduce(0) { $0 << 8 | UInt64($1) } }
}
