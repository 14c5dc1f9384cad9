import CivicSealApp
import Foundation

/// `civicseal keys compromise …`: parses the options and runs ``KeyCompromise``; progress to stderr, the report to
/// stdout. Exit 0 when the run finished, 75 (temporary failure: rerun to resume) when documents are left.
func compromise(_ parsed: CommandLineArguments) throws(AppError) -> Int32 {
    guard parsed.words.count == 2, let seal = parsed.options["seal"] else {
        throw AppError(.usage, "keys compromise needs --seal SHA256 (the seal certificate's fingerprint)")
    }
    for name in [
        "algorithm", "department", "public-url", "certificate", "reason", "at", "services", "pkcs11", "pkcs11-module",
        "pin-source",
    ]
    where parsed.options[name] != nil {
        throw AppError(.usage, "keys compromise takes no --\(name)")
    }
    var options = KeyCompromise.Options(seal: seal)
    if let text = parsed.options["since"] {
        let fractional = ISO8601DateFormatter()
        fractional.formatOptions = [.withInternetDateTime, .withFractionalSeconds]
        guard let since = ISO8601DateFormatter().date(from: text) ?? fractional.date(from: text) else {
            throw AppError(.usage, "--since must be an ISO 8601 time such as 2026-12-01T00:00:00Z")
        }
        guard since <= Date() else { throw AppError(.usage, "--since cannot be in the future") }
        options.since = since
    }
    options.dryRun = parsed.options["dry-run"] != nil
    options.operatorName = parsed.options["by"]
    options.dataDirectory = parsed.options["data"] ?? ".civicseal"
    options.database = parsed.options["database"]
    options.keysDirectory = parsed.options["keys"] ?? parsed.options["dir"] ?? "Keys"
    options.reportPath = parsed.options["report"]
    let report = try KeyCompromise.run(
        options,
        progress: { line in FileHandle.standardError.write(Data((line + "\n").utf8)) },
        output: { line in
            print(line)
            fflush(nil)
        })
    return report.map { $0.finished ? 0 : 75 } ?? 0
}
