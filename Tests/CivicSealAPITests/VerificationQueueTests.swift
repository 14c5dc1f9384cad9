import CivicSealAPI
import CivicSealApp
import CivicSealCasework
import CivicSealHTTP
import CivicSealServiceTestSupport
import CivicSealTestSupport
import Foundation
import Synchronization
import Testing

/// Verification runs on threads of its own with a bounded queue: a full queue answers 503 with `Retry-After`, and
/// the other routes never wait behind it.
@Suite struct VerificationQueueTests {
    /// Holds a pool's threads until `open()`; the test decides when work may finish, so nothing depends on timing.
    final class Gate: Sendable {
        private let semaphore = DispatchSemaphore(value: 0)
        func wait() { semaphore.wait() }
        func open(_ count: Int) { for _ in 0..<count { semaphore.signal() } }
    }

    @Test("a saturated verification queue answers 503 + Retry-After while /healthz and /openapi.json answer at once")
    func saturatedQueueAnswers503AndOtherRoutesStillAnswer() async throws {
        let lanes = VerificationLanes(
            ordinary: VerificationPool(workers: 1, queueLimit: 1), large: VerificationPool(workers: 1, queueLimit: 1))
        let gate = Gate()
        try await withLiveService(configure: { $0.verification = lanes }) { live in
            // Occupy both lanes' one thread (each job says when it runs) and fill each queue, without polling.
            let (finished, finish) = AsyncStream<Void>.makeStream()
            for pool in [lanes.ordinary, lanes.large] {
                await withCheckedContinuation { (started: CheckedContinuation<Void, Never>) in
                    #expect(
                        pool.submit {
                            started.resume()
                            gate.wait()
                            finish.yield()
                        })
                }
                #expect(
                    pool.submit {
                        gate.wait()
                        finish.yield()
                    }, "one may wait")
                #expect(pool.running == 1 && pool.waiting == 1)
            }

            let pdf = Array("%PDF-1.7\n1 0 obj(".utf8) + Array(repeating: UInt8(ascii: "("), count: 64 * 1024)
            let busy = try await live.client.send(
                "POST", "/v1/verify", headers: [("Content-Type", "application/pdf")], body: pdf)
            #expect(busy.status == 503, "\(busy)")
            #expect(busy.header("Retry-After").flatMap(Int.init).map { $0 >= 1 } == true, "\(busy)")
            #expect(busy.header("Content-Type")?.hasPrefix("application/problem+json") == true, "\(busy)")
            #expect(busy.json["status"] as? Int == 503)
            let large =
                Array("%PDF-1.7\n".utf8)
                + Array(repeating: UInt8(ascii: " "), count: VerificationLanes.largeUploadBytes + 1)
            let busyLarge = try await live.client.send(
                "POST", "/v1/verify", headers: [("Content-Type", "application/pdf")], body: large)
            #expect(busyLarge.status == 503 && busyLarge.header("Retry-After") != nil, "\(busyLarge)")

            // The verification page says so too, with the same status and header.
            let browser = Browser(live)
            let csrf = try #require(try await browser.get("/verify").csrf)
            let page = try await browser.postMultipart(
                "/verify", [("csrf", csrf)], file: ("document", "a.pdf", "application/pdf", pdf))
            #expect(page.status == 503 && page.header("Retry-After") != nil, "\(page)")
            #expect(page.element(id: "document-error") == PageText.vi("verify-busy"), "\(page.text)")

            // Everything else answers while every verification thread is held.
            let health = try await live.client.get("/healthz")
            #expect(health.status == 200, "\(health)")
            let openAPI = try await live.client.get("/openapi.json")
            #expect(openAPI.status == 200, "\(openAPI)")

            // Released, the same upload gets its verdict: not valid, as a typed verdict.
            gate.open(4)
            var done = 0
            for await _ in finished {
                done += 1
                if done == 4 { break }
            }
            let verdict = try await live.client.send(
                "POST", "/v1/verify", headers: [("Content-Type", "application/pdf")], body: pdf)
            #expect(verdict.status == 200, "\(verdict)")
            #expect(verdict.json["outcome"] as? String == "invalid", "\(verdict)")
        }
    }

    /// The pool itself: at most `queueLimit` wait; the one beyond is refused at once, not queued.
    @Test func poolRefusesBeyondItsQueueLimit() async throws {
        let pool = VerificationPool(workers: 1, queueLimit: 2)
        let gate = Gate()
        let (finished, finish) = AsyncStream<Void>.makeStream()
        await withCheckedContinuation { (started: CheckedContinuation<Void, Never>) in
            #expect(
                pool.submit {
                    started.resume()
                    gate.wait()
                    finish.yield()
                })
        }
        #expect(
            pool.submit {
                gate.wait()
                finish.yield()
            }
                && pool.submit {
                    gate.wait()
                    finish.yield()
                })
        #expect(pool.running == 1 && pool.waiting == 2)
        #expect(!pool.submit {}, "a third waiting job is refused")
        await #expect(throws: VerificationPool.Saturated.self) { _ = try await pool.run { 0 } }
        gate.open(3)
        var done = 0
        for await _ in finished {
            done += 1
            if done == 3 { break }
        }
        // Once the queue drains, work runs and its result comes back.
        #expect(try await pool.run { 7 } == 7)
    }
}
