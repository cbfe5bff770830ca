/// A file of session tokens as `--tokens FILE` reads it (`xsig mock`, `xsig sidecar`): one token
/// per line; blank lines and lines starting with `#` are skipped; CR LF works. A line that is not
/// a valid token is refused with its line number, never its text (tokens are secrets).
public enum SessionTokenFile {
    public static func parse(_ bytes: [UInt8]) throws -> [String] {
        var tokens: [String] = []
        for (index, raw) in bytes.split(separator: 0x0a, omittingEmptySubsequences: false).enumerated() {
            var line = raw
            if line.last == 0x0d { line = line.dropLast() }
            if line.isEmpty || line.first == UInt8(ascii: "#") { continue }
            guard let token = String(validating: line, as: UTF8.self) else {
                throw XSigError(.invalidInput, "line \(index + 1): not UTF-8")
            }
            do { try SignaturePayload.validateToken(token) } catch let error as XSigError {
                throw XSigError(.invalidInput, "line \(index + 1): \(error.message)")
            }
            tokens.append(token)
        }
        guard !tokens.isEmpty else { throw XSigError(.invalidInput, "no tokens found (one per line)") }
        return tokens
    }
}
