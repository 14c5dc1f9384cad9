import CivicSealCrypto
import Foundation

/// A fresh SoftHSM2 token for a test: initialised with its own label, user PIN and SO PIN.
///
/// SoftHSM reads `SOFTHSM2_CONF` once, at `C_Initialize`, and one test process hosts every test: so the process has
/// ONE softhsm2.conf (in a temporary directory made on first use), every token is created in its shared token
/// directory under a distinct label, and tests find their token by label without seeing each other's.
package struct SoftHSMToken: Sendable {
    /// The process-wide directory holding softhsm2.conf and `tokens/`.
    package let directory: String
    package let label: String
    package let pin: String
    package let soPIN: String
    package let modulePath: String
    package let configPath: String

    /// Where Debian and others install the module.
    package static let modulePaths = [
        "/usr/lib/softhsm/libsofthsm2.so", "/usr/lib/x86_64-linux-gnu/softhsm/libsofthsm2.so",
        "/usr/lib/aarch64-linux-gnu/softhsm/libsofthsm2.so", "/usr/local/lib/softhsm/libsofthsm2.so",
        "/usr/lib64/pkcs11/libsofthsm2.so",
    ]

    /// The installed module, or nil.
    package static var installedModule: String? {
        modulePaths.first { FileManager.default.fileExists(atPath: $0) }
    }

    /// Whether token tests should run: always under CI (where a missing softhsm2 fails them), otherwise only when
    /// the module is installed.
    package static var isUsable: Bool { ExternalTool.isCI || installedModule != nil }

    private struct Shared: Sendable {
        let directory: String
        let configPath: String
    }

    /// Made once per process; SOFTHSM2_CONF is set before any module is initialised.
    private static let shared: Result<Shared, SetupError> = {
        let directory =
            FileManager.default.temporaryDirectory.path + "/civicseal-softhsm-\(getpid())-"
            + UUID().uuidString.prefix(8)
        do {
            try FileManager.default.createDirectory(
                atPath: directory + "/tokens", withIntermediateDirectories: true,
                attributes: [.posixPermissions: 0o700])
            let config = directory + "/softhsm2.conf"
            let text = """
                directories.tokendir = \(directory)/tokens
                objectstore.backend = file
                log.level = ERROR
                slots.removable = false
                slots.mechanisms = ALL

                """
            try Data(text.utf8).write(to: URL(fileURLWithPath: config))
            setenv("SOFTHSM2_CONF", config, 1)
            return .success(Shared(directory: directory, configPath: config))
        } catch {
            return .failure(SetupError(description: "creating the SoftHSM directory failed: \(error)"))
        }
    }()

    package struct SetupError: Error, CustomStringConvertible {
        package let description: String
    }

    /// How a token is initialised.
    package enum Initialisation: Sendable {
        /// Through the module this process has loaded (C_InitToken on SoftHSM's free slot, then C_InitPIN as the
        /// security officer): what `softhsm2-util --init-token --free` does, visible to this process and to children.
        case loadedModule
        /// By running `softhsm2-util --init-token --free --label … --so-pin … --pin …` with SOFTHSM2_CONF set: visible
        /// to child processes (the civicseal CLI, pkcs11-tool), but to this process only if it had not initialised
        /// the module yet (SoftHSM scans its token directory once, at C_Initialize).
        case softhsm2Util
    }

    /// Creates a fresh SoftHSM2 token in the process-wide token directory (SOFTHSM2_CONF set for this process).
    ///
    /// SoftHSM reads its token directory once, at C_Initialize: a token `softhsm2-util --init-token` makes after the
    /// module is loaded in this process stays invisible to it. So by default the token is initialised through the
    /// loaded module; ``Initialisation/softhsm2Util`` is for tokens only child processes use. Throws (so the test
    /// fails, never skips) when softhsm2 is missing.
    package static func make(
        label: String = "CivicSeal-\(UUID().uuidString.prefix(12))", via initialisation: Initialisation = .loadedModule
    ) throws -> SoftHSMToken {
        guard let modulePath = installedModule else { throw ExternalTool.Missing(tool: "softhsm2 (libsofthsm2.so)") }
        let shared = try Self.shared.get()
        let pin = SecureRandom.identifier(byteCount: 12)
        let soPIN = SecureRandom.identifier(byteCount: 12)
        switch initialisation {
        case .loadedModule:
            try PKCS11Token.initializeToken(modulePath: modulePath, label: label, soPIN: soPIN, userPIN: pin)
        case .softhsm2Util:
            // Test PINs on argv: softhsm2-util's way, never the product's.
            let output = try ExternalTool.run(
                "softhsm2-util", ["--init-token", "--free", "--label", label, "--so-pin", soPIN, "--pin", pin])
            guard output.status == 0 else {
                throw SetupError(description: "softhsm2-util --init-token failed: \(output.errorText)\(output.text)")
            }
        }
        return SoftHSMToken(
            directory: shared.directory, label: label, pin: pin, soPIN: soPIN, modulePath: modulePath,
            configPath: shared.configPath)
    }

    /// `pkcs11:token=<label>`.
    package var uri: PKCS11URI {
        var uri = PKCS11URI()
        uri.token = label
        return uri
    }

    /// Writes the PIN to a file of its own (0600) and returns its path.
    package func pinFile() throws -> String {
        let path = directory + "/pin-\(label)"
        FileManager.default.createFile(
            atPath: path, contents: Data((pin + "\n").utf8), attributes: [.posixPermissions: 0o600])
        guard FileManager.default.fileExists(atPath: path) else {
            throw SetupError(description: "writing the PIN file failed")
        }
        return path
    }

    /// The PIN source for ``pinFile()``.
    package func pinSource() throws -> PINSource { .file(try pinFile()) }

    /// Opens the token through our PKCS #11 layer.
    package func open() throws -> PKCS11Token {
        try PKCS11Token.open(modulePath: modulePath, uri: uri, pin: pinSource())
    }

    /// The directory holding this token's files: SoftHSM keeps one per token, named by a UUID, with a token.object
    /// file holding the label blank-padded to 32 bytes.
    package func tokenDirectory() throws -> String? {
        let tokens = directory + "/tokens"
        let padded = Array((label + String(repeating: " ", count: max(0, 32 - label.utf8.count))).utf8)
        for entry in try FileManager.default.contentsOfDirectory(atPath: tokens) {
            let path = tokens + "/" + entry
            guard let data = FileManager.default.contents(atPath: path + "/token.object") else { continue }
            if Array(data).firstRange(of: padded) != nil { return path }
        }
        return nil
    }

    /// Deletes this token's files (a token that disappears).
    package func remove() throws {
        guard let path = try tokenDirectory() else { throw SetupError(description: "no files for token \(label)") }
        try FileManager.default.removeItem(atPath: path)
    }

    /// Environment for child processes (civicseal CLI, pkcs11-tool): SOFTHSM2_CONF=<configPath>.
    package var environment: [String: String] { ["SOFTHSM2_CONF": configPath] }
}
