import CivicSealHTTP
import Testing

@Suite("Connection state machine")
struct ConnectionStateMachineTests {
    private let t0 = MonotonicInstant(nanoseconds: 5_000_000_000)
    private func at(_ seconds: Double) -> MonotonicInstant { t0 + .milliseconds(Int64(seconds * 1000)) }

    private func statuses(_ actions: [HTTPConnectionStateMachine.Action]) -> [Int] {
        actions.compactMap { if case .send(let out) = $0 { out.response.status.code } else { nil } }
    }

    private func dispatched(_ actions: [HTTPConnectionStateMachine.Action]) -> [HTTPRequest] {
        actions.compactMap { if case .dispatch(let request) = $0 { request } else { nil } }
    }

    @Test func incompleteHeaderGets408AfterTheHeaderDeadline() {
        var machine = HTTPConnectionStateMachine(now: t0)
        #expect(machine.bytesReceived(Array("GET / HTTP/1.1\r\nHo".utf8), now: at(1)).isEmpty)
        #expect(machine.timerFired(now: at(9.9)).isEmpty)
        let actions = machine.timerFired(now: at(10))
        #expect(statuses(actions) == [408])
        #expect(actions.last == .close)
        #expect(machine.isClosed)
    }

    @Test func silentFreshConnectionIsClosedWithoutResponseAtTheHeaderDeadline() {
        var machine = HTTPConnectionStateMachine(now: t0)
        #expect(machine.timerFired(now: at(9.9)).isEmpty)
        #expect(machine.timerFired(now: at(10)) == [.close])
    }

    @Test func slowBodyGets408AfterTheBodyDeadline() {
        var machine = HTTPConnectionStateMachine(now: t0)
        _ = machine.bytesReceived(Array("POST / HTTP/1.1\r\nHost: a\r\nContent-Length: 10\r\n\r\nabc".utf8), now: at(2))
        #expect(machine.timerFired(now: at(31.9)).isEmpty)
        let actions = machine.timerFired(now: at(32))
        #expect(statuses(actions) == [408])
        #expect(actions.last == .close)
    }

