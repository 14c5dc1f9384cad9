/// What the duplicate rule needs to know about one of a citizen's earlier requests.
public struct ExistingRequest: Codable, Sendable, Hashable {
    public var kind: RequestKind
    public var form: CriminalRecordForm?
    public var state: RequestState

    public init(kind: RequestKind, form: CriminalRecordForm? = nil, state: RequestState) {
        self.kind = kind
        self.form = form
        self.state = state
    }
}
