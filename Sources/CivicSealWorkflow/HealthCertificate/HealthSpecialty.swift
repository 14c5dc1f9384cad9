/// An examination specialty of a health certificate, with its printed Vietnamese and English names: the fixed
/// list the officer form offers, so the English subtitle is never a copy of the Vietnamese name.
package struct HealthSpecialty: Sendable, Hashable, Identifiable {
    /// A stable code, e.g. `internal-medicine`.
    package let code: String
    package let vietnamese: String
    package let english: String

    package var id: String { code }

    package init(code: String, vietnamese: String, english: String) {
        self.code = code
        self.vietnamese = vietnamese
        self.english = english
    }

    /// The specialties of the examination forms (Circular 32/2023/TT-BYT, Circular 36/2024/TT-BYT), in form order.
    package static let all: [HealthSpecialty] = [
        HealthSpecialty(code: "internal-medicine", vietnamese: "Nội khoa", english: "Internal medicine"),
        HealthSpecialty(code: "surgery", vietnamese: "Ngoại khoa", english: "Surgery"),
        HealthSpecialty(code: "eyes", vietnamese: "Mắt", english: "Eyes"),
        HealthSpecialty(code: "ear-nose-throat", vietnamese: "Tai-Mũi-Họng", english: "Ear, nose and throat"),
        HealthSpecialty(code: "dentistry", vietnamese: "Răng-Hàm-Mặt", english: "Dentistry and maxillofacial"),
        HealthSpecialty(code: "dermatology", vietnamese: "Da liễu", english: "Dermatology"),
        HealthSpecialty(code: "neurology", vietnamese: "Thần kinh", english: "Neurology"),
        HealthSpecialty(code: "psychiatry", vietnamese: "Tâm thần", english: "Psychiatry"),
        HealthSpecialty(
            code: "obstetrics-gynaecology", vietnamese: "Sản phụ khoa", english: "Obstetrics and gynaecology"),
        HealthSpecialty(code: "musculoskeletal", vietnamese: "Cơ xương khớp", english: "Musculoskeletal"),
    ]

    /// The specialty with `code`, or nil.
    package static func named(_ code: String) -> HealthSpecialty? { all.first { $0.code == code } }
}
