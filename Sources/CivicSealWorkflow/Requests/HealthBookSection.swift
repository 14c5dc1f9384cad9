/// The groups of health-book entries an extract can contain.
package enum HealthBookSection: String, Codable, Sendable, CaseIterable {
    case encounters
    case vaccinations
    case allergies
}
