/// The fee band a request falls into.
package enum FeeCategory: String, Codable, Sendable, CaseIterable {
    case standard
    case reduced
    case exempt
}
