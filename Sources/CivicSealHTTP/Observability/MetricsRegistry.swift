import Synchronization

/// Prometheus metrics in the text exposition format (version 0.0.4): counters, gauges and histograms with
/// labels. Families register once; every update takes the family's own mutex, so updates from many threads
/// never contend on one lock.
package final class MetricsRegistry: Sendable {
    private let families = Mutex<[any MetricFamily]>([])

    package init() {}

    package func counter(_ name: String, help: String, labelNames: [String] = []) -> Counter {
        register(Counter(name: name, help: help, labelNames: labelNames))
    }

    package func gauge(_ name: String, help: String, labelNames: [String] = []) -> Gauge {
        register(Gauge(name: name, help: help, labelNames: labelNames))
    }

    package func histogram(
        _ name: String, help: String, labelNames: [String] = [], buckets: [Double] = Histogram.defaultBuckets
    ) -> Histogram {
        register(Histogram(name: name, help: help, labelNames: labelNames, buckets: buckets))
    }

    private func register<Family: MetricFamily>(_ family: Family) -> Family {
        families.withLock { families in
            if let existing = families.first(where: { $0.name == family.name }) {
                guard let same = existing as? Family else {
                    preconditionFailure("metric \(family.name) registered twice with different types")
                }
                return same
            }
            families.append(family)
            return family
        }
    }

    /// The whole registry as `text/plain; version=0.0.4`.
    package func exposition() -> String {
        let snapshot = families.withLock { $0 }
        var out = ""
        for family in snapshot.sorted(by: { $0.name < $1.name }) {
            out += "# HELP \(family.name) \(MetricsText.escapeHelp(family.help))\n"
            out += "# TYPE \(family.name) \(family.typeName)\n"
            family.render(into: &out)
        }
        return out
    }

    package static let contentType = "text/plain; version=0.0.4; charset=utf-8"
}

protocol MetricFamily: AnyObject, Sendable {
    var name: String { get }
    var help: String { get }
    var typeName: String { get }
    func render(into out: inout String)
}

enum MetricsText {
    static func escapeHelp(_ text: String) -> String {
        text.replacingAll("\\", with: "\\\\").replacingAll("\n", with: "\\n")
    }

    static func escapeLabelValue(_ text: String) -> String {
        text.replacingAll("\\", with: "\\\\").replacingAll("\"", with: "\\\"").replacingAll("\n", with: "\\n")
    }

    static func labels(_ names: [String], _ values: [String], extra: (String, String)? = nil) -> String {
        var pairs = zip(names, values).map { "\($0)=\"\(escapeLabelValue($1))\"" }
        if let extra { pairs.append("\(extra.0)=\"\(extra.1)\"") }
        return pairs.isEmpty ? "" : "{" + pairs.joined(separator: ",") + "}"
    }

    static func number(_ value: Double) -> String {
        if value.isInfinite { return value > 0 ? "+Inf" : "-Inf" }
        if value == value.rounded(), abs(value) < 1e15 { return String(Int64(value)) }
        return "\(value)"
    }
}

extension String {
    fileprivate func replacingAll(_ target: Character, with replacement: String) -> String {
        guard contains(target) else { return self }
        var out = ""
        for character in self { if character == target { out += replacement } else { out.append(character) } }
        return out
    }
}

/// A monotonically increasing value per label set.
package final class Counter: MetricFamily {
    package let name: String
    package let help: String
    let labelNames: [String]
    private let values = Mutex<[[String]: Double]>([:])
    var typeName: String { "counter" }

    init(name: String, help: String, labelNames: [String]) {
        self.name = name
        self.help = help
        self.labelNames = labelNames
    }

    package func increment(by amount: Double = 1, labels: [String] = []) {
        precondition(labels.count == labelNames.count && amount >= 0)
        values.withLock { $0[labels, default: 0] += amount }
    }

    package func value(labels: [String] = []) -> Double { values.withLock { $0[labels] ?? 0 } }

    func render(into out: inout String) {
        for (labels, value) in values.withLock({ $0 }).sorted(by: { $0.key.lexicographicallyPrecedes($1.key) }) {
            out += "\(name)\(MetricsText.labels(labelNames, labels)) \(MetricsText.number(value))\n"
        }
    }
}

