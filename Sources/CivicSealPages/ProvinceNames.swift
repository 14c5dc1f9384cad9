import CivicSealWorkflow

/// The names of the 63 provinces and centrally governed cities behind the ``ProvinceCode`` values, as they were
/// named before the 2025 mergers. A residence row is about the past (since age 14), so its place is the province of
/// that time; the code is the one the personal ID number uses for the same province.
enum ProvinceNames {
    /// Code → name (Vietnamese; place names are not translated on the English pages).
    static let byCode: [String: String] = [
        "001": "Hà Nội", "002": "Hà Giang", "004": "Cao Bằng", "006": "Bắc Kạn", "008": "Tuyên Quang",
        "010": "Lào Cai", "011": "Điện Biên", "012": "Lai Châu", "014": "Sơn La", "015": "Yên Bái",
        "017": "Hòa Bình", "019": "Thái Nguyên", "020": "Lạng Sơn", "022": "Quảng Ninh", "024": "Bắc Giang",
        "025": "Phú Thọ", "026": "Vĩnh Phúc", "027": "Bắc Ninh", "030": "Hải Dương", "031": "Hải Phòng",
        "033": "Hưng Yên", "034": "Thái Bình", "035": "Hà Nam", "036": "Nam Định", "037": "Ninh Bình",
        "038": "Thanh Hóa", "040": "Nghệ An", "042": "Hà Tĩnh", "044": "Quảng Bình", "045": "Quảng Trị",
        "046": "Thừa Thiên Huế", "048": "Đà Nẵng", "049": "Quảng Nam", "051": "Quảng Ngãi", "052": "Bình Định",
        "054": "Phú Yên", "056": "Khánh Hòa", "058": "Ninh Thuận", "060": "Bình Thuận", "062": "Kon Tum",
        "064": "Gia Lai", "066": "Đắk Lắk", "067": "Đắk Nông", "068": "Lâm Đồng", "070": "Bình Phước",
        "072": "Tây Ninh", "074": "Bình Dương", "075": "Đồng Nai", "077": "Bà Rịa - Vũng Tàu",
        "079": "TP. Hồ Chí Minh", "080": "Long An", "082": "Tiền Giang", "083": "Bến Tre", "084": "Trà Vinh",
        "086": "Vĩnh Long", "087": "Đồng Tháp", "089": "An Giang", "091": "Kiên Giang", "092": "Cần Thơ",
        "093": "Hậu Giang", "094": "Sóc Trăng", "095": "Bạc Liêu", "096": "Cà Mau",
    ]

    /// The name of `code`, or the code itself when unknown.
    static func name(_ code: String) -> String { byCode[code] ?? code }

    /// Every province as a choice, sorted by name the way a Vietnamese reader expects (letters before their
    /// accented forms, "Đ" after "D").
    static let choices: [(value: String, label: String)] = ProvinceCode.all
        .map { (value: $0, label: byCode[$0] ?? $0) }
        .sorted { VietnameseOrder.key($0.label).lexicographicallyPrecedes(VietnameseOrder.key($1.label)) }
}

/// A sort key for Vietnamese text that does not depend on the platform's collation data: base letters in the
/// Vietnamese alphabet order (a ă â b c d đ e ê … o ô ơ … u ư …), then tones as a tie-break.
enum VietnameseOrder {
    static let alphabet: [Character] = Array("aăâbcdđeêfghijklmnoôơpqrstuưvwxyz")

    static func key(_ text: String) -> [Int] {
        var primary: [Int] = []
        var tones: [Int] = []
        for character in text.lowercased() {
            // Split the letter from its tone mark: the tone goes to the tie-break, vowel marks (ă â ê ô ơ ư) stay.
            let scalars = String(character).decomposedStringWithCanonicalMapping.unicodeScalars
            var base = ""
            var tone = 0
            for scalar in scalars {
                switch scalar.value {
                case 0x0300: tone = 1  // huyền
                case 0x0309: tone = 2  // hỏi
                case 0x0303: tone = 3  // ngã
                case 0x0301: tone = 4  // sắc
                case 0x0323: tone = 5  // nặng
                default: base.unicodeScalars.append(scalar)
                }
            }
            let letter = Character(base.precomposedStringWithCanonicalMapping)
            if let index = alphabet.firstIndex(of: letter) {
                primary.append(100 + index)
            } else if letter.isWhitespace || letter.isPunctuation {
                primary.append(10)  // "Hà Nam" before "Hải Dương"
            } else {
                primary.append(Int(letter.unicodeScalars.first?.value ?? 0) + 1000)
            }
            tones.append(tone)
        }
        return primary + [0] + tones
    }
}
