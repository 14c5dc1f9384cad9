/// One unfinished criminal-record request per form and person.
///
/// The VNeID online service blocks a new request while an earlier one is unpaid or still being processed.
/// "Unfinished" means ``RequestState/isOpen``: submitted, in review, waiting for information, or approved but not
/// yet issued. Payment state is not modelled here.
package enum OpenRequestRule {
    /// `nil` when a new request of `kind`/`form` may be opened, else the refusal.
    package static func check(
        kind: RequestKind, form: CriminalRecordForm?, existing: [ExistingRequest]
    ) -> ValidationIssue? {
        guard kind == .criminalRecord, let form else { return nil }
        guard let blocking = existing.first(where: { $0.kind == .criminalRecord && $0.form == form && $0.state.isOpen })
        else { return nil }
        return ValidationIssue(
            field: "request.form", code: .requestUnfinishedExists,
            message: "an earlier form \(form.rawValue) request is still \(blocking.state.rawValue)")
    }
}