/// A value that goes up and down per label set.
package final class Gauge: MetricFamily {
    package let name: String
    package let help: String
    let labelNames: [String]
    private let values = Mutex<[[String]: Double]>([:])
    var typeName: String { "gauge" }

    init(name: String, help: String, labelNames: [String]) {
        self.name = name
        self.help = help
        self.labelNames = labelNames
    }

    package func set(_ value: Double, labels: [String] = []) {
        precondition(labels.count == labelNames.count)
        values.withLock { $0[labels] = value }
    }

    package func add(_ delta: Double, labels: [String] = []) {
        precondition(labels.count == labelNames.count)
        values.withLock { $0[labels, default: 0] += delta }
    }

    package func value(labels: [String] = []) -> Double { values.withLock { $0[labels] ?? 0 } }

    func render(into out: inout String) {
        for (labels, value) in values.withLock({ $0 }).sorted(by: { $0.key.lexicographicallyPrecedes($1.key) }) {
            out += "\(name)\(MetricsText.labels(labelNames, labels)) \(MetricsText.number(value))\n"
        }
    }
}

/// Observations counted into cumulative buckets (`_bucket{le=…}`, `_sum`, `_count`).
package final class Histogram: MetricFamily {
    /// Seconds, from 1 ms to 10 s.
    package static let defaultBuckets: [Double] = [
        0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10,
    ]

    struct Series {
        var bucketCounts: [UInt64]
        var sum: Double = 0
        var count: UInt64 = 0
    }

    package let name: String
    package let help: String
    let labelNames: [String]
    let buckets: [Double]
    private let series = Mutex<[[String]: Series]>([:])
    var typeName: String { "histogram" }

    init(name: String, help: String, labelNames: [String], buckets: [Double]) {
        precondition(!buckets.isEmpty && zip(buckets, buckets.dropFirst()).allSatisfy { $0 < $1 })
        self.name = name
        self.help = help
        self.labelNames = labelNames
        self.buckets = buckets
    }

    package func observe(_ value: Double, labels: [String] = []) {
        precondition(labels.count == labelNames.count)
        let bucket = buckets.firstIndex { value <= $0 } ?? buckets.count
        series.withLock { all in
            all[labels, default: Series(bucketCounts: Array(repeating: 0, count: buckets.count + 1))].record(
                bucket, value)
        }
    }

    package func count(labels: [String] = []) -> UInt64 { series.withLock { $0[labels]?.count ?? 0 } }

    func render(into out: inout String) {
        for (labels, entry) in series.withLock({ $0 }).sorted(by: { $0.key.lexicographicallyPrecedes($1.key) }) {
            var cumulative: UInt64 = 0
            for (index, bound) in (buckets + [Double.infinity]).enumerated() {
                cumulative += entry.bucketCounts[index]
                let le = MetricsText.labels(labelNames, labels, extra: ("le", MetricsText.number(bound)))
                out += "\(name)_bucket\(le) \(cumulative)\n"
            }
            let plain = MetricsText.labels(labelNames, labels)
            out += "\(name)_sum\(plain) \(entry.sum)\n"
            out += "\(name)_count\(plain) \(entry.count)\n"
        }
    }
}

extension Histogram.Series {
    mutating func record(_ bucket: Int, _ value: Double) {
        bucketCounts[bucket] += 1
        sum += value
        count += 1
    }
}

/// The server's own metrics: requests by route and status, latency by route.
package struct HTTPServerMetrics: Sendable {
    package let requests: Counter
    package let duration: Histogram
    package let openConnections: Gauge
    /// What the server did to protect itself: accept calls, refusals by reason, descriptor exhaustion,
    /// backpressure pauses, write timeouts (see ``HTTPServerStatistics``).
    package let protectionEvents: Counter

    package init(registry: MetricsRegistry) {
        protectionEvents = registry.counter(
            "civicseal_http_protection_events_total",
            help:
                "Connection-level events: accept calls, refusals by reason, descriptor exhaustion, backpressure, "
                + "write timeouts.",
            labelNames: ["event"])
        requests = registry.counter(
            "civicseal_http_requests_total", help: "HTTP requests answered, by route pattern and status.",
            labelNames: ["route", "status"])
        duration = registry.histogram(
            "civicseal_http_request_duration_seconds", help: "Time from dispatch to response, by route pattern.",
            labelNames: ["route"])
        openConnections = registry.gauge("civicseal_http_open_connections", help: "Open client connections.")
    }
}
