import Foundation
import Synchronization

/// Where access-log lines go. One call per request, one JSON object per line, no trailing newline in `line`.
public protocol HTTPLogSink: Sendable {
    func write(_ line: String)
}

/// Writes lines to standard output, one `write(2)` per line so concurrent lines never interleave.
public struct StandardOutputLogSink: HTTPLogSink {
    public init() {}
    public func write(_ line: String) {
        var bytes = Array(line.utf8)
        bytes.append(10)
        bytes.withUnsafeBytes { raw in
            var offset = 0
            while offset < raw.count {
                let written = Foundation.write(1, raw.baseAddress! + offset, raw.count - offset)
                if written <= 0 { return }
                offset += written
            }
        }
    }
}

/// Discards everything (benchmarks).
public struct DiscardingLogSink: HTTPLogSink {
    public init() {}
    public func write(_ line: String) {}
}

/// Keeps lines in memory (tests).
public final class CollectingLogSink: HTTPLogSink {
    private let storage = Mutex<[String]>([])
    public init() {}
    public func write(_ line: String) { storage.withLock { $0.append(line) } }
    public var lines: [String] { storage.withLock { $0 } }
}

/// One access-log record. Deliberately narrow: the route pattern rather than the path (no ids), and no
/// query string, header, token or body — nothing personal can reach the log through it.
public struct AccessLogRecord: Sendable, Equatable {
    public var time: Date
    public var requestID: String
    public var method: HTTPMethod
    public var route: String?
    public var status: Int
    public var duration: Duration
    public var bytesOut: Int

    public init(
        time: Date, requestID: String, method: HTTPMethod, route: String?, status: Int, duration: Duration,
        bytesOut: Int
    ) {
        self.time = time
        self.requestID = requestID
        self.method = method
        self.route = route
        self.status = status
        self.duration = duration
        self.bytesOut = bytesOut
    }

    /// `{"time":"2026-11-21T20:00:00.123Z","requestId":"…","method":"GET","route":"/v1/requests/{id}",
    /// "status":200,"durationMs":0.412,"bytesOut":312}`; an unmatched request logs `"route":null`.
    public var jsonLine: String {
        let milliseconds = (duration.milliseconds * 1000).rounded() / 1000
        let route = route.map(JSONText.quoted) ?? "null"
        return "{\"time\":\"\(AccessLogRecord.format(time))\",\"requestId\":\(JSONText.quoted(requestID)),"
            + "\"method\":\(JSONText.quoted(method.rawValue)),\"route\":\(route),\"status\":\(status),"
            + "\"durationMs\":\(milliseconds),\"bytesOut\":\(bytesOut)}"
    }

    /// RFC 3339 UTC with milliseconds, e.g. `2026-11-21T20:00:00.123Z`.
    static func format(_ date: Date) -> String {
        let interval = date.timeIntervalSince1970
        var seconds = time_t(interval.rounded(.down))
        let milliseconds = min(Int((interval - Double(seconds)) * 1000), 999)
        var parts = tm()
        gmtime_r(&seconds, &parts)
        func pad(_ value: Int32, _ width: Int) -> String {
            let digits = String(value)
            return String(repeating: "0", count: max(0, width - digits.count)) + digits
        }
        return "\(pad(parts.tm_year + 1900, 4))-\(pad(parts.tm_mon + 1, 2))-\(pad(parts.tm_mday, 2))T"
            + "\(pad(parts.tm_hour, 2)):\(pad(parts.tm_min, 2)):\(pad(parts.tm_sec, 2)).\(pad(Int32(milliseconds), 3))Z"
    }
}
