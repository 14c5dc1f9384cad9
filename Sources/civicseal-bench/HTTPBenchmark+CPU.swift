import Foundation

#if canImport(Glibc)
    import Glibc
#endif

/// Where the cores went during one measured run of `http --instances`: CPU seconds of the `serve` processes, the
/// HAProxy that carried the run, PostgreSQL (the postmaster and its backends) and wrk (this process's reaped
/// children), read from `/proc` before and after. Whatever else the machine ran (other builds) is in none of them.
struct CPUAccount {
    var instances = 0.0
    var haproxy = 0.0
    var postgres = 0.0
    var wrk = 0.0

    /// The processes to account: the instances' and HAProxy's pids, and the cluster's postmaster pid file.
    struct Sources {
        let instances: [Int32]
        let haproxy: Int32
        let postmasterPIDFile: String
    }

    /// The cumulative CPU seconds of each part now.
    static func sample(_ sources: Sources) -> CPUAccount {
        var account = CPUAccount()
        account.instances = sources.instances.map { seconds(of: $0) }.reduce(0, +)
        account.haproxy = seconds(of: sources.haproxy)
        let text = (try? String(contentsOfFile: sources.postmasterPIDFile, encoding: .utf8)) ?? ""
        if let postmaster = text.split(separator: "\n").first.flatMap({ Int32($0) }) {
            account.postgres = seconds(of: postmaster, withChildren: true)
        }
        var usage = rusage()
        getrusage(RUSAGE_CHILDREN.rawValue, &usage)
        account.wrk =
            Double(usage.ru_utime.tv_sec + usage.ru_stime.tv_sec)
            + Double(usage.ru_utime.tv_usec + usage.ru_stime.tv_usec) / 1e6
        return account
    }

    /// What each part used between `earlier` and this sample.
    func since(_ earlier: CPUAccount) -> CPUAccount {
        CPUAccount(
            instances: instances - earlier.instances, haproxy: haproxy - earlier.haproxy,
            postgres: postgres - earlier.postgres, wrk: wrk - earlier.wrk)
    }

    /// One line: each part's CPU seconds against what the cores offered over `wall` seconds.
    func line(wall: Int) -> String {
        let cores = ProcessInfo.processInfo.activeProcessorCount
        return "CPU s: serve \(Report.format(instances)), HAProxy \(Report.format(haproxy)), PostgreSQL "
            + "\(Report.format(postgres)), wrk \(Report.format(wrk)) of \(cores * wall) (\(cores) cores × \(wall) s)"
    }

    /// User + system seconds of `pid` from `/proc/PID/stat`; with its children's: every process whose parent it is
    /// (PostgreSQL's backends), and the reaped ones (`cutime`, `cstime`).
    private static func seconds(of pid: Int32, withChildren: Bool = false) -> Double {
        guard let fields = statFields(pid) else { return 0 }
        let ticks = Double(sysconf(Int32(_SC_CLK_TCK)))
        var total = (Double(fields[11]) ?? 0) + (Double(fields[12]) ?? 0)
        guard withChildren else { return total / ticks }
        total += (Double(fields[13]) ?? 0) + (Double(fields[14]) ?? 0)
        let entries = (try? FileManager.default.contentsOfDirectory(atPath: "/proc")) ?? []
        for entry in entries {
            guard let child = Int32(entry), let childFields = statFields(child), childFields[1] == String(pid)
            else { continue }
            total += (Double(childFields[11]) ?? 0) + (Double(childFields[12]) ?? 0)
        }
        return total / ticks
    }

    /// The fields of `/proc/PID/stat` after the command name: state, ppid, …, utime (11), stime (12), cutime (13),
    /// cstime (14).
    private static func statFields(_ pid: Int32) -> [String]? {
        guard let stat = try? String(contentsOfFile: "/proc/\(pid)/stat", encoding: .utf8),
            let close = stat.range(of: ") ", options: .backwards)
        else { return nil }
        let fields = stat[close.upperBound...].split(separator: " ").map(String.init)
        return fields.count > 14 ? fields : nil
    }
}
