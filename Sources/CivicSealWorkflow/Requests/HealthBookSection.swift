/// The groups of health-book entries an extract can contain.
public enum HealthBookSection: String, Codable, Sendable, CaseIterable {
    case encounters
    case vaccinations
    case allergies
}
