internal import CCivicSealPKCS11
import Foundation
import Synchronization

extension CryptoError.Code {
    /// The PKCS #11 module cannot be loaded, has no `C_GetFunctionList`, or `C_Initialize` failed.
    package static let tokenModuleUnavailable = CryptoError.Code(rawValue: "token-module-unavailable")
    /// No slot holds a token matching the URI (removed, or a wrong label), or it went away mid-operation.
    package static let tokenNotPresent = CryptoError.Code(rawValue: "token-not-present")
    /// The token refused the login (`CKR_PIN_INCORRECT`, `CKR_PIN_LOCKED`, …). The message never holds the PIN.
    package static let tokenLoginFailed = CryptoError.Code(rawValue: "token-login-failed")
    /// No private key object matches the URI, or several do.
    package static let tokenKeyNotFound = CryptoError.Code(rawValue: "token-key-not-found")
    /// Any other PKCS #11 failure; the message names the function and the CKR (`C_Sign: CKR_DEVICE_ERROR`).
    package static let tokenFailure = CryptoError.Code(rawValue: "token-failure")
    /// The key lives in a token and never leaves it (PKCS #8 export, or an OpenSSL operation needing the key).
    package static let keyNotExportable = CryptoError.Code(rawValue: "key-not-exportable")
}

/// A loaded PKCS #11 module: dlopened once per path for the process lifetime and initialised with OS locking.
/// Never finalised (keys may be alive anywhere in the process).
final class PKCS11Module: @unchecked Sendable {  // the function table is immutable and the module thread-safe
    let path: String
    let functions: OpaquePointer
    /// CK_INFO's manufacturer and library description.
    let manufacturer: String
    let libraryDescription: String

    private static let loaded = Mutex<[String: PKCS11Module]>([:])

    private init(path: String, functions: OpaquePointer, info: cs_p11_info) {
        self.path = path
        self.functions = functions
        var copy = info
        manufacturer = withUnsafeBytes(of: &copy.manufacturer) {
            String(cString: $0.bindMemory(to: CChar.self).baseAddress!)
        }
        libraryDescription = withUnsafeBytes(of: &copy.description) {
            String(cString: $0.bindMemory(to: CChar.self).baseAddress!)
        }
    }

    /// The module at `path` (absolute), loaded and initialised on first use.
    static func load(_ path: String) throws(CryptoError) -> PKCS11Module {
        guard path.hasPrefix("/"), !path.contains("\0"), path.utf8.count <= 4096 else {
            throw CryptoError(.tokenModuleUnavailable, "a PKCS #11 module is named by an absolute path")
        }
        let result: Result<PKCS11Module, CryptoError> = loaded.withLock { modules in
            if let module = modules[path] { return .success(module) }
            var list: OpaquePointer?
            var rv: UInt = 0
            var reason = [CChar](repeating: 0, count: 512)
            let status = cs_p11_load(path, &list, &rv, &reason, UInt(reason.count))
            guard status == 0, let list else {
                let detail =
                    switch status {
                    case 1: "cannot be loaded (\(String(cString: reason)))"
                    case 2: "has no C_GetFunctionList"
                    default: "C_GetFunctionList failed: \(PKCS11Return.name(rv))"
                    }
                return .failure(CryptoError(.tokenModuleUnavailable, "the PKCS #11 module \(path) \(detail)"))
            }
            let initialised = cs_p11_initialize(list)
            guard initialised == CKR_OK || initialised == CKR_CRYPTOKI_ALREADY_INITIALIZED else {
                return .failure(
                    CryptoError(
                        .tokenModuleUnavailable,
                        "the PKCS #11 module \(path): C_Initialize: \(PKCS11Return.name(initialised))"))
            }
            var info = cs_p11_info()
            let read = cs_p11_get_info(list, &info)
            guard read == CKR_OK else {
                return .failure(
                    CryptoError(
                        .tokenModuleUnavailable, "the PKCS #11 module \(path): C_GetInfo: \(PKCS11Return.name(read))"))
            }
            let module = PKCS11Module(path: path, functions: list, info: info)
            modules[path] = module
            return .success(module)
        }
        return try result.get()
    }
}

/// CKR values: names and the error each becomes.
enum PKCS11Return {
    static func name(_ rv: UInt) -> String {
        if let name = cs_p11_return_name(rv) { return String(cString: name) }
        return "CKR 0x" + String(rv, radix: 16, uppercase: true)
    }

    /// Return values meaning the session or the token is gone: the session is dropped, the slot found again.
    static func meansTokenGone(_ rv: UInt) -> Bool {
        [
            CKR_DEVICE_REMOVED, CKR_TOKEN_NOT_PRESENT, CKR_SESSION_HANDLE_INVALID, CKR_SESSION_CLOSED,
            CKR_SLOT_ID_INVALID, CKR_TOKEN_NOT_RECOGNIZED, CKR_USER_NOT_LOGGED_IN, CKR_CRYPTOKI_NOT_INITIALIZED,
        ].contains(rv)
    }

    static func error(_ function: String, _ rv: UInt) -> CryptoError {
        let code: CryptoError.Code
        switch rv {
        case CKR_PIN_INCORRECT, CKR_PIN_INVALID, CKR_PIN_LEN_RANGE, CKR_PIN_EXPIRED, CKR_PIN_LOCKED,
            CKR_USER_PIN_NOT_INITIALIZED:
            code = .tokenLoginFailed
        case _ where meansTokenGone(rv): code = .tokenNotPresent
        default: code = .tokenFailure
        }
        return CryptoError(code, "\(function): \(name(rv))")
    }

    static func check(_ rv: UInt, _ function: String) throws(CryptoError) {
        guard rv == CKR_OK else { throw error(function, rv) }
    }
}

/// A PKCS #11 attribute template whose values stay allocated (and at fixed addresses) for the template's life.
final class AttributeTemplate {
    private(set) var attributes: [cs_p11_attribute] = []
    private var storage: [UnsafeMutableRawPointer] = []

    init() {}

    deinit {
        for (pointer, attribute) in zip(storage, attributes) {
            memset(pointer, 0, Int(attribute.length))
            pointer.deallocate()
        }
    }

    func add(_ type: UInt, bytes: [UInt8]) {
        let pointer = UnsafeMutableRawPointer.allocate(byteCount: max(bytes.count, 1), alignment: 8)
        bytes.withUnsafeBytes { if let base = $0.baseAddress { pointer.copyMemory(from: base, byteCount: $0.count) } }
        storage.append(pointer)
        attributes.append(cs_p11_attribute(type: type, value: pointer, length: UInt(bytes.count)))
    }

    func add(_ type: UInt, bool: Bool) { add(type, bytes: [bool ? 1 : 0]) }

    func add(_ type: UInt, ulong: UInt) { add(type, bytes: withUnsafeBytes(of: ulong) { Array($0) }) }

    func add(_ type: UInt, text: String) { add(type, bytes: Array(text.utf8)) }

    /// Runs `body` with the C array of attributes and its count.
    func withAttributes<R>(_ body: (UnsafeMutablePointer<cs_p11_attribute>?, UInt) -> R) -> R {
        attributes.withUnsafeMutableBufferPointer { body($0.baseAddress, UInt($0.count)) }
    }
}
