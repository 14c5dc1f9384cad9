import CivicSealJSON

/// JOSE's view of the one strict JSON reader (``CivicSealJSON/StrictJSONParser``): its errors as ``JOSEError``s, a
/// duplicate member always ``JOSEError/Code/duplicateMember`` (RFC 7515 §4), anything else the caller's code.
enum JOSEJSON {
    /// One complete JSON text; `what` names it in messages ("JOSE header", "payload").
    static func parse(_ bytes: UnsafeBufferPointer<UInt8>, malformed: JOSEError.Code, what: String) throws(JOSEError)
        -> JSONValue
    {
        do { return try StrictJSONParser.parse(bytes) } catch {
            if error.code == .duplicateMember {
                throw JOSEError(.duplicateMember, "\(what) names a member more than once (\(error.path))")
            }
            throw JOSEError(malformed, "\(what) is \(error.message)")
        }
    }
}
