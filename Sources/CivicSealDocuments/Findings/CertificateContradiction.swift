import CivicSealWorkflow
import Foundation

/// A way a new criminal-record outcome contradicts a certificate issued earlier about the same person, found before
/// the officer seals it (the review step warns; the officer decides).
///
/// The rules follow what each form states (Law on Judicial Records, Arts. 42–43): form 1 lists the convictions not
/// expunged ("Có án tích") or says "Không có án tích"; form 2 lists every conviction, expunged ones included. So an
/// earlier conviction the new certificate should state and does not, or one the earlier certificate said was
/// expunged and the new one says is not, is a contradiction. A conviction is the same when its judgment number and
/// court match (case and spacing aside).
package struct CertificateContradiction: Sendable, Hashable {
    /// What contradicts.
    package enum Code: String, Sendable, Hashable {
        /// The earlier certificate lists a conviction the new one must state and leaves out.
        case convictionLeftOut = "conviction-left-out"
        /// The earlier certificate says the conviction is expunged; the new one says it is not.
        case expungementWithdrawn = "expungement-withdrawn"
    }

    /// One earlier certificate, decoded: where it came from and what it certified.
    package struct Earlier: Sendable, Hashable {
        package let documentID: String
        package let form: CriminalRecordForm
        package let issuedAt: Date
        package let convictions: [Conviction]

        package init(documentID: String, form: CriminalRecordForm, issuedAt: Date, convictions: [Conviction]) {
            self.documentID = documentID
            self.form = form
            self.issuedAt = issuedAt
            self.convictions = convictions
        }
    }

    package let code: Code
    package let earlierDocumentID: String
    package let earlierForm: CriminalRecordForm
    package let earlierIssuedAt: Date
    /// The earlier certificate's conviction in question.
    package let conviction: Conviction

    /// Every contradiction between a new certificate of `form` stating `convictions` and the `earlier` ones.
    package static func find(form: CriminalRecordForm, convictions: [Conviction], earlier: [Earlier])
        -> [CertificateContradiction]
    {
        var found: [CertificateContradiction] = []
        for certificate in earlier {
            // What the earlier certificate stated: form 1 prints only convictions not expunged.
            let stated =
                certificate.form == .form1 ? certificate.convictions.filter { !$0.expunged } : certificate.convictions
            for old in stated {
                let match = convictions.first { sameJudgment($0, old) }
                let code: Code?
                if let match {
                    code = old.expunged && !match.expunged ? .expungementWithdrawn : nil
                } else {
                    // The new form must state it: form 2 states every conviction, form 1 those not expunged.
                    code = form == .form2 || !old.expunged ? .convictionLeftOut : nil
                }
                guard let code else { continue }
                found.append(
                    CertificateContradiction(
                        code: code, earlierDocumentID: certificate.documentID, earlierForm: certificate.form,
                        earlierIssuedAt: certificate.issuedAt,
                        conviction: old))
            }
        }
        return found
    }

    static func sameJudgment(_ a: Conviction, _ b: Conviction) -> Bool {
        key(a.judgmentNumber) == key(b.judgmentNumber) && key(a.court) == key(b.court)
    }

    static func key(_ text: String) -> String {
        text.precomposedStringWithCanonicalMapping.lowercased().split(whereSeparator: \.isWhitespace).joined(
            separator: " ")
    }
}
