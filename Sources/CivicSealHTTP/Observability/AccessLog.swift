import CivicSealJSON
import Foundation
import Synchronization

/// Where access-log lines go: one JSON object per line.
///
/// The server hands over the lines an event loop produced in one pass over its ready connections, at the end of
/// that pass, through ``write(lines:)``; a sink that only implements ``write(_:)`` gets them one at a time.
package protocol HTTPLogSink: Sendable {
    /// One line, without its newline.
    func write(_ line: String)
    /// Whole lines, each ending in a newline, at most ``HTTPLogBatch/limit`` bytes in all.
    func write(lines: UnsafeRawBufferPointer)
}

extension HTTPLogSink {
    package func write(lines: UnsafeRawBufferPointer) {
        for line in lines.split(separator: 10) { write(String(decoding: line, as: UTF8.self)) }
    }
}

/// How the event loops gather access-log lines.
package enum HTTPLogBatch {
    /// At most this many bytes per ``HTTPLogSink/write(lines:)``: `PIPE_BUF`, so that one `write(2)` of a batch to a
    /// pipe is atomic and lines from two loops never interleave.
    package static let limit = 4_096
}

/// Writes lines to standard output, one `write(2)` per batch (or per line), so concurrent lines never interleave.
package struct StandardOutputLogSink: HTTPLogSink {
    package init() {}
    package func write(_ line: String) {
        var bytes = Array(line.utf8)
        bytes.append(10)
        bytes.withUnsafeBytes { write(lines: $0) }
    }

    package func write(lines: UnsafeRawBufferPointer) {
        var offset = 0
        while offset < lines.count {
            let written = Foundation.write(1, lines.baseAddress! + offset, lines.count - offset)
            if written < 0 && errno == EINTR { continue }
            if written <= 0 { return }
            offset += written
        }
    }
}

/// Discards everything (benchmarks).
package struct DiscardingLogSink: HTTPLogSink {
    package init() {}
    package func write(_ line: String) {}
}

/// Keeps lines in memory (tests).
package final class CollectingLogSink: HTTPLogSink {
    private let storage = Mutex<[String]>([])
    package init() {}
    package func write(_ line: String) { storage.withLock { $0.append(line) } }
    package var lines: [String] { storage.withLock { $0 } }
}

/// One access-log record. Deliberately narrow: the route pattern rather than the path (no ids), and no
/// query string, header, token or body. The client address is recorded so that abuse can be traced (behind a
/// trusted proxy, the forwarded client's, see ``HTTPServerConfiguration/trustedProxies``).
package struct AccessLogRecord: Sendable, Equatable {
    package var time: Date
    package var requestID: String
    package var method: HTTPMethod
    package var route: String?
    package var status: Int
    package var duration: Duration
    package var bytesOut: Int
    /// The client the request came from; nil when unknown (omitted from the line).
    package var client: IPAddress?

    package init(
        time: Date, requestID: String, method: HTTPMethod, route: String?, status: Int, duration: Duration,
        bytesOut: Int, client: IPAddress? = nil
    ) {
        self.client = client
        self.time = time
        self.requestID = requestID
        self.method = method
        self.route = route
        self.status = status
        self.duration = duration
        self.bytesOut = bytesOut
    }

    /// `{"time":"2026-11-21T20:00:00.123Z","requestId":"…","method":"GET","route":"/v1/requests/{id}",
    /// "status":200,"durationMs":0.412,"bytesOut":312,"client":"203.0.113.9"}`; an unmatched request logs
    /// `"route":null`.
    package var jsonLine: String {
        var bytes: [UInt8] = []
        appendJSONLine(to: &bytes)
        return String(decoding: bytes, as: UTF8.self)
    }

    /// Appends ``jsonLine``'s UTF-8 (without a newline) to `bytes`; the event loops build lines this way.
    package func appendJSONLine(to bytes: inout [UInt8]) {
        let milliseconds = (duration.milliseconds * 1000).rounded() / 1000
        bytes.append(contentsOf: #"{"time":""#.utf8)
        AccessLogRecord.appendTime(time, to: &bytes)
        bytes.append(contentsOf: #"","requestId":"#.utf8)
        JSONWriter.appendQuoted(requestID, to: &bytes)
        bytes.append(contentsOf: #","method":"#.utf8)
        JSONWriter.appendQuoted(method.rawValue, to: &bytes)
        bytes.append(contentsOf: #","route":"#.utf8)
        if let route { JSONWriter.appendQuoted(route, to: &bytes) } else { bytes.append(contentsOf: "null".utf8) }
        bytes.append(contentsOf: #","status":"#.utf8)
        AccessLogRecord.appendDecimal(status, to: &bytes)
        bytes.append(contentsOf: #","durationMs":"#.utf8)
        bytes.append(contentsOf: milliseconds.description.utf8)
        bytes.append(contentsOf: #","bytesOut":"#.utf8)
        AccessLogRecord.appendDecimal(bytesOut, to: &bytes)
        if let client {
            bytes.append(contentsOf: #","client":"#.utf8)
            JSONWriter.appendQuoted(client.description, to: &bytes)
        }
        bytes.append(UInt8(ascii: "}"))
    }

    /// RFC 3339 UTC with milliseconds, e.g. `2026-11-21T20:00:00.123Z`.
    static func appendTime(_ date: Date, to bytes: inout [UInt8]) {
        // Whole milliseconds first (0.999 s is 998.99… ms in binary floating point and must print as .999).
        let total = Int64((date.timeIntervalSince1970 * 1000).rounded())
        let floored = total >= 0 ? total / 1000 : (total - 999) / 1000  // toward minus infinity, for times before 1970
        var seconds = time_t(floored)
        let milliseconds = Int(total - floored * 1000)
        var parts = tm()
        gmtime_r(&seconds, &parts)
        func digits(_ value: Int, _ width: Int) {
            var divisor = 1
            for _ in 1..<width { divisor *= 10 }
            var rest = max(0, value)
            while divisor > 0 {
                bytes.append(UInt8(ascii: "0") + UInt8((rest / divisor) % 10))
                rest %= divisor
                divisor /= 10
            }
        }
        digits(Int(parts.tm_year) + 1900, 4)
        bytes.append(UInt8(ascii: "-"))
        digits(Int(parts.tm_mon) + 1, 2)
        bytes.append(UInt8(ascii: "-"))
        digits(Int(parts.tm_mday), 2)
        bytes.append(UInt8(ascii: "T"))
        digits(Int(parts.tm_hour), 2)
        bytes.append(UInt8(ascii: ":"))
        digits(Int(parts.tm_min), 2)
        bytes.append(UInt8(ascii: ":"))
        digits(Int(parts.tm_sec), 2)
        bytes.append(UInt8(ascii: "."))
        digits(milliseconds, 3)
        bytes.append(UInt8(ascii: "Z"))
    }

    static func appendDecimal(_ value: Int, to bytes: inout [UInt8]) {
        bytes.append(contentsOf: String(value).utf8)  // a small string: no allocation
    }
}
