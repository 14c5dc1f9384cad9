/// What a request costs, itemised, in Vietnamese đồng.
public struct FeeQuote: Codable, Sendable, Hashable {
    public let category: FeeCategory
    public let baseVND: Int
    public let extraCopies: Int
    public let extraCopiesVND: Int

    public init(category: FeeCategory, baseVND: Int, extraCopies: Int, extraCopiesVND: Int) {
        self.category = category
        self.baseVND = baseVND
        self.extraCopies = extraCopies
        self.extraCopiesVND = extraCopiesVND
    }

    public var totalVND: Int { baseVND + extraCopiesVND }
}
