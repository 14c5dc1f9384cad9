import CivicSealAPI
import CivicSealCasework
import CivicSealCrypto
import CivicSealHTTP
import CivicSealRecords
import Foundation

/// The keyring's time-stamp authority, as `serve` mounts it at `POST /pki/tsa` and `civicseal tsa` runs it alone.
package enum TimeStampServer {
    /// CivicSeal's TSA policy: `ARC.1` under the UUID arc (ITU-T X.667) CivicSeal's OIDs live in.
    package static let defaultPolicy = "2.25.213434514593947064134081311862153508573.1"
    /// Where the serials are persisted, inside the data directory.
    package static let serialFileName = "tsa-serials"

    /// The authority over the keyring's TSA identity, with serials persisted in `<dataDirectory>/tsa-serials`;
    /// nil when the keyring has no TSA identity (the route then answers 503).
    package static func authority(
        keyring: Keyring, dataDirectory: String, store: RequestStore? = nil, policy: String = defaultPolicy,
        clock: @escaping @Sendable () -> Date = { Date() }
    ) throws(AppError) -> TimeStampAuthority? {
        guard keyring.timeStampingSigner != nil else { return nil }
        return try authority(
            keyring: keyring, serials: try serialSource(dataDirectory: dataDirectory, store: store), policy: policy,
            clock: clock)
    }

    /// The serials persisted in `<dataDirectory>/tsa-serials`: one source per process, shared by every authority it
    /// runs (a TSA rotated without a restart continues the same sequence). With a `store` on PostgreSQL, reserved in
    /// the database instead (``DatabaseTimeStampSerials``), so instances with data directories of their own never
    /// repeat a serial.
    static func serialSource(dataDirectory: String, store: RequestStore? = nil) throws(AppError)
        -> any TimeStampSerialSource
    {
        try SecureFile.makeDirectory(dataDirectory, mode: 0o700)
        if let store, store.database.dialect == .postgresql {
            return try DatabaseTimeStampSerials.source(store: store.database, dataDirectory: dataDirectory)
        }
        do { return try FileTimeStampSerialSource(path: "\(dataDirectory)/\(serialFileName)") } catch {
            throw AppError(.keyMaterial, "the time-stamp authority: \(error.message)")
        }
    }

    /// The authority over the keyring's TSA identity drawing from `serials`; nil without a TSA identity.
    static func authority(
        keyring: Keyring, serials: any TimeStampSerialSource, policy: String,
        clock: @escaping @Sendable () -> Date
    ) throws(AppError) -> TimeStampAuthority? {
        guard let signer = keyring.timeStampingSigner else { return nil }
        do { return try TimeStampAuthority(signer: signer, policy: policy, serials: serials, clock: clock) } catch {
            throw AppError(.keyMaterial, "the time-stamp authority: \(error.message)")
        }
    }

    /// `civicseal tsa --port N [--host H] [--keys DIR] [--data DIR]`: the authority alone on our HTTP server.
    package static func start(
        host: String = "127.0.0.1", port: Int, keysDirectory: String, dataDirectory: String,
        logSink: any HTTPLogSink = StandardOutputLogSink()
    ) throws(AppError) -> HTTPServer {
        let keyring = try Keyring(directory: keysDirectory)
        guard let authority = try authority(keyring: keyring, dataDirectory: dataDirectory) else {
            throw AppError(
                .keyMaterial,
                "\(keysDirectory)/ has no time-stamp authority identity (run civicseal keys init to add it)")
        }
        var builder = HTTPRouter.Builder()
        TimeStampHandler(authority: authority).register(&builder)
        let router: HTTPRouter
        do { router = try builder.build() } catch { throw AppError(.configuration, "routes: \(error)") }
        var configuration = HTTPServerConfiguration(host: host, port: port)
        configuration.limits.maximumBodySize = 64 * 1024
        let server = HTTPServer(configuration: configuration, responder: router, logSink: logSink)
        do { try server.start() } catch {
            throw AppError(.fileSystem, "cannot listen on \(host):\(port): \(error)")
        }
        return server
    }
}