    @Test func idleKeepAliveConnectionClosesSilentlyAfterSixtySeconds() {
        var machine = HTTPConnectionStateMachine(now: t0)
        #expect(
            dispatched(machine.bytesReceived(Array("GET / HTTP/1.1\r\nHost: a\r\n\r\n".utf8), now: at(1))).count == 1)
        #expect(statuses(machine.responseReady(.text("ok"), now: at(2))) == [200])
        #expect(machine.outputFlushed(unflushed: 0, now: at(2)).isEmpty)  // the event loop wrote it all
        #expect(machine.timerFired(now: at(61.9)).isEmpty)
        #expect(machine.timerFired(now: at(62)) == [.close])
    }

    @Test func secondRequestHeaderDeadlineStartsAtItsFirstByte() {
        var machine = HTTPConnectionStateMachine(now: t0)
        _ = machine.bytesReceived(Array("GET / HTTP/1.1\r\nHost: a\r\n\r\n".utf8), now: at(1))
        _ = machine.responseReady(.text("ok"), now: at(1))
        _ = machine.outputFlushed(unflushed: 0, now: at(1))
        _ = machine.bytesReceived(Array("GET".utf8), now: at(50))
        #expect(machine.timerFired(now: at(59.9)).isEmpty)
        #expect(statuses(machine.timerFired(now: at(60))) == [408])
    }

    @Test func aRunningHandlerHasOnlyTheGenerousResponseDeadline() {
        var machine = HTTPConnectionStateMachine(now: t0)
        _ = machine.bytesReceived(Array("GET / HTTP/1.1\r\nHost: a\r\n\r\n".utf8), now: at(1))
        #expect(machine.nextDeadline == at(121))
        #expect(machine.timerFired(now: at(100)).isEmpty)
        #expect(statuses(machine.responseReady(.text("slow"), now: at(100))) == [200])
    }

    @Test func pipelinedRequestsAreDispatchedOneAtATime() {
        var machine = HTTPConnectionStateMachine(now: t0)
        let two = "GET /1 HTTP/1.1\r\nHost: a\r\n\r\nGET /2 HTTP/1.1\r\nHost: a\r\n\r\n"
        let first = machine.bytesReceived(Array(two.utf8), now: at(0))
        #expect(dispatched(first).map(\.target) == ["/1"])
        let second = machine.responseReady(.text("1"), now: at(0))
        #expect(statuses(second) == [200])
        #expect(dispatched(second).map(\.target) == ["/2"])
    }

    @Test func halfClosedPeerStillGetsEveryPipelinedResponse() {
        var machine = HTTPConnectionStateMachine(now: t0)
        let two = "GET /1 HTTP/1.1\r\nHost: a\r\n\r\nGET /2 HTTP/1.1\r\nHost: a\r\n\r\n"
        _ = machine.bytesReceived(Array(two.utf8), now: at(0))
        #expect(machine.peerClosed(now: at(0)).isEmpty)
        #expect(dispatched(machine.responseReady(.text("1"), now: at(0))).map(\.target) == ["/2"])
        let last = machine.responseReady(.text("2"), now: at(0))
        #expect(statuses(last) == [200])
        #expect(last.last == .close)
    }

    @Test func shutdownClosesIdleConnectionsAndFinishesInFlightOnesWithClose() {
        var idle = HTTPConnectionStateMachine(now: t0)
        #expect(idle.shutdownRequested(now: at(1)) == [.close])

        var busy = HTTPConnectionStateMachine(now: t0)
        _ = busy.bytesReceived(Array("GET / HTTP/1.1\r\nHost: a\r\n\r\n".utf8), now: at(1))
        #expect(busy.shutdownRequested(now: at(1)).isEmpty)
        let actions = busy.responseReady(.text("done"), now: at(2))
        guard case .send(let out) = actions.first else {
            Issue.record("expected a response")
            return
        }
        #expect(out.closing)
        #expect(actions.last == .close)
    }

    @Test func headResponseKeepsContentLengthButOmitsTheBody() {
        var machine = HTTPConnectionStateMachine(now: t0)
        _ = machine.bytesReceived(Array("HEAD / HTTP/1.1\r\nHost: a\r\n\r\n".utf8), now: at(0))
        guard case .send(let out) = machine.responseReady(.text("hello"), now: at(0)).first else {
            Issue.record("expected a response")
            return
        }
        let wire = String(decoding: out.serialize(), as: UTF8.self)
        #expect(wire.contains("Content-Length: 5\r\n"))
        #expect(wire.hasSuffix("\r\n\r\n"))
    }

    @Test func readingPausesWhenTooMuchIsPipelinedBehindABusyRequest() {
        var machine = HTTPConnectionStateMachine(now: t0)
        _ = machine.bytesReceived(Array("GET / HTTP/1.1\r\nHost: a\r\n\r\n".utf8), now: at(0))
        #expect(machine.wantsToRead)
        _ = machine.bytesReceived(
            [UInt8](repeating: 65, count: HTTPConnectionStateMachine.pipelineBufferLimit), now: at(0))
        #expect(!machine.wantsToRead)
    }

    @Test func expectContinueIsAnsweredBeforeTheBody() {
        let outcome = drive(
            Array("POST / HTTP/1.1\r\nHost: a\r\nExpect: 100-continue\r\nContent-Length: 2\r\n\r\nhi".utf8))
        #expect(outcome.continues == 1)
        #expect(outcome.statuses == [200])
    }
}

extension ConnectionStateMachineTests {
    @Test func halfClosedPeerIsNotReadAgainWhileItsRequestRuns() {
        var machine = HTTPConnectionStateMachine(now: MonotonicInstant(nanoseconds: 0))
        _ = machine.bytesReceived(
            Array("GET / HTTP/1.1\r\nHost: a\r\n\r\n".utf8), now: MonotonicInstant(nanoseconds: 0))
        _ = machine.peerClosed(now: MonotonicInstant(nanoseconds: 0))
        #expect(!machine.wantsToRead)
    }

