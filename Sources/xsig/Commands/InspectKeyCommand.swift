import ArgumentParser
import XSignature

struct InspectKeyCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "inspect-key",
        abstract: "Show what xsig reads from a public key: form, size, exponent, payload limits per padding.",
        discussion: """
        Example (the key from the body of GET /api/v2/sdk/public-key):
          xsig inspect-key --key response.json
        """
    )

    @OptionGroup var keyOptions: PublicKeyOptions

    func run() throws {
        let decoded = try keyOptions.load()
        let key = decoded.key
        var lines = [
            "form:        \(decoded.form.rawValue)",
            "modulus:     \(key.modulusBits) bits (k = \(key.modulusOctets) bytes)",
            "exponent:    \(key.publicExponentBits <= 64 ? key.publicExponentDecimal : "\(key.publicExponentBits)-bit value")",
            "fingerprint: sha256:\(key.fingerprint) (first 8 bytes of SHA-256 of the SubjectPublicKeyInfo DER)",
            "max message bytes per padding:",
        ]
        for padding in [RSAEncryptionPadding.pkcs1v15, .oaepSHA1, .oaepSHA256, .oaepSHA256MGF1SHA1, .oaep(hash: .sha384), .oaep(hash: .sha512)] {
            let maximum = padding.maximumMessageLength(modulusOctets: key.modulusOctets)
            let name = padding.name + String(repeating: " ", count: max(0, 22 - padding.name.count))
            lines.append("  \(name) \(maximum >= 0 ? String(maximum) : "unusable (key too small)")")
        }
        emit(lines.joined(separator: "\n"))
    }
}
