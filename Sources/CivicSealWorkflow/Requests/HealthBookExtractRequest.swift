/// An extract of one's electronic health book (JSON: `"kind": "health-book-extract"`): which sections, and
/// optionally the period (`from`/`to`, inclusive `YYYY-MM-DD`) the entries must fall in.
public struct HealthBookExtractRequest: Codable, Sendable, Hashable {
    public var sections: [HealthBookSection]
    public var from: String?
    public var to: String?
    public var purpose: String?

    public init(sections: [HealthBookSection], from: String? = nil, to: String? = nil, purpose: String? = nil) {
        self.sections = sections
        self.from = from
        self.to = to
        self.purpose = purpose
    }
}
