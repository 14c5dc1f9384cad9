/// Personal particulars of the request form (tờ khai) beyond the identity block; most are pre-filled from the
/// population database. Required for criminal records; father, mother and spouse are printed on form 2 only.
public struct Particulars: Codable, Sendable, Hashable {
    public var otherNames: [String]?
    public var birthPlace: String?
    public var ethnicity: String?
    /// ISO 3166-1 alpha-2, `VN` for Vietnamese citizens.
    public var nationality: String?
    public var permanentResidence: Address?
    public var currentResidence: Address?
    public var fatherName: String?
    public var motherName: String?
    public var spouseName: String?

    public init(
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
