/// Amounts for one kind of request, in Vietnamese đồng.
package struct Tariff: Codable, Sendable, Hashable {
    package var standardVND: Int
    package var reducedVND: Int
    /// Charged for each copy beyond ``copiesIncluded``.
    package var extraCopyVND: Int
    package var copiesIncluded: Int

    package init(standardVND: Int, reducedVND: Int, extraCopyVND: Int = 0, copiesIncluded: Int = 1) {
        self.standardVND = standardVND
        self.reducedVND = reducedVND
        self.extraCopyVND = extraCopyVND
        self.copiesIncluded = copiesIncluded
    }
}
