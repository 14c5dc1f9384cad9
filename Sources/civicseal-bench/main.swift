import Foundation

/// `civicseal-bench SUITE [--seconds N]` — release-build benchmarks, one `name: value unit` line per figure.
let arguments = Array(CommandLine.arguments.dropFirst())
var seconds = 3.0
if let index = arguments.firstIndex(of: "--seconds"), index + 1 < arguments.count,
    let value = Double(arguments[index + 1]), value > 0
{
    seconds = value
}
#if DEBUG
    print("# warning: debug build; run `swift run -c release civicseal-bench …` for figures that mean anything")
#endif
do {
    switch arguments.first {
    case "crypto": try CryptoBenchmark.run(seconds: seconds)
    case "store": try StoreBenchmark.run(seconds: seconds, arguments: arguments)
    case "render": try RenderBenchmark.run(seconds: seconds)
    case "http": try HTTPBenchmark.run(seconds: seconds, arguments: arguments)
    case "verify": try VerifyBenchmark.run(seconds: seconds)
    case "issue" where arguments.contains("--pkcs11"): try IssueBenchmark.runComparingToken(seconds: seconds)
    case "issue": try IssueBenchmark.run(seconds: seconds)
    case "pages": try PagesBenchmark.run(seconds: seconds, arguments: arguments)
    case "abuse": try AbuseBenchmark.run(seconds: seconds)
    case "tsa": try TimeStampBenchmark.run(seconds: seconds)
    case "postgres": try PostgresBenchmark.run(seconds: seconds)
    default:
        FileHandle.standardError.write(
            Data(
                ("usage: civicseal-bench crypto|store|render|http [--instances N]|issue [--pkcs11]|verify|pages|abuse|"
                    + "tsa|postgres [--seconds N] [--requests N]\n").utf8))
        exit(64)
    }
} catch {
    FileHandle.standardError.write(Data("civicseal-bench: \(error)\n".utf8))
    exit(1)
}
