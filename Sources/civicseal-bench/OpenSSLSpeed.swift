import CivicSealProcess
import Foundation

/// Runs `openssl speed` for the reference figures, single-threaded, in the same run as our measurement.
enum OpenSSLSpeed {
    struct Rates {
        let sign: Double
        let verify: Double
    }

    /// Sign and verify operations per second for an `openssl speed` algorithm (e.g. `ecdsap256`, `rsa3072`).
    static func rates(_ algorithm: String, seconds: Int) -> Rates? {
        let arguments = ["openssl", "speed", "-seconds", "\(seconds)", "-mr", algorithm]
        guard let data = try? ChildProcess("/usr/bin/env", arguments, error: .discard).collect().output else {
            return nil
        }
        // Machine-readable lines: "+F2:<n>:<bits>:<signs/s>:<verifies/s>" (RSA) or "+F4:…" (ECDSA).
        for line in String(decoding: data, as: UTF8.self).split(separator: "\n") where line.hasPrefix("+F") {
            let fields = line.split(separator: ":")
            guard fields.count >= 5, let sign = Double(fields[3]), let verify = Double(fields[4]), sign > 0, verify > 0
            else { continue }
            return Rates(sign: sign, verify: verify)
        }
        return nil
    }
}
