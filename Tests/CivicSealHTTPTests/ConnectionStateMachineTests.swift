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
        #expect(dispatched(machine.bytesReceived(Array("GET / HTTP/1.1\r\nHost: a\r\n\r\n".utf8), now: at(1))).count == 1)
        #expect(statuses(machine.responseReady(.text("ok"), now: at(2))) == [200])
        #expect(machine.timerFired(now: at(61.9)).isEmpty)
        #expect(machine.timerFired(now: at(62)) == [.close])
    }

    @Test func secondRequestHeaderDeadlineStartsAtItsFirstByte() {
        var machine = HTTPConnectionStateMachine(now: t0)
        _ = machine.bytesReceived(Array("GET / HTTP/1.1\r\nHost: a\r\n\r\n".utf8), now: at(1))
        _ = machine.responseReady(.text("ok"), now: at(1))
        _ = machine.bytesReceived(Array("GET".utf8), now: at(50))
        #expect(machine.timerFired(now: at(59.9)).isEmpty)
        #expect(statuses(machine.timerFired(now: at(60))) == [408])
    }

    @Test func noDeadlineWhileTheHandlerRuns() {
        var machine = HTTPConnectionStateMachine(now: t0)
        _ = machine.bytesReceived(Array("GET / HTTP/1.1\r\nHost: a\r\n\r\n".utf8), now: at(1))
        #expect(machine.nextDeadline == nil)
        #expect(machine.timerFired(now: at(1000)).isEmpty)
        #expect(statuses(machine.responseReady(.text("late"), now: at(1000))) == [200])
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
        _ = machine.bytesReceived([UInt8](repeating: 65, count: HTTPConnectionStateMachine.pipelineBufferLimit), now: at(0))
        #expect(!machine.wantsToRead)
    }

    @Test func expectContinueIsAnsweredBeforeTheBody() {
        let outcome = drive(Array("POST / HTTP/1.1\r\nHost: a\r\nExpect: 100-continue\r\nContent-Length: 2\r\n\r\nhi".utf8))
        #expect(outcome.continues == 1)
        #expect(outcome.statuses == [200])
    }
}

extension ConnectionStateMachineTests {
    @Test func halfClosedPeerIsNotReadAgainWhileItsRequestRuns() {
        var machine = HTTPConnectionStateMachine(now: MonotonicInstant(nanoseconds: 0))
        _ = machine.bytesReceived(Array("GET / HTTP/1.1\r\nHost: a\r\n\r\n".utf8), now: MonotonicInstant(nanoseconds: 0))
        _ = machine.peerClosed(now: MonotonicInstant(nanoseconds: 0))
        #expect(!machine.wantsToRead)
    }
}
