import CivicSealCrypto
import CivicSealHTTP
import CivicSealRecords
import CivicSealWorkflow
import Foundation
import Synchronization

extension APIService {
    /// `GET /healthz`: 200 when the database answers a read, 503 otherwise. The database is asked at most
    /// once a second, however often probes come.
    func health() -> HTTPResponse {
        Self.healthResponse(healthCache.isHealthy(now: clock(), check: casework.isStoreReadable))
    }

    /// The `/healthz` answer from a database check less than a second old, without touching the database; nil
    /// when the check is due (then ``health()`` runs on a handler thread).
    func cachedHealth() -> HTTPResponse? {
        healthCache.cached(now: clock()).map(Self.healthResponse)
    }

    static func healthResponse(_ healthy: Bool) -> HTTPResponse {
        guard healthy else {
            return .problem(
                ProblemDetails(
                    slug: "service-unavailable", title: "Database unavailable", status: HTTPStatus(code: 503)))
        }
        return .json(Array(#"{"status":"ok"}"#.utf8))
    }

    /// `GET /metrics`: Prometheus text exposition; request counts by lifecycle state are refreshed at most every 5 s.
    /// Only with `Authorization: Bearer <metrics token>` (compared in constant time): 401 without it, 404 when the
    /// service has no metrics token (the endpoint is off).
    func metricsExposition(_ request: HTTPRequest) async -> HTTPResponse {
        guard let metricsToken else { return .problem(.notFound()) }
        let presented =
            request.headers.values(for: "Authorization").count == 1
            ? request.headers.values(for: "Authorization")[0] : ""
        let prefix = "Bearer "
        guard presented.count > prefix.count, presented.lowercased().hasPrefix(prefix.lowercased()),
            ConstantTime.equals(Array(presented.utf8.dropFirst(prefix.utf8.count)), metricsToken)
        else {
            let problem = ProblemDetails(
                slug: "unauthorized", title: "Unauthorized", status: HTTPStatus(code: 401),
                detail: "GET /metrics needs the metrics bearer token.")
            return .problem(problem, headers: ["WWW-Authenticate": #"Bearer realm="metrics""#])
        }
        if let counts = await stateCounts.refreshIfStale(
            now: clock(), { try await self.casework.requestCountsByState() })
        {
            for state in RequestState.allCases { stateGauge.set(Double(counts[state] ?? 0), labels: [state.rawValue]) }
        }
        var response = HTTPResponse(status: .ok, body: Array(metrics.exposition().utf8))
        response.headers.replaceOrAdd(name: "Content-Type", value: "text/plain; version=0.0.4; charset=utf-8")
        return response
    }
}

/// Counting requests by state scans an index: do it at most every few seconds, whatever the scrape rate.
final class StateCountCache: Sendable {
    private let state = Mutex<(at: Date, counts: [RequestState: Int])?>(nil)

    func refreshIfStale(now: Date, _ load: @Sendable () async throws -> [RequestState: Int]) async -> [RequestState:
        Int]?
    {
        if let cached = state.withLock({ $0 }), now.timeIntervalSince(cached.at) < 5 { return cached.counts }
        guard let counts = try? await load() else { return nil }
        state.withLock { $0 = (now, counts) }
        return counts
    }
}

/// The last database health answer, reused for one second.
final class HealthCache: Sendable {
    private let state = Mutex<(at: Date, healthy: Bool)?>(nil)

    /// The last answer if it is less than a second old.
    func cached(now: Date) -> Bool? {
        guard let cached = state.withLock({ $0 }), now.timeIntervalSince(cached.at) < 1, now >= cached.at else {
            return nil
        }
        return cached.healthy
    }

    func isHealthy(now: Date, check: () -> Bool) -> Bool {
        if let cached = cached(now: now) { return cached }
        let healthy = check()
        state.withLock { $0 = (now, healthy) }
        return healthy
    }
}
