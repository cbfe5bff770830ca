import FuzzSupport
import XSignature

/// The strict payload parser of `xsig verify` (`session_token=<t>&timestamp=<ms>&nonce=<hex>`).
///
/// Invariants: parse(x) valid => serialize(parse(x)) == x octet for octet, and the payload is
/// constructible with the same fields; a field-level failure reports fields that re-serialise to x;
/// the parse is deterministic.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzz(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    let input = Array(UnsafeBufferPointer(start: data, count: size))
    let outcome = PayloadParser.parse(input)
    require(outcome == PayloadParser.parse(input), "parse is not deterministic")
    switch outcome {
    case let .valid(payload):
        require(payload.bytes == input, "valid payload does not serialise back to its input")
        require(payload.nonce == SignaturePayload.nonce(for: payload.timestamp), "nonce is not the hex of the timestamp")
        do {
            let rebuilt = try SignaturePayload(sessionToken: payload.sessionToken, timestamp: payload.timestamp, nonce: payload.nonce)
            require(rebuilt == payload, "rebuilt payload differs")
        } catch {
            require(false, "a parsed payload cannot be rebuilt: \(error)")
        }
    case let .invalid(_, fields?):
        let text = "session_token=\(fields.sessionToken)&timestamp=\(fields.timestamp)&nonce=\(fields.nonce)"
        require(Array(text.utf8) == input, "reported fields do not re-serialise to the input")
    case .invalid(_, nil):
        break
    }
    return 0
}

/// The entry point SwiftPM's debug link expects (see FuzzSupport.runFuzzer).
@_cdecl("FuzzPayloadParser_main")
public func FuzzPayloadParserMain(_ argc: CInt, _ argv: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>?) -> CInt {
    runFuzzer(argc, argv) { data, size in fuzz(data ?? UnsafePointer(bitPattern: 1)!, size) }
}
