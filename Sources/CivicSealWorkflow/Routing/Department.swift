/// An agency that decides requests, as configuration data.
///
/// Authorities change: criminal records moved from the provincial Department of Justice to provincial police on
/// 1 March 2025. A new authority is a new `Department` plus routing rules, not code. What its documents print
/// about the issuer (the parent body above its name, the place before the date, the signing formula) is
/// configuration too, laid out as Decree 30/2020/NĐ-CP lays out administrative documents.
package struct Department: Codable, Sendable, Hashable, Identifiable {
    /// Stable id, e.g. `justice-hanoi`.
    package var id: String
    package var nameVietnamese: String
    package var nameEnglish: String
    package var roles: [DepartmentRole]
    /// The body the agency belongs to, printed in capitals above its name ("ỦY BAN NHÂN DÂN THÀNH PHỐ HÀ NỘI");
    /// nil prints no such line.
    package var parentBodyVietnamese: String?
    package var parentBodyEnglish: String?
    /// The place printed before the issue date ("Hà Nội"); documents are not issued without it.
    package var place: String?
    /// The signing formula above the signer's name ("TL. GIÁM ĐỐC" / "For the Director"); documents are not
    /// issued without it.
    package var signatureTitleVietnamese: String?
    package var signatureTitleEnglish: String?

    package init(
        id: String, nameVietnamese: String, nameEnglish: String, roles: [DepartmentRole] = DepartmentRole.allCases,
        parentBodyVietnamese: String? = nil, parentBodyEnglish: String? = nil, place: String? = nil,
        signatureTitleVietnamese: String? = nil, signatureTitleEnglish: String? = nil
    ) {
        self.id = id
        self.nameVietnamese = nameVietnamese
        self.nameEnglish = nameEnglish
        self.roles = roles
        self.parentBodyVietnamese = parentBodyVietnamese
        self.parentBodyEnglish = parentBodyEnglish
        self.place = place
        self.signatureTitleVietnamese = signatureTitleVietnamese
        self.signatureTitleEnglish = signatureTitleEnglish
    }

    package static let justiceHanoi = Department(
        id: "justice-hanoi", nameVietnamese: "Sở Tư pháp thành phố Hà Nội", nameEnglish: "Hanoi Department of Justice",
        parentBodyVietnamese: "Ủy ban nhân dân thành phố Hà Nội", parentBodyEnglish: "Hanoi People's Committee",
        place: "Hà Nội",
        signatureTitleVietnamese: "TL. GIÁM ĐỐC", signatureTitleEnglish: "For the Director")
    package static let healthHanoi = Department(
        id: "health-hanoi", nameVietnamese: "Sở Y tế thành phố Hà Nội", nameEnglish: "Hanoi Department of Health",
        parentBodyVietnamese: "Ủy ban nhân dân thành phố Hà Nội", parentBodyEnglish: "Hanoi People's Committee",
        place: "Hà Nội",
        signatureTitleVietnamese: "TL. GIÁM ĐỐC", signatureTitleEnglish: "For the Director")
}
