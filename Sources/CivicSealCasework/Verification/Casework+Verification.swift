import CivicSealCrypto
import CivicSealRecords
import CivicSealVerification
import CivicSealWorkflow
import Foundation

extension Casework {
    /// Verifies an uploaded PDF against the trust anchors and the registry, on the verification threads (never the
    /// caller's: other work does not wait behind an upload). Bytes that are not a sealed PDF are a verdict too.
    /// Throws ``CaseworkError/Code/verificationUnavailable`` when no verifier is configured and
    /// ``CaseworkError/Code/verificationBusy`` when the lane's queue is full.
    package func verifyDocument(_ bytes: [UInt8]) async throws(CaseworkError) -> DocumentVerdict {
        guard let documentVerifier else {
            throw CaseworkError(.verificationUnavailable, "no document verifier is configured")
        }
        let now = clock()
        let store = store
        do {
            return try await verification.run(bytes: bytes.count) {
                documentVerifier.verify(bytes, at: now, registry: store)
            }
        } catch {
            throw CaseworkError(
                .verificationBusy,
                "Every verification thread is busy and the queue is full; retry in \(error.retryAfter) s.",
                retryAfter: error.retryAfter)
        }
    }

    /// The five-field confirmation for `client` (the edge's key for the caller's address): at most
    /// ``RateLimiter/limit`` attempts per window (else ``CaseworkError/Code/tooManyAttempts``), then the document's
    /// public status only when every field matches what it states; nil otherwise, never saying which field differed.
    package func confirmDetails(_ given: DetailsConfirmation, client: String) async throws(CaseworkError)
        -> DocumentStatus?
    {
        if let wait = await confirmationLimiter.attempt(client, now: clock()) {
            throw CaseworkError(
                .tooManyAttempts,
                "At most \(confirmationLimiter.limit) confirmations per minute from one address; retry in \(wait) s.",
                retryAfter: wait)
        }
        // Compared in constant time; an unknown document id costs the same as a known one.
        return await store.confirmDetails(given).map {
            DocumentStatus(entry: $0, department: department($0.departmentID))
        }
    }
}

/// The registry as the verifier sees it. `RequestStore` is a records type and `DocumentRegistryLookup` a
/// verification protocol; the records layer must not import verification, so the casework layer (which uses both)
/// declares the conformance (same package, so not retroactive).
extension RequestStore: DocumentRegistryLookup {
    /// A blocking read on a reader connection (short: one indexed row without the PDF).
    package func registeredDocument(id: String) -> RegisteredDocument? {
        guard let entry = try? documentEntry(id: id) else { return nil }
        let status: RegisteredDocument.Status =
            switch entry.status {
            case .valid: .valid
            case .revoked(_, let code, let at): .revoked(code: code, at: at)
            }
        // Every file published for it (as issued, then each archive renewal) is the registered document.
        let versions = (try? documentVersionSHA256s(id: id)).flatMap { $0.isEmpty ? nil : $0 }
        var registered = RegisteredDocument(
            documentID: entry.documentID, kind: entry.kind.rawValue, departmentID: entry.departmentID,
            issuedAt: entry.issuedAt,
            pdfSHA256: Hex.decode(entry.pdfSHA256) ?? [], status: status, versionSHA256s: versions)
        registered.supersededBy = entry.supersededBy
        return registered
    }
}
