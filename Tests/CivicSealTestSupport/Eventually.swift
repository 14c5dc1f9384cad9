/// Polls `condition` every 10 ms until it holds, for at most `timeout`; the answer is its last value. For effects
/// that happen soon but not at once (a log line written as a response completes, a background pass), so that a
/// test waits for the effect itself rather than for a guessed length of time. The default bound is long because it
/// only matters when the condition never holds: in the full suite, tests that run external tools block threads of
/// the shared cooperative pool, and a task this condition waits for may not run for a minute or more.
package func eventually(timeout: Duration = .seconds(300), _ condition: () async -> Bool) async -> Bool {
    let end = ContinuousClock.now + timeout
    while ContinuousClock.now < end, !Task.isCancelled {
        if await condition() { return true }
        try? await Task.sleep(for: .milliseconds(10))
    }
    return await condition()
}
