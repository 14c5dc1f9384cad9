/// The criminal-record part of a submission (JSON: `"kind": "criminal-record"`).
package struct CriminalRecordRequest: Codable, Sendable, Hashable {
    package var form: CriminalRecordForm
    /// Why the certificate is needed (free text, e.g. "Xin việc").
    package var purpose: String
    /// Form 1: whether to state bans on holding posts or managing enterprises (Art. 42(2)); form 2 always does,
    /// so `false` is refused there and absence means `true`.
    package var statesBans: Bool?
    /// The person declares an expunged conviction, so expungement must be verified (15-day case of Art. 48).
    package var expungementToVerify: Bool?

    package init(form: CriminalRecordForm, purpose: String, statesBans: Bool? = nil, expungementToVerify: Bool? = nil) {
        self.form = form
        self.purpose = purpose
        self.statesBans = statesBans
        self.expungementToVerify = expungementToVerify
    }

    /// Whether the certificate will state bans.
    package var effectiveStatesBans: Bool { form == .form2 ? true : (statesBans ?? false) }
}
