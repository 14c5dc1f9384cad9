/// The two criminal-record certificate forms (Art. 42–43, Law on Judicial Records; Circular 13/2011/TT-BTP).
///
/// Form 1 lists current convictions and states bans only on request; form 2 lists all convictions, expunged ones
/// included, always states bans, and is issued only to the person (or a parent for a minor child).
package enum CriminalRecordForm: Int, Codable, Sendable, CaseIterable {
    case form1 = 1
    case form2 = 2
}
