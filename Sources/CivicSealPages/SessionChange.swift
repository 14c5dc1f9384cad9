import Synchronization

/// What a page changed in its visitor's signed-in session while it was made: a notice to show next, the notice it
/// showed cleared, or the session ended (its ID token no longer verifies). ``WebPages/finish(_:_:)`` applies it with
/// one store call before the response leaves, so page code stays synchronous while the store, on several
/// instances a database, is reached asynchronously (never blocking the cooperative pool).
///
/// One per visit, shared by the visit's copies (a page is made from copies of ``WebVisit``).
final class SessionChange: Sendable {
    enum Change: Sendable, Equatable {
        /// The notice the next page shows; nil clears the one this page showed.
        case flash(String?)
        /// The session is over.
        case end
    }

    private let change = Mutex<Change?>(nil)

    /// Records `new`. Ending the session wins over any notice; with `unlessSet`, a change already recorded stays
    /// (a page that shows a notice does not clear the one this visit set for the next page).
    func record(_ new: Change, unlessSet: Bool = false) {
        change.withLock { change in
            if change == .end || (unlessSet && change != nil) { return }
            change = new
        }
    }

    /// The change to apply, if any.
    var pending: Change? { change.withLock { $0 } }
}
