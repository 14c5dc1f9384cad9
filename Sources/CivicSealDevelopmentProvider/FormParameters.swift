import Foundation

/// `application/x-www-form-urlencoded` parameters of a query or a body, as OAuth 2.0 reads them (RFC 6749 §3.1:
/// "Request and response parameters MUST NOT be included more than once"; unknown parameters are ignored).
struct FormParameters: Sendable, Equatable {
    private(set) var values: [String: String] = [:]
    /// The first name that came twice, if any.
    private(set) var repeated: String?

    /// Parses `text`; nil when it is not valid percent-encoding or longer than `maximumLength` bytes (room for 8 KiB
    /// of typed claims percent-encoded, which can triple them).
    init?(_ text: Substring?, maximumLength: Int = 64 * 1024) {
        guard let text, !text.isEmpty else { return }
        guard text.utf8.count <= maximumLength else { return nil }
        for pair in text.split(separator: "&", omittingEmptySubsequences: true) {
            let parts = pair.split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false)
            guard let name = Self.decode(parts[0]), let value = Self.decode(parts.count > 1 ? parts[1] : "") else {
                return nil
            }
            if values[name] != nil, repeated == nil { repeated = name }
            values[name] = value
        }
    }

    init(values: [String: String]) { self.values = values }

    subscript(name: String) -> String? { values[name] }

    private static func decode(_ text: Substring) -> String? {
        String(text).replacingOccurrences(of: "+", with: " ").removingPercentEncoding
    }

    /// `value` percent-encoded for a query or a form body (unreserved characters stay, RFC 3986 §2.3).
    static func encode(_ value: String) -> String {
        value.addingPercentEncoding(withAllowedCharacters: unreserved) ?? ""
    }

    static let unreserved = CharacterSet(
        charactersIn: "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-._~")

    /// `pairs` as `a=1&b=2`.
    static func encode(_ pairs: [(String, String)]) -> String {
        pairs.map { "\(encode($0.0))=\(encode($0.1))" }.joined(separator: "&")
    }
}
