internal import CCivicSealPKCS11
import Foundation
import Synchronization

/// A logged-in token: the slot holding it, and a pool of sessions.
///
/// Each signature takes one idle session for itself and gives it back afterwards, so no session is ever used by two
/// threads at once (what the issue calls "pooled per thread"); at most ``maximumIdleSessions`` idle sessions are
/// kept, and a burst beyond that opens extra sessions that are closed after use. The user login is per application
/// for a token (PKCS #11 §5.6), so one C_Login covers every session. When the token goes away (removed, its files
/// deleted) the failing session is dropped with a ``CryptoError/Code/tokenNotPresent`` error; the next operation
/// looks for the token by its URI again and logs in again if it is back.
package final class PKCS11Token: Sendable {
    /// Idle sessions kept open per token.
    package static let maximumIdleSessions = 8

    let module: PKCS11Module
    /// The attributes that identify the token (label, serial, …).
    package let uri: PKCS11URI
    private let pin: PINSource
    private let state = Mutex(State())

    private struct State {
        var slot: UInt?
        /// Changes every time the token is found anew: object handles and sessions of older epochs are stale.
        var epoch = 0
        var idle: [UInt] = []
    }

    private init(module: PKCS11Module, uri: PKCS11URI, pin: PINSource) {
        self.module = module
        self.uri = uri
        self.pin = pin
    }

    /// Loads `modulePath` once per process (cached by path; C_Initialize with CKF_OS_LOCKING_OK), finds the slot
    /// whose token matches `uri` (label/serial/…), reads the PIN from `pin`, and logs in as CKU_USER.
    ///
    /// Opened tokens are kept per module, token and PIN source, so every key of a token shares one session pool and
    /// one login. (Once a process is logged in to a token, PKCS #11 answers a later C_Login with
    /// CKR_USER_ALREADY_LOGGED_IN without checking the PIN: a second PIN source for the same token is not verified.)
    package static func open(modulePath: String, uri: PKCS11URI, pin: PINSource) throws(CryptoError) -> PKCS11Token {
        let module = try PKCS11Module.load(modulePath)
        var identity = uri.tokenOnly
        identity.modulePath = uri.modulePath
        let key = OpenedKey(modulePath: module.path, token: identity, pin: pin)
        if let token = opened.withLock({ $0[key] }) { return token }
        let token = PKCS11Token(module: module, uri: identity, pin: pin)
        try token.withSession { _, _ throws(CryptoError) in () }
        return opened.withLock { tokens in
            if let existing = tokens[key] { return existing }
            tokens[key] = token
            return token
        }
    }

    private struct OpenedKey: Hashable {
        let modulePath: String
        let token: PKCS11URI
        let pin: PINSource
    }

    private static let opened = Mutex<[OpenedKey: PKCS11Token]>([:])

    /// Sessions open and idle in the pool now (at most ``maximumIdleSessions``).
    package var idleSessions: Int { state.withLock { $0.idle.count } }

    /// The module's CK_INFO manufacturer (a check that the function table was read at the right offsets).
    package var moduleManufacturer: String { module.manufacturer }

    // MARK: - Slots and sessions

    /// The slot whose token matches ``uri``; throws tokenNotPresent when none or several do.
    private func findSlot() throws(CryptoError) -> UInt {
        // The two calls PKCS #11 §5.5 describes: the count first (SoftHSM, among others, looks for new tokens
        // only then), then the list; a token arriving in between makes the second call too small, so try again.
        var slots: [UInt] = []
        for attempt in 1...4 {
            var count: UInt = 0
            try PKCS11Return.check(cs_p11_get_slot_list(module.functions, nil, &count), "C_GetSlotList")
            guard count <= 4096 else { throw CryptoError(.tokenFailure, "C_GetSlotList: \(count) slots") }
            slots = [UInt](repeating: 0, count: Int(count) + 1)
            count += 1
            let rv = cs_p11_get_slot_list(module.functions, &slots, &count)
            if rv == CKR_BUFFER_TOO_SMALL, attempt < 4 { continue }
            try PKCS11Return.check(rv, "C_GetSlotList")
            slots = Array(slots.prefix(Int(min(count, UInt(slots.count)))))
            break
        }
        var matches: [UInt] = []
        for slot in slots {
            var info = cs_p11_token_info()
            guard cs_p11_get_token_info(module.functions, slot, &info) == CKR_OK,
                info.flags & CKF_TOKEN_INITIALIZED != 0
            else { continue }
            if let wanted = uri.slotID, wanted != slot { continue }
            let label = Self.string(&info.label)
            let manufacturer = Self.string(&info.manufacturer)
            let model = Self.string(&info.model)
            let serial = Self.string(&info.serial)
            if let wanted = uri.token, wanted != label { continue }
            if let wanted = uri.manufacturer, wanted != manufacturer { continue }
            if let wanted = uri.model, wanted != model { continue }
            if let wanted = uri.serial, wanted != serial { continue }
            matches.append(slot)
        }
        guard let slot = matches.first else {
            throw CryptoError(.tokenNotPresent, "no token matches \(uri) in \(module.path)")
        }
        guard matches.count == 1 else {
            throw CryptoError(.tokenNotPresent, "\(matches.count) tokens match \(uri); name one by label or serial")
        }
        return slot
    }

    private static func string<T>(_ field: inout T) -> String {
        withUnsafeBytes(of: &field) { String(cString: $0.bindMemory(to: CChar.self).baseAddress!) }
    }

    /// Finds the token (again), opens a session and logs in. Called with the state locked.
    private func connect(_ state: inout State) throws(CryptoError) {
        for session in state.idle { _ = cs_p11_close_session(module.functions, session) }
        state.idle = []
        state.slot = nil
        state.epoch += 1
        let slot = try findSlot()
        var session: UInt = 0
        try PKCS11Return.check(cs_p11_open_session(module.functions, slot, &session), "C_OpenSession")
        var bytes: [UInt8]
        do {
            bytes = Array(try pin.read().utf8)
        } catch {
            _ = cs_p11_close_session(module.functions, session)
            throw error
        }
        let rv = cs_p11_login(module.functions, session, CKU_USER, bytes, UInt(bytes.count))
        bytes.withUnsafeMutableBytes { buffer in
            if let base = buffer.baseAddress { memset(base, 0, buffer.count) }
        }
        guard rv == CKR_OK || rv == CKR_USER_ALREADY_LOGGED_IN else {
            _ = cs_p11_close_session(module.functions, session)
            throw PKCS11Return.error("C_Login", rv)
        }
        state.slot = slot
        state.idle = [session]
    }

    /// Runs `body` with a session of its own (logged in) and the token's epoch.
    func withSession<R>(_ body: (_ session: UInt, _ epoch: Int) throws(CryptoError) -> R) throws(CryptoError) -> R {
        let checkedOut: Result<(session: UInt?, slot: UInt, epoch: Int), CryptoError> = state.withLock { state in
            do throws(CryptoError) {
                if state.slot == nil { try connect(&state) }
                return .success((state.idle.popLast(), state.slot!, state.epoch))
            } catch {
                return .failure(error)
            }
        }
        var (session, slot, epoch) = try checkedOut.get()
        if session == nil {
            var opened: UInt = 0
            let rv = cs_p11_open_session(module.functions, slot, &opened)
            guard rv == CKR_OK else {
                if PKCS11Return.meansTokenGone(rv) { forget(epoch) }
                throw PKCS11Return.error("C_OpenSession", rv)
            }
            session = opened
        }
        let mine = session!
        do {
            let result = try body(mine, epoch)
            giveBack(mine, epoch)
            return result
        } catch {
            if error.code == .tokenNotPresent {
                _ = cs_p11_close_session(module.functions, mine)
                forget(epoch)
            } else {
                giveBack(mine, epoch)
            }
            throw error
        }
    }

    private func giveBack(_ session: UInt, _ epoch: Int) {
        let kept = state.withLock { state in
            guard state.epoch == epoch, state.slot != nil, state.idle.count < Self.maximumIdleSessions else {
                return false
            }
            state.idle.append(session)
            return true
        }
        if !kept { _ = cs_p11_close_session(module.functions, session) }
    }

    /// The token of `epoch` is gone: close the idle sessions and look for it again on the next operation.
    private func forget(_ epoch: Int) {
        let stale: [UInt] = state.withLock { state in
            guard state.epoch == epoch, state.slot != nil else { return [] }
            state.slot = nil
            defer { state.idle = [] }
            return state.idle
        }
        for session in stale { _ = cs_p11_close_session(module.functions, session) }
    }

    // MARK: - Objects

    /// Object handles matching `template` (at most `limit`).
    func find(_ template: AttributeTemplate, session: UInt, limit: Int = 2) throws(CryptoError) -> [UInt] {
        var handles = [UInt](repeating: 0, count: limit)
        var found: UInt = 0
        let rv = template.withAttributes { attributes, count in
            cs_p11_find_objects(module.functions, session, attributes, count, &handles, UInt(limit), &found)
        }
        try PKCS11Return.check(rv, "C_FindObjects")
        return Array(handles.prefix(Int(min(found, UInt(limit)))))
    }

    /// The value of one attribute; the CKR as a typed error when the token refuses (e.g. CKR_ATTRIBUTE_SENSITIVE).
    func attribute(_ type: UInt, of object: UInt, session: UInt) throws(CryptoError) -> [UInt8] {
        var probe = [cs_p11_attribute(type: type, value: nil, length: 0)]
        try PKCS11Return.check(
            cs_p11_get_attribute_value(module.functions, session, object, &probe, 1), "C_GetAttributeValue")
        let length = Int(probe[0].length)
        guard length <= 64 * 1024 else { throw CryptoError(.tokenFailure, "C_GetAttributeValue: value too large") }
        var value = [UInt8](repeating: 0, count: max(length, 1))
        let rv = value.withUnsafeMutableBytes { buffer in
            var attribute = [cs_p11_attribute(type: type, value: buffer.baseAddress, length: UInt(length))]
            let rv = cs_p11_get_attribute_value(module.functions, session, object, &attribute, 1)
            return (rv, Int(attribute[0].length))
        }
        try PKCS11Return.check(rv.0, "C_GetAttributeValue")
        return Array(value.prefix(min(rv.1, length)))
    }
}
