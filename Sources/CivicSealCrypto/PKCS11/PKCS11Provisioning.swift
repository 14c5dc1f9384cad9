internal import CCivicSealPKCS11
import Foundation
import Synchronization

extension PKCS11Token {
    private static let provisioning = Mutex(())

    /// Initialises the first slot whose token is present but not initialised (SoftHSM always offers one) with
    /// `label`, the security officer PIN and the user PIN, through this process's module.
    ///
    /// For test tokens and first-time provisioning. A module like SoftHSM reads its token directory once, at
    /// C_Initialize, so a token that `softhsm2-util` makes afterwards in another process stays invisible to this one:
    /// initialising through the loaded module is the way a running process gets a new token it can see.
    package static func initializeToken(modulePath: String, label: String, soPIN: String, userPIN: String)
        throws(CryptoError)
    {
        guard !label.isEmpty, label.utf8.count <= 32, !label.contains("\0") else {
            throw CryptoError(.invalidArgument, "a token label is 1–32 bytes")
        }
        let module = try PKCS11Module.load(modulePath)
        let functions = module.functions
        let result: Result<Void, CryptoError> = provisioning.withLock { _ in
            do throws(CryptoError) {
                var count: UInt = 0
                try PKCS11Return.check(cs_p11_get_slot_list(functions, nil, &count), "C_GetSlotList")
                var slots = [UInt](repeating: 0, count: Int(min(count, 4096)) + 1)
                count = UInt(slots.count)
                try PKCS11Return.check(cs_p11_get_slot_list(functions, &slots, &count), "C_GetSlotList")
                var free: UInt?
                for slot in slots.prefix(Int(min(count, UInt(slots.count)))) {
                    var info = cs_p11_token_info()
                    if cs_p11_get_token_info(functions, slot, &info) == CKR_OK,
                        info.flags & CKF_TOKEN_INITIALIZED == 0
                    {
                        free = slot
                        break
                    }
                }
                guard let free else { throw CryptoError(.tokenNotPresent, "no slot holds an uninitialised token") }
                let so = Array(soPIN.utf8)
                let user = Array(userPIN.utf8)
                try PKCS11Return.check(
                    cs_p11_init_token(functions, free, so, UInt(so.count), label), "C_InitToken")
                var session: UInt = 0
                try PKCS11Return.check(cs_p11_open_session(functions, free, &session), "C_OpenSession")
                defer { _ = cs_p11_close_session(functions, session) }
                try PKCS11Return.check(cs_p11_login(functions, session, CKU_SO, so, UInt(so.count)), "C_Login")
                defer { _ = cs_p11_logout(functions, session) }
                try PKCS11Return.check(cs_p11_init_pin(functions, session, user, UInt(user.count)), "C_InitPIN")
                return .success(())
            } catch {
                return .failure(error)
            }
        }
        try result.get()
    }
}
