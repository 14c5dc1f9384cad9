/// What a request costs, itemised, in Vietnamese đồng.
package struct FeeQuote: Codable, Sendable, Hashable {
    package let category: FeeCategory
    package let baseVND: Int
    package let extraCopies: Int
    package let extraCopiesVND: Int

    package init(category: FeeCategory, baseVND: Int, extraCopies: Int, extraCopiesVND: Int) {
        self.category = category
        self.baseVND = baseVND
        self.extraCopies = extraCopies
        self.extraCopiesVND = extraCopiesVND
    }

    package var totalVND: Int { baseVND + extraCopiesVND }
}
