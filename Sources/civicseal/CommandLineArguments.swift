import CivicSealApp

/// The parsed command line: positional words and `--name value` options, each option at most once.
struct CommandLineArguments {
    var words: [String] = []
    var options: [String: String] = [:]
    /// Every value of a repeatable option, in order (`options` keeps the first).
    var repeated: [String: [String]] = [:]

    /// Options that take no value.
    static let flags: Set<String> = ["help", "trust-proxy-bearer", "secure-cookies", "development", "dry-run"]
    /// Options that may be given several times.
    static let repeatable: Set<String> = ["role", "trusted-proxy"]

    init(_ arguments: [String]) throws(AppError) {
        var index = 0
        while index < arguments.count {
            let argument = arguments[index]
            if argument.hasPrefix("--") {
                var name = String(argument.dropFirst(2))
                var value: String?
                if let equals = name.firstIndex(of: "=") {
                    value = String(name[name.index(after: equals)...])
                    name = String(name[..<equals])
                }
                guard !name.isEmpty else { throw AppError(.usage, "empty option name") }
                guard options[name] == nil || Self.repeatable.contains(name) else {
                    throw AppError(.usage, "option --\(name) given twice")
                }
                if Self.flags.contains(name) {
                    options[name] = "true"
                } else {
                    if value == nil {
                        index += 1
                        guard index < arguments.count, !arguments[index].hasPrefix("--") else {
                            throw AppError(.usage, "option --\(name) needs a value")
                        }
                        value = arguments[index]
                    }
                    options[name] = options[name] ?? value
                    if Self.repeatable.contains(name), let value { repeated[name, default: []].append(value) }
                }
            } else {
                words.append(argument)
            }
            index += 1
        }
    }

    /// Fails on any option not in `allowed`, so a typo is never silently ignored.
    func only(_ allowed: Set<String>) throws(AppError) {
        if let unknown = options.keys.sorted().first(where: { !allowed.contains($0) && !Self.flags.contains($0) }) {
            throw AppError(.usage, "unknown option --\(unknown)")
        }
    }
}
