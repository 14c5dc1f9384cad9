/// What the duplicate rule needs to know about one of a citizen's earlier requests.
package struct ExistingRequest: Codable, Sendable, Hashable {
    package var kind: RequestKind
    package var form: CriminalRecordForm?
    package var state: RequestState

    package init(kind: RequestKind, form: CriminalRecordForm? = nil, state: RequestState) {
        self.kind = kind
        self.form = form
        self.state = state
    }
}
