/// The fee band a request falls into.
public enum FeeCategory: String, Codable, Sendable, CaseIterable {
    case standard
    case reduced
    case exempt
}
