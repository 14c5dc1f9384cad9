/// Personal particulars of the request form (tờ khai) beyond the identity block; most are pre-filled from the
/// population database. Required for criminal records; father, mother and spouse are printed on form 2 only.
package struct Particulars: Codable, Sendable, Hashable {
    package var otherNames: [String]?
    package var birthPlace: String?
    package var ethnicity: String?
    /// ISO 3166-1 alpha-2, `VN` for Vietnamese citizens.
    package var nationality: String?
    package var permanentResidence: Address?
    package var currentResidence: Address?
    package var fatherName: String?
    package var motherName: String?
    package var spouseName: String?

    package init(
        otherNames: [String]? = nil, birthPlace: String? = nil, ethnicity: String? = nil, nationality: String? = nil,
        permanentResidence: Address? = nil, currentResidence: Address? = nil, fatherName: String? = nil,
        motherName: String? = nil, spouseName: String? = nil
    ) {
        self.otherNames = otherNames
        self.birthPlace = birthPlace
        self.ethnicity = ethnicity
        self.nationality = nationality
        self.permanentResidence = permanentResidence
        self.currentResidence = currentResidence
        self.fatherName = fatherName
        self.motherName = motherName
        self.spouseName = spouseName
    }
}
