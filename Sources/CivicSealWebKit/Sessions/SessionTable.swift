/// The sessions of a ``SessionStore``, keyed by the SHA-256 of their id and kept in least-recently-seen order
/// (a doubly linked list threaded through an array of slots), so touching a session and evicting the oldest one
/// are O(1). Not thread-safe: the store keeps it inside a `Mutex`.
struct SessionTable<Payload: Sendable>: Sendable {
    /// What the store keeps per session. The id itself is not kept, only its digest (the dictionary key).
    struct Entry: Sendable {
        let key: [UInt8]
        /// Whose session it is (e.g. `citizen:<issuer> <subject>`): the per-principal bound counts by it.
        let owner: String
        var csrfToken: String
        var payload: Payload
        var created: ContinuousClock.Instant
        var lastSeen: ContinuousClock.Instant
        /// Neighbour slots in recency order; -1 at either end.
        fileprivate var older = -1
        fileprivate var newer = -1

        init(
            key: [UInt8], owner: String, csrfToken: String, payload: Payload, created: ContinuousClock.Instant,
            lastSeen: ContinuousClock.Instant
        ) {
            self.key = key
            self.owner = owner
            self.csrfToken = csrfToken
            self.payload = payload
            self.created = created
            self.lastSeen = lastSeen
        }
    }

    private var slots: [Entry?] = []
    private var freeSlots: [Int] = []
    private var slotByKey: [[UInt8]: Int] = [:]
    /// The occupied slots of each owner (a handful each: the store bounds them).
    private var slotsByOwner: [String: [Int]] = [:]
    private var newest = -1
    private(set) var oldest = -1

    var count: Int { slotByKey.count }

    func slot(for key: [UInt8]) -> Int? { slotByKey[key] }

    /// How many sessions `owner` holds.
    func count(owner: String) -> Int { slotsByOwner[owner]?.count ?? 0 }

    /// The least recently seen session of `owner`, if any.
    func leastRecentlySeen(owner: String) -> Int? {
        slotsByOwner[owner]?.min { slots[$0]!.lastSeen < slots[$1]!.lastSeen }
    }

    /// The entry in `slot`; the slot must be occupied.
    subscript(slot: Int) -> Entry { slots[slot]! }

    /// Changes the payload of the session in `slot` in place.
    mutating func modifyPayload(slot: Int, _ body: (inout Payload) -> Void) { body(&slots[slot]!.payload) }

    /// Every occupied slot, oldest first.
    var slotsOldestFirst: [Int] {
        var result: [Int] = []
        result.reserveCapacity(count)
        var slot = oldest
        while slot >= 0 {
            result.append(slot)
            slot = slots[slot]!.newer
        }
        return result
    }

    /// Adds a session as the most recently seen one and returns its slot.
    @discardableResult
    mutating func insert(_ entry: Entry) -> Int {
        precondition(slotByKey[entry.key] == nil, "duplicate session key")
        let slot: Int
        if let free = freeSlots.popLast() {
            slot = free
            slots[slot] = entry
        } else {
            slot = slots.count
            slots.append(entry)
        }
        slotByKey[entry.key] = slot
        slotsByOwner[entry.owner, default: []].append(slot)
        link(asNewest: slot)
        return slot
    }

    /// Removes the session in `slot`.
    mutating func remove(slot: Int) {
        guard let entry = slots[slot] else { return }
        unlink(slot)
        slotByKey[entry.key] = nil
        if var owned = slotsByOwner[entry.owner] {
            owned.removeAll { $0 == slot }
            slotsByOwner[entry.owner] = owned.isEmpty ? nil : owned
        }
        slots[slot] = nil
        freeSlots.append(slot)
    }

    /// Records that the session in `slot` was seen at `now`, making it the most recent.
    mutating func touch(slot: Int, now: ContinuousClock.Instant) {
        slots[slot]!.lastSeen = now
        unlink(slot)
        link(asNewest: slot)
    }

    private mutating func link(asNewest slot: Int) {
        slots[slot]!.older = newest
        slots[slot]!.newer = -1
        if newest >= 0 { slots[newest]!.newer = slot }
        newest = slot
        if oldest < 0 { oldest = slot }
    }

    private mutating func unlink(_ slot: Int) {
        let older = slots[slot]!.older
        let newer = slots[slot]!.newer
        if older >= 0 { slots[older]!.newer = newer } else { oldest = newer }
        if newer >= 0 { slots[newer]!.older = older } else { newest = older }
        slots[slot]!.older = -1
        slots[slot]!.newer = -1
    }
}
