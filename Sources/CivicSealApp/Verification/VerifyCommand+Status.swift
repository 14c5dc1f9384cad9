import CivicSealCrypto
import CivicSealHTTPClient
import CivicSealVerification
import Foundation

/// `civicseal verify FILE.pdf --status STATUS.jws`: the registry status a verifier relies on, as the signed JWS
/// `GET /v1/documents/{id}/status` answers with `Accept: application/jose`. It is checked (signature, x5c chain to
/// the trust anchors, status-signer policy, the same document), its age printed ("as of … (3 h ago)"), and refused
/// when stale under ``StatusFreshnessPolicy`` (default 24 h): exit 1, in Vietnamese and English. A revoked status
/// makes the result not valid (exit 1) whatever the file says.
extension VerifyCommand {
    /// What the status adds to the verdict: lines to print, and whether it makes the result fail.
    package struct StatusReport: Sendable {
        package let lines: [String]
        package let refused: Bool
        package let status: SignedDocumentStatus?
    }

    package static func checkStatus(
        file: String, anchors: [Certificate], documentID: String?, now: Date,
        policy: StatusFreshnessPolicy = StatusFreshnessPolicy()
    ) throws(AppError) -> StatusReport {
        guard let data = FileManager.default.contents(atPath: file), data.count <= SignedDocumentStatus.maximumLength
        else { throw AppError(.unreadableInput, "cannot read the status \(file) (at most 32 KiB)") }
        return try checkStatus(
            compact: String(decoding: data, as: UTF8.self), anchors: anchors, documentID: documentID, now: now,
            policy: policy)
    }

    /// ``checkStatus(file:anchors:documentID:now:policy:)`` for a compact JWS already in hand.
    package static func checkStatus(
        compact: String, anchors: [Certificate], documentID: String?, now: Date,
        policy: StatusFreshnessPolicy = StatusFreshnessPolicy()
    ) throws(AppError) -> StatusReport {
        let validator: ChainValidator
        do { validator = try ChainValidator(trustAnchors: anchors) } catch {
            throw AppError(.configuration, "the trust anchors are unusable: \(error.message)")
        }
        let status: SignedDocumentStatus
        do {
            status = try SignedDocumentStatus(compact: compact, validator: validator)
        } catch {
            return StatusReport(
                lines: [
                    "✗ Trạng thái đăng ký không hợp lệ, không thể dựa vào / The registry status is not valid and "
                        + "cannot be relied on (\(error.code.rawValue): \(error.message))"
                ], refused: true, status: nil)
        }
        var lines: [String] = []
        let age = SignedDocumentStatus.describeAge(status.age(at: now))
        let asOf = signingTime(status.asOf)
        let name = status.isRevoked ? "ĐÃ BỊ THU HỒI / REVOKED" : "CÒN HIỆU LỰC / VALID"
        lines.append("Trạng thái đăng ký / Registry status: \(name)")
        if let reason = status.reason { lines.append("  Lý do / Reason: \(reason)") }
        if status.isRevoked {
            // One line a script can match: "revoked: key compromise; superseded by ‹new id›".
            lines.append("  \(status.summaryVietnamese)")
            lines.append("  \(status.summary)")
        }
        if let revokedAt = status.revokedAt { lines.append("  Thu hồi lúc / Revoked at: \(signingTime(revokedAt))") }
        lines.append("  Tính đến / As of: \(asOf) (cách đây \(age) / \(age) ago)")
        lines.append("  Ký bởi / Signed by: \(status.signer.subject)")
        var refused = false
        if let documentID, documentID != status.documentID {
            lines.append(
                "✗ Trạng thái này là của tài liệu khác (\(status.documentID)) / This status is for another document "
                    + "(\(status.documentID))")
            refused = true
        }
        if !policy.isFresh(status, at: now) {
            let hours = policy.maximumAge.components.seconds / 3600
            lines.append(
                "✗ Trạng thái đã cũ (quá \(hours) giờ), không thể dựa vào; hãy lấy trạng thái mới / "
                    + "The status is stale (older than \(hours) h) and cannot be relied on; fetch a fresh one")
            refused = true
        }
        if status.isRevoked { refused = true }
        return StatusReport(lines: lines, refused: refused, status: status)
    }

    /// `--status-url URL`: fetches the signed status with `Accept: application/jose` (HTTPS with the system's roots;
    /// plain HTTP only to a loopback address), at most 32 KiB, 30 s.
    package static func fetchStatus(url text: String) async throws(AppError) -> String {
        guard let url = URL(string: text) else { throw AppError(.usage, "--status-url \(text) is not a URL") }
        let response: OutboundResponse
        do {
            let client = try HTTPSClient(
                configuration: HTTPClientConfiguration(
                    maximumResponseBytes: SignedDocumentStatus.maximumLength, allowPlainHTTPToLoopback: true))
            response = try await client.send(
                OutboundRequest(url: url, headers: [("Accept", "application/jose")]))
        } catch {
            throw AppError(.unreadableInput, "cannot fetch the status from \(text): \(error)")
        }
        guard response.status == 200, response.header("Content-Type")?.hasPrefix("application/jose") == true else {
            throw AppError(
                .unreadableInput,
                "\(text) answered \(response.status) \(response.header("Content-Type") ?? ""), "
                    + "not a signed status (application/jose)")
        }
        return String(decoding: response.body, as: UTF8.self)
    }

    /// ``run(file:trustDirectory:now:)`` plus the signed status fetched from `statusURL`.
    package static func run(
        file: String, trustDirectory: String?, statusURL: String, statusMaximumAge: Duration = .seconds(24 * 3600)
    ) async throws(AppError) -> Result {
        let compact = try await fetchStatus(url: statusURL)
        let now = Date()
        let result = try run(file: file, trustDirectory: trustDirectory, now: now)
        let anchors = try loadTrustAnchors(trustDirectory ?? defaultTrustDirectory)
        let report = try checkStatus(
            compact: compact, anchors: anchors, documentID: result.verdict.documentID, now: now,
            policy: StatusFreshnessPolicy(maximumAge: statusMaximumAge))
        let status: Int32 = report.refused && result.status == 0 ? 1 : result.status
        return Result(
            text: result.text + "\n" + report.lines.joined(separator: "\n"), status: status, verdict: result.verdict)
    }

    /// ``run(file:trustDirectory:now:)`` plus the signed status in `statusFile`, when given.
    package static func run(
        file: String, trustDirectory: String?, statusFile: String?, now: Date = Date(),
        statusMaximumAge: Duration = .seconds(24 * 3600)
    ) throws(AppError) -> Result {
        let policy = StatusFreshnessPolicy(maximumAge: statusMaximumAge)
        let result = try run(file: file, trustDirectory: trustDirectory, now: now)
        guard let statusFile else { return result }
        let anchors = try loadTrustAnchors(trustDirectory ?? defaultTrustDirectory)
        let report = try checkStatus(
            file: statusFile, anchors: anchors, documentID: result.verdict.documentID, now: now, policy: policy)
        let status: Int32 = report.refused && result.status == 0 ? 1 : result.status
        return Result(
            text: result.text + "\n" + report.lines.joined(separator: "\n"), status: status, verdict: result.verdict)
    }
}
