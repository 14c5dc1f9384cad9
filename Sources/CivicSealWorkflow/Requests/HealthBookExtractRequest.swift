/// An extract of one's electronic health book (JSON: `"kind": "health-book-extract"`): which sections, and
/// optionally the period (`from`/`to`, inclusive `YYYY-MM-DD`) the entries must fall in.
package struct HealthBookExtractRequest: Codable, Sendable, Hashable {
    package var sections: [HealthBookSection]
    package var from: String?
    package var to: String?
    package var purpose: String?

    package init(sections: [HealthBookSection], from: String? = nil, to: String? = nil, purpose: String? = nil) {
        self.sections = sections
        self.from = from
        self.to = to
        self.purpose = purpose
    }
}
