/// Sex as recorded in the population database and encoded in the ID number's century/sex digit.
package enum Sex: String, Codable, Sendable, CaseIterable {
    case male
    case female
}