    // MARK: Backpressure and the deadlines of every state

    private static let big = HTTPResponse(status: .ok, body: [UInt8](repeating: 0x78, count: 300 * 1024))
    private static let two = Array("GET /1 HTTP/1.1\r\nHost: a\r\n\r\nGET /2 HTTP/1.1\r\nHost: a\r\n\r\n".utf8)

    @Test func pipelinedRequestWaitsWhileOutputIsOverTheBoundAndGoesOnOnceFlushed() {
        var machine = HTTPConnectionStateMachine(now: t0)
        #expect(dispatched(machine.bytesReceived(Self.two, now: at(1))).map(\.path) == ["/1"])
        // 300 KiB now wait to be written: the second request is not parsed and the socket is not read.
        let answered = machine.responseReady(Self.big, now: at(1))
        #expect(statuses(answered) == [200] && dispatched(answered).isEmpty)
        #expect(machine.isOutputBackpressured && !machine.wantsToRead)
        // The client took some but 257 KiB still wait: still paused.
        #expect(machine.outputFlushed(unflushed: 257 * 1024, now: at(2)).isEmpty)
        #expect(!machine.wantsToRead)
        // Under the bound: the held request goes on.
        #expect(dispatched(machine.outputFlushed(unflushed: 10 * 1024, now: at(3))).map(\.path) == ["/2"])
        #expect(!machine.isOutputBackpressured)
    }

    @Test func outputThatMakesNoProgressAbortsAtTheWriteDeadline() {
        var machine = HTTPConnectionStateMachine(now: t0)
        _ = machine.bytesReceived(Self.two, now: at(1))
        _ = machine.responseReady(Self.big, now: at(1))
        #expect(machine.nextDeadline == at(31))
        #expect(machine.timerFired(now: at(30.9)).isEmpty)
        // Progress moves the deadline.
        _ = machine.outputFlushed(unflushed: 290 * 1024, now: at(20))
        #expect(machine.timerFired(now: at(49.9)).isEmpty)
        #expect(machine.timerFired(now: at(50)) == [.abort])
        #expect(machine.isClosed)
    }

    @Test func aClosingConnectionWhoseOutputIsNotTakenStillHasADeadline() {
        var machine = HTTPConnectionStateMachine(now: t0)
        _ = machine.bytesReceived(Array("GET / HTTP/1.1\r\nHost: a\r\nConnection: close\r\n\r\n".utf8), now: at(1))
        let actions = machine.responseReady(Self.big, now: at(1))
        #expect(statuses(actions) == [200] && actions.last == .close)
        #expect(machine.isClosed)
        #expect(machine.nextDeadline == at(31))
        #expect(machine.timerFired(now: at(31)) == [.abort])
    }

    @Test func aBackpressuredConnectionIsNotClosedAsIdleWhileItsClientReadsSlowly() {
        var machine = HTTPConnectionStateMachine(now: t0)
        _ = machine.bytesReceived(Self.two, now: at(1))
        _ = machine.responseReady(Self.big, now: at(1))
        // Slow but steady progress for longer than the idle timeout.
        for second in stride(from: 20, through: 100, by: 20) {
            #expect(machine.outputFlushed(unflushed: 300 * 1024 - second * 128, now: at(Double(second))).isEmpty)
            #expect(machine.timerFired(now: at(Double(second) + 19)).isEmpty)
        }
        #expect(!machine.isClosed)
    }

    @Test func aHandlerThatNeverAnswersGets503AtTheResponseDeadline() {
        var machine = HTTPConnectionStateMachine(now: t0)
        _ = machine.bytesReceived(Array("GET / HTTP/1.1\r\nHost: a\r\n\r\n".utf8), now: at(1))
        #expect(machine.nextDeadline == at(121))
        #expect(machine.timerFired(now: at(120.9)).isEmpty)
        let actions = machine.timerFired(now: at(121))
        #expect(statuses(actions) == [503] && actions.last == .close)
        // The late answer is dropped.
        #expect(machine.responseReady(.text("late"), now: at(130)).isEmpty)
    }
}
