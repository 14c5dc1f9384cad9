import Foundation

/// Where a token's PIN comes from: a file (a mounted secret) or an environment variable. Never the PIN itself.
package enum PINSource: Sendable, Hashable, CustomStringConvertible {
    /// `file:/path` or `file:///path`; the file holds the PIN and at most one trailing newline.
    case file(String)
    /// `env:NAME`.
    case environment(String)

    /// Longest PIN accepted (PKCS #11 tokens allow far less; SoftHSM 255).
    package static let maximumPINLength = 255

    package init(_ text: String) throws(CryptoError) {
        guard text.utf8.count <= 4096 else { throw CryptoError(.invalidArgument, "a PIN source is at most 4096 bytes") }
        if text.hasPrefix("file:") {
            var path = String(text.dropFirst("file:".count))
            if path.hasPrefix("//") {
                path.removeFirst(2)  // file:///path: an empty authority (the local host)
            }
            guard path.hasPrefix("/"), path.count > 1, !path.contains("\0") else {
                throw CryptoError(.invalidArgument, "a PIN file is an absolute path: file:/run/secrets/pin")
            }
            self = .file(path)
        } else if text.hasPrefix("env:") {
            let name = String(text.dropFirst("env:".count))
            guard let first = name.utf8.first, !(0x30...0x39).contains(first), name.utf8.count <= 128,
                name.utf8.allSatisfy({ byte in
                    (0x41...0x5A).contains(byte) || (0x61...0x7A).contains(byte) || (0x30...0x39).contains(byte)
                        || byte == UInt8(ascii: "_")
                })
            else { throw CryptoError(.invalidArgument, "a PIN variable is a name: env:CIVICSEAL_TOKEN_PIN") }
            self = .environment(name)
        } else {
            throw CryptoError(.invalidArgument, "a PIN source is file:/path or env:NAME")
        }
    }

    package var description: String {
        switch self {
        case .file(let path): "file:\(path)"
        case .environment(let name): "env:\(name)"
        }
    }

    /// The PIN. Errors name the source, never the content.
    package func read() throws(CryptoError) -> String {
        let pin: String
        switch self {
        case .file(let path):
            var status = stat()
            guard stat(path, &status) == 0 else {
                throw CryptoError(.invalidArgument, "the PIN file \(path) cannot be read")
            }
            guard status.st_mode & S_IFMT == S_IFREG, status.st_size <= 4096 else {
                throw CryptoError(.invalidArgument, "the PIN file \(path) is not a small regular file")
            }
            guard let data = FileManager.default.contents(atPath: path) else {
                throw CryptoError(.invalidArgument, "the PIN file \(path) cannot be read")
            }
            var bytes = [UInt8](data)
            if bytes.last == UInt8(ascii: "\n") { bytes.removeLast() }
            if bytes.last == UInt8(ascii: "\r") { bytes.removeLast() }
            guard let text = String(validating: bytes, as: UTF8.self) else {
                throw CryptoError(.invalidArgument, "the PIN file \(path) is not UTF-8")
            }
            pin = text
        case .environment(let name):
            guard let value = ProcessInfo.processInfo.environment[name] else {
                throw CryptoError(.invalidArgument, "the PIN variable \(name) is not set")
            }
            pin = value
        }
        guard !pin.isEmpty, pin.utf8.count <= Self.maximumPINLength else {
            throw CryptoError(
                .invalidArgument, "the PIN from \(self) is empty or longer than \(Self.maximumPINLength) bytes")
        }
        guard !pin.contains(where: { $0 == "\n" || $0 == "\0" }) else {
            throw CryptoError(.invalidArgument, "the PIN from \(self) holds more than one line")
        }
        return pin
    }
}
