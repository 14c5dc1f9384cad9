/// Amounts for one kind of request, in Vietnamese đồng.
public struct Tariff: Codable, Sendable, Hashable {
    public var standardVND: Int
    public var reducedVND: Int
    /// Charged for each copy beyond ``copiesIncluded``.
    public var extraCopyVND: Int
    public var copiesIncluded: Int

    public init(standardVND: Int, reducedVND: Int, extraCopyVND: Int = 0, copiesIncluded: Int = 1) {
        self.standardVND = standardVND
        self.reducedVND = reducedVND
        self.extraCopyVND = extraCopyVND
        self.copiesIncluded = copiesIncluded
    }
}
