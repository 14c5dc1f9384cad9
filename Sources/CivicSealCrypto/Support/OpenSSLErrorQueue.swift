internal import COpenSSL

/// Reads and empties the calling thread's OpenSSL error queue.
enum OpenSSLErrorQueue {
    /// Every pending error as `library:reason` text, oldest first; the queue is left empty.
    static func drain() -> [String] {
        var messages: [String] = []
        var buffer = [CChar](repeating: 0, count: 256)
        while true {
            let code = ERR_get_error()
            if code == 0 { break }
            ERR_error_string_n(code, &buffer, buffer.count)
            messages.append(String(decoding: buffer.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self))
        }
        return messages
    }

    /// Empties the queue without reading it (before an operation whose failure we classify ourselves).
    static func clear() { ERR_clear_error() }
}

extension CryptoError {
    /// An error carrying the drained OpenSSL error queue.
    static func openSSL(_ code: Code, _ message: String) -> CryptoError {
        CryptoError(code, message, openSSLErrors: OpenSSLErrorQueue.drain())
    }

    /// An OpenSSL failure that is not the caller's input.
    static func openSSL(_ message: String) -> CryptoError { openSSL(.openSSLFailure, message) }
}
