import CivicSealJSON

/// The synthetic citizens and officers the authorize page offers (nobody real: the personal ids only agree with
/// their own birth dates and genders, as the workflow's checks demand).
package struct SyntheticPerson: Sendable, Equatable {
    /// The form value (`preset=<id>`).
    package let id: String
    /// What the page shows under the name, in Vietnamese and in English.
    package let summary: (vi: String, en: String)
    /// The identity claims, exactly as `civicseal token` states them (without iss/aud/iat/exp).
    package let claims: [String: JSONValue]

    package static func == (lhs: SyntheticPerson, rhs: SyntheticPerson) -> Bool { lhs.id == rhs.id }

    package var name: String { claims["name"]?.stringValue ?? id }
    package var isOfficer: Bool { claims["roles"] != nil }

    static func citizen(
        _ id: String, name: String, personalID: String, birthdate: String, gender: String, level: Int,
        summary: (vi: String, en: String)
    ) -> SyntheticPerson {
        SyntheticPerson(
            id: id, summary: summary,
            claims: [
                "sub": .string("dev-citizen-\(id)"), "personal_id": .string(personalID), "name": .string(name),
                "birthdate": .string(birthdate), "gender": .string(gender), "acr": .string("level\(level)"),
                "nationality": "VN",
            ])
    }

    static func officer(_ id: String, name: String, role: String, department: String, summary: (vi: String, en: String))
        -> SyntheticPerson
    {
        SyntheticPerson(
            id: id, summary: summary,
            claims: [
                "sub": .string("dev-staff-\(id)"), "name": .string(name), "roles": [.string(role)],
                "department": .string(department), "acr": "level2",
            ])
    }

    /// The people a newcomer picks from: two level-2 citizens and a level-1 one (to see the step-up), and an officer
    /// for each role of the two departments.
    package static let all: [SyntheticPerson] = [
        .citizen(
            "citizen-tuyet", name: "Nguyễn Thị Ánh Tuyết", personalID: "001190012345", birthdate: "1990-05-14",
            gender: "female", level: 2,
            summary: (
                "Công dân, định danh mức 2 (có thể xin phiếu lý lịch tư pháp)",
                "Citizen, level-2 identity (may request a criminal record certificate)"
            )),
        .citizen(
            "citizen-duc", name: "Hoàng Minh Đức", personalID: "001200012346", birthdate: "2000-01-15",
            gender: "male", level: 2,
            summary: ("Công dân, định danh mức 2", "Citizen, level-2 identity")),
        .citizen(
            "citizen-hung-level1", name: "Phạm Văn Hùng", personalID: "001085004321", birthdate: "1985-03-02",
            gender: "male", level: 1,
            summary: (
                "Công dân, định danh mức 1 (phiếu lý lịch tư pháp cần mức 2)",
                "Citizen, level-1 identity (a criminal record certificate needs level 2)"
            )),
        .officer(
            "justice-officer", name: "Trần Đức Lương", role: "justice.officer", department: "justice-hanoi",
            summary: ("Cán bộ Sở Tư pháp Hà Nội (xử lý hồ sơ)", "Officer, Hà Nội Department of Justice (decides)")),
        .officer(
            "justice-revoker", name: "Hoàng Văn Thủ", role: "justice.revoker", department: "justice-hanoi",
            summary: ("Lãnh đạo Sở Tư pháp Hà Nội (thu hồi)", "Head, Hà Nội Department of Justice (revokes)")),
        .officer(
            "health-officer", name: "Đỗ Minh Y", role: "health.officer", department: "health-hanoi",
            summary: ("Cán bộ Sở Y tế Hà Nội (xử lý hồ sơ)", "Officer, Hà Nội Department of Health (decides)")),
        .officer(
            "health-clinician", name: "Bác sĩ Vũ Thị Lành", role: "health.clinician", department: "health-hanoi",
            summary: ("Bác sĩ (ghi sổ sức khỏe)", "Clinician (records health-book entries)")),
        .officer(
            "health-revoker", name: "Ngô Thị Quyết", role: "health.revoker", department: "health-hanoi",
            summary: ("Lãnh đạo Sở Y tế Hà Nội (thu hồi)", "Head, Hà Nội Department of Health (revokes)")),
    ]

    package static func named(_ id: String) -> SyntheticPerson? { all.first { $0.id == id } }
}
