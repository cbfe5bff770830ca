import XSigHTTP
import XSignature

/// Where a `/sign` request's session token comes from, in this order: the `session_token`
/// query parameter (percent-decoded; `+` is a plus sign, as in RFC 3986, not a space), else the
/// `X-Session-Token` header, else the next token of `--tokens`. Each token is checked as the
/// payload needs it (no `&`, whitespace or controls) before anything is signed.
enum SessionTokenSource: String, Sendable, CaseIterable {
    case query, header, rotation

    static let queryName = "session_token"
    static let headerName = "X-Session-Token"

    static func token(for request: HTTPRequest, rotation: TokenRotation?) -> Result<(String, SessionTokenSource), SidecarRefusal> {
        let chosen: (String, SessionTokenSource)
        switch queryValue(queryName, in: request.uri) {
        case let .failure(refusal): return .failure(refusal)
        case let .success(value?): chosen = (value, .query)
        case .success(nil):
            let values = request.headers[canonicalForm: headerName]
            if values.count > 1 { return .failure(.duplicated("the \(headerName) header")) }
            if let value = values.first {
                chosen = (String(value), .header)
            } else if let rotation {
                chosen = (rotation.nextToken(), .rotation)
            } else {
                return .failure(.missingToken)
            }
        }
        do { try SignaturePayload.validateToken(chosen.0) } catch let error as XSigError {
            return .failure(.invalidToken("\(chosen.1 == .query ? "session_token" : chosen.1 == .header ? headerName : "--tokens"): \(error.message)"))
        } catch {
            return .failure(.invalidToken("invalid session token"))
        }
        return .success(chosen)
    }

    /// The decoded value of `name` in the URI's query, nil when absent.
    static func queryValue(_ name: String, in uri: String) -> Result<String?, SidecarRefusal> {
        guard let mark = uri.firstIndex(of: "?") else { return .success(nil) }
        var found: String?
        for pair in uri[uri.index(after: mark)...].split(separator: "&", omittingEmptySubsequences: true) {
            let parts = pair.split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false)
            guard parts[0] == name[...] else { continue }
            guard found == nil else { return .failure(.duplicated("\(name) in the query")) }
            guard let value = percentDecoded(parts.count == 2 ? parts[1] : "") else {
                return .failure(.malformedQuery("a % is not followed by two hex digits, or the bytes are not UTF-8"))
            }
            found = value
        }
        return .success(found)
    }

    /// RFC 3986 section 2.1 percent-decoding; nil for a broken escape or bytes that are not UTF-8.
    static func percentDecoded(_ text: Substring) -> String? {
        guard text.utf8.contains(UInt8(ascii: "%")) else { return String(text) }
        var bytes: [UInt8] = []
        var iterator = text.utf8.makeIterator()
        while let byte = iterator.next() {
            guard byte == UInt8(ascii: "%") else { bytes.append(byte); continue }
            guard let high = iterator.next().flatMap(Hex.value), let low = iterator.next().flatMap(Hex.value) else { return nil }
            bytes.append(high << 4 | low)
        }
        return String(validating: bytes, as: UTF8.self)
    }
}
