/// Fees as configuration data.
///
/// Criminal records (Circular 244/2016/TT-BTC as amended; fee levels moved recently, hence data): 200,000 VND;
/// 100,000 VND for students and other reduced groups; exempt groups pay nothing (children, the elderly, people
/// with disabilities, poor households); +5,000 VND per copy from the third copy. Health documents have their own
/// tariffs; no statutory issuing fee was found for them, so they default to 0 (the examination is billed by the
/// facility) and are meant to be configured.
package struct FeeSchedule: Codable, Sendable, Hashable {
    package var criminalRecord: Tariff
    package var healthCertificate: Tariff
    package var healthBookExtract: Tariff
    /// Group names a submission's `feeGroup` may name for the reduced fee.
    package var reducedGroups: [String]
    /// Group names for exemption.
    package var exemptGroups: [String]
    /// Whether exemption also waives the extra-copy charge.
    package var exemptionCoversExtraCopies: Bool

    package init(
        criminalRecord: Tariff = Tariff(
            standardVND: 200_000, reducedVND: 100_000, extraCopyVND: 5_000, copiesIncluded: 2),
        healthCertificate: Tariff = Tariff(standardVND: 0, reducedVND: 0),
        healthBookExtract: Tariff = Tariff(standardVND: 0, reducedVND: 0),
        reducedGroups: [String] = ["student", "meritorious-service", "special-difficulty-area"],
        exemptGroups: [String] = ["child", "elderly", "disabled", "poor-household"],
        exemptionCoversExtraCopies: Bool = true
    ) {
        self.criminalRecord = criminalRecord
        self.healthCertificate = healthCertificate
        self.healthBookExtract = healthBookExtract
        self.reducedGroups = reducedGroups
        self.exemptGroups = exemptGroups
        self.exemptionCoversExtraCopies = exemptionCoversExtraCopies
    }

    package func tariff(for kind: RequestKind) -> Tariff {
        switch kind {
        case .criminalRecord: criminalRecord
        case .healthCertificate: healthCertificate
        case .healthBookExtract: healthBookExtract
        }
    }

    /// The band of a fee group; `nil` group is standard, an unknown group is `nil`.
    package func category(forGroup group: String?) -> FeeCategory? {
        guard let group else { return .standard }
        if exemptGroups.contains(group) { return .exempt }
        if reducedGroups.contains(group) { return .reduced }
        return nil
    }

    /// The fee for `copies` copies (at least 1). An unknown group is charged the standard fee; validation refuses
    /// unknown groups before this point.
    package func quote(kind: RequestKind, copies: Int, feeGroup: String? = nil) -> FeeQuote {
        let tariff = tariff(for: kind)
        let category = category(forGroup: feeGroup) ?? .standard
        let extraCopies = max(0, copies - tariff.copiesIncluded)
        let base: Int
        switch category {
        case .standard: base = tariff.standardVND
        case .reduced: base = tariff.reducedVND
        case .exempt: base = 0
        }
        let extra = category == .exempt && exemptionCoversExtraCopies ? 0 : extraCopies * tariff.extraCopyVND
        return FeeQuote(category: category, baseVND: base, extraCopies: extraCopies, extraCopiesVND: extra)
    }
}
