import CivicSealDocuments
import CivicSealRecords
import CivicSealTestSupport
import CivicSealWorkflow
import Foundation
import Synchronization
import Testing

@testable import CivicSealApp
@testable import CivicSealCasework

/// Two issuers of one request in one process (the decision handler and the sweeper): the handler joins the
/// issuance already in flight and answers with its outcome, instead of reporting the request as merely approved.
@Suite struct IssuanceJoinTests {
    @Test func aSecondIssuerJoinsTheIssuanceInFlightAndGetsItsDocument() throws {
        let folder = TemporaryDirectory("civicseal-issuance-join")
        _ = try DevelopmentPKI.initialize(directory: folder.path + "/keys")
        let keyring = try Keyring(directory: folder.path + "/keys")
        let store = try RequestStore.open(path: folder.path + "/civicseal.sqlite")
        defer { try? store.close() }
        let officer = Participant.officer("officer-1", department: "justice-hanoi")
        let request = SyntheticRequests.validated(
            SyntheticRequests.criminalRecord(), person: 7, today: CalendarDate(Date()))
        let id = try store.submit(request, now: Date()).id
        _ = try store.claim(id, by: officer, now: Date())
        _ = try store.approve(
            id, findingsJSON: #"{"bans":[],"convictions":[]}"#, by: officer, officerName: "Lê Văn Hưởng", now: Date())

        // The first issuer stops inside its work (loading the renderer) until the test lets it go on.
        let entered = DispatchSemaphore(value: 0)
        let release = DispatchSemaphore(value: 0)
        let issuance = IssuanceService(
            store: store, keyring: keyring,
            loadingRenderer: {
                entered.signal()
                release.wait()
                return try DocumentRenderer(templateDirectory: DocumentRenderer.repositoryTemplateDirectory())
            })
        let first = Mutex<Result<IssuanceService.Issued?, CaseworkError>?>(nil)
        let joined = Mutex<Result<IssuanceService.Issued?, CaseworkError>?>(nil)
        // Threads of their own: a blocked GCD worker may keep the pool from starting the next block on 2 cores.
        let finished = DispatchGroup()
        finished.enter()
        Thread.detachNewThread {
            let outcome = Result { () throws(CaseworkError) in try issuance.issueNow(id) }
            first.withLock { $0 = outcome }
            finished.leave()
        }
        #expect(entered.wait(timeout: .now() + 30) == .success, "the first issuer never started")

        // While it is in flight: a plain caller gets nil at once, a joining caller waits for it.
        #expect(try issuance.issueNow(id) == nil)
        finished.enter()
        Thread.detachNewThread {
            let outcome = Result { () throws(CaseworkError) in try issuance.issueNow(id, joiningInFlight: true) }
            joined.withLock { $0 = outcome }
            finished.leave()
        }
        let waiting = Date().addingTimeInterval(30)
        while issuance.inFlight.withLock({ $0[id]?.joiners.load(ordering: .sequentiallyConsistent) ?? 0 }) == 0,
            Date() < waiting
        {
            usleep(1_000)
        }
        #expect(issuance.inFlight.withLock { $0[id]?.joiners.load(ordering: .sequentiallyConsistent) } == 1)
        #expect(joined.withLock { $0 } == nil, "the joining caller returned before the issuance it joined had finished")
        release.signal()
        #expect(finished.wait(timeout: .now() + 60) == .success, "the issuers did not finish")

        let firstIssued = try #require(try first.withLock { $0 }?.get())
        let joinedIssued = try #require(try joined.withLock { $0 }?.get(), "the joining caller got no document")
        #expect(joinedIssued.documentID == firstIssued.documentID)
        #expect(joinedIssued.summary.state == .issued)
        #expect(try store.documentEntry(forRequest: id)?.documentID == firstIssued.documentID)
        // Once it has finished there is nothing left to issue, joining or not.
        #expect(try issuance.issueNow(id, joiningInFlight: true) == nil)
    }
}
