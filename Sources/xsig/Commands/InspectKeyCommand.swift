import ArgumentParser
import XSignature

struct InspectKeyCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "inspect-key",
        abstract: "Show what xsig reads from a public key: form, size, exponent, fingerprint, payload limits per padding.",
        discussion: """
        The fingerprint is SHA-256 of the key's SubjectPublicKeyInfo DER, whatever form the file \
        has: the same hex as openssl pkey -pubin -in pub.pem -outform DER | sha256sum.

        --output json prints one object with these fields (names are stable; new ones may be added at the end):
          form                pem-spki, pem-pkcs1, der-spki, der-pkcs1,
                              base64-spki, base64-pkcs1, public-key-json, jwk,
                              pem-certificate, der-certificate
          form_description    the same in words, as the text output says it
          modulus_bits        n's length in bits (2048)
          modulus_octets      k, the length of every signature in bytes (256)
          public_exponent     e in decimal, as a string ("65537")
          fingerprint_sha256  64 lowercase hex digits
          max_message_bytes   {"pkcs1":245,"oaep-sha1":214,...}: the longest
                              payload per padding, null where the key is too
                              small for the padding

        Examples (the first with the body of GET /api/v2/sdk/public-key):
          xsig inspect-key --key response.json
          xsig inspect-key --key pub.pem --output json
        """
    )

    @OptionGroup var keyOptions: PublicKeyOptions

    @Option(name: .long, help: "Output: text or json (stable field names, see above).")
    var output: InspectOutput = .text

    enum InspectOutput: String, ExpressibleByArgument, CaseIterable { case text, json }

    static let paddings: [RSAEncryptionPadding] = [.pkcs1v15, .oaepSHA1, .oaepSHA256, .oaepSHA256MGF1SHA1, .oaep(hash: .sha384), .oaep(hash: .sha512)]

    func run() throws {
        let decoded = try keyOptions.load()
        let key = decoded.key
        let limits = Self.paddings.map { ($0.name, $0.maximumMessageLength(modulusOctets: key.modulusOctets)) }
        switch output {
        case .text:
            var lines = [
                "form:        \(decoded.form.rawValue)",
                "modulus:     \(key.modulusBits) bits (k = \(key.modulusOctets) bytes)",
                "exponent:    \(key.publicExponentBits <= 64 ? key.publicExponentDecimal : "\(key.publicExponentBits)-bit value")",
                "fingerprint: sha256:\(key.fingerprint) (SHA-256 of the SubjectPublicKeyInfo DER)",
                "max message bytes per padding:",
            ]
            for (name, maximum) in limits {
                let padded = name + String(repeating: " ", count: max(0, 22 - name.count))
                lines.append("  \(padded) \(maximum >= 0 ? String(maximum) : "unusable (key too small)")")
            }
            emit(lines.joined(separator: "\n"))
        case .json:
            var json = JSONObjectWriter()
            json.add("form", decoded.form.identifier)
            json.add("form_description", decoded.form.rawValue)
            json.add("modulus_bits", key.modulusBits)
            json.add("modulus_octets", key.modulusOctets)
            json.add("public_exponent", key.publicExponentDecimal)
            json.add("fingerprint_sha256", key.fingerprint)
            var maxima = JSONObjectWriter()
            for (name, maximum) in limits {
                if maximum >= 0 { maxima.add(name, maximum) } else { maxima.addNull(name) }
            }
            json.addRaw("max_message_bytes", maxima.finish())
            emit(json.finish())
        }
    }
}

extension PublicKeyForm {
    /// The stable name of the form in `inspect-key --output json`.
    var identifier: String {
        switch self {
        case .pemSubjectPublicKeyInfo: "pem-spki"
        case .pemPKCS1: "pem-pkcs1"
        case .derSubjectPublicKeyInfo: "der-spki"
        case .derPKCS1: "der-pkcs1"
        case .base64SubjectPublicKeyInfo: "base64-spki"
        case .base64PKCS1: "base64-pkcs1"
        case .publicKeyAPIJSON: "public-key-json"
        case .jwk: "jwk"
        case .pemCertificate: "pem-certificate"
        case .derCertificate: "der-certificate"
        }
    }
}
