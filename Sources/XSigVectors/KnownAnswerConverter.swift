import XSignature
/// `xsig vectors convert-kat`: turns the RSA Laboratories known-answer stanzas of
/// `vectors/rsa-labs/*.kat` (written by `vectors/rsa-labs/convert.py`) into a Wycheproof-format
/// file, so that `vectors check` replays them like any other vector file.
///
/// Stanza format (blank-line separated, `#` comments): `Key`, `N`, `E`, `D`, `Msg`, then `PS`
/// (PKCS#1 v1.5) or `Seed` (OAEP seed), then `CT`. Each key becomes a test group with the full
/// private key (p and q recovered from d, see ``NumberTheory/factorModulus(n:e:d:)``); each
/// stanza becomes a valid test whose `ps` / `oaepSeed` lets the checker re-encrypt `msg` to `ct`.
public enum KnownAnswerConverter {
    public static let source = WycheproofSource(name: "rsa-laboratories", version: "pkcs-1v2-1-vectors")

    struct Stanza {
        var fields: [String: String] = [:]
        var line = 0
    }

    /// `name` is the input's name for the header and messages (e.g. vectors/rsa-labs/pkcs1v15.kat);
    /// OAEP vectors are SHA-1 with MGF1-SHA-1 (the only kind RSA Laboratories published).
    public static func convert(_ text: String, name: String, padding: RSAEncryptionPadding) throws -> WycheproofFile {
        let stanzas = try parse(text)
        guard !stanzas.isEmpty else { throw XSigError(.invalidInput, "no stanzas") }
        let injected = padding.isOAEP ? "Seed" : "PS"
        var groups: [WycheproofTestGroup] = []
        var tcId = 0
        var exampleInKey = 0
        var currentKey: String?
        var key: VectorKey?
        for stanza in stanzas {
            func field(_ name: String) throws -> [UInt8] {
                guard let value = stanza.fields[name] else {
                    throw XSigError(.invalidInput, "stanza at line \(stanza.line) has no \(name)")
                }
                do { return try Hex.decode(value) } catch let error as XSigError {
                    throw XSigError(.invalidInput, "line \(stanza.line): \(name): \(error.message)")
                }
            }
            let keyName = stanza.fields["Key"] ?? ""
            if keyName != currentKey || key == nil {
                currentKey = keyName
                exampleInKey = 0
                do {
                    key = try VectorKey(n: try field("N"), e: try field("E"), d: try field("D"))
                } catch let error as XSigError {
                    throw XSigError(error.code, "line \(stanza.line): \(error.message)")
                }
                groups.append(group(key: key!, padding: padding))
            } else if try field("N") != key!.n {
                throw XSigError(.invalidInput, "line \(stanza.line): \(keyName) changes its modulus")
            }
            tcId += 1
            exampleInKey += 1
            let keyNumber = keyName.drop(while: { !$0.isNumber })
            var test = WycheproofTestCase(
                tcId: tcId, comment: "RSA Laboratories example \(keyNumber.isEmpty ? keyName : String(keyNumber)).\(exampleInKey)",
                flags: ["RsaLabsKnownAnswer"], msg: try field("Msg"), ct: try field("CT"), label: padding.isOAEP ? [] : nil, result: .valid)
            let bytes = Hex.encode(try field(injected))
            if padding.isOAEP { test.oaepSeed = bytes } else { test.ps = bytes }
            groups[groups.count - 1].tests.append(test)
        }
        let scheme = padding.isOAEP ? "RSAES-OAEP with \(VectorGenerator.wycheproofHashName(padding.oaepHash!)) and MGF1-\(VectorGenerator.wycheproofHashName(padding.mgf1Hash!))" : "RSAES-PKCS1-v1_5"
        return WycheproofFile(
            algorithm: padding.isOAEP ? WycheproofFile.oaepAlgorithm : WycheproofFile.pkcs1Algorithm,
            schema: padding.isOAEP ? "rsaes_oaep_decrypt_schema_v1.json" : "rsaes_pkcs1_decrypt_schema_v1.json",
            header: [
                "RSA Laboratories PKCS #1 known-answer vectors for \(scheme), in Wycheproof's format.",
                "Converted by `xsig vectors convert-kat` from \(name.split(separator: "/").last.map(String.init) ?? name) (xsig's vectors/rsa-labs/, whose README.md gives the provenance of the originals).",
                "p and q are recovered from d; ps (PKCS #1 v1.5 PS) or oaepSeed (OAEP seed) are the published padding bytes.",
            ],
            notes: ["RsaLabsKnownAnswer": VectorFlag.named("RsaLabsKnownAnswer")!.note],
            testGroups: groups)
    }

    static func group(key: VectorKey, padding: RSAEncryptionPadding) -> WycheproofTestGroup {
        WycheproofTestGroup(
            type: padding.isOAEP ? "RsaesOaepDecrypt" : "RsaesPkcs1Decrypt", source: source, keySize: key.bits,
            n: WycheproofBigInt.encode(key.n), e: WycheproofBigInt.encode(key.e), d: WycheproofBigInt.encode(key.d),
            privateKeyPem: key.privateKeyPEM, privateKeyPkcs8: Hex.encode(key.privateKeyPKCS8), publicKeyPem: key.publicKeyPEM,
            sha: padding.oaepHash.map(VectorGenerator.wycheproofHashName), mgf: padding.isOAEP ? "MGF1" : nil,
            mgfSha: padding.mgf1Hash.map(VectorGenerator.wycheproofHashName), tests: [])
    }

    static func parse(_ text: String) throws -> [Stanza] {
        var result: [Stanza] = []
        var current = Stanza()
        for (number, raw) in text.split(separator: "\n", omittingEmptySubsequences: false).enumerated() {
            let line = raw.xsigTrimmed(" \t\r")
            if line.hasPrefix("#") { continue }
            if line.isEmpty {
                if !current.fields.isEmpty { result.append(current) }
                current = Stanza()
                continue
            }
            guard let equals = line.firstIndex(of: "=") else {
                throw XSigError(.invalidInput, "line \(number + 1) is not 'Name = value'")
            }
            if current.fields.isEmpty { current.line = number + 1 }
            let name = line[..<equals].xsigTrimmed(" \t")
            current.fields[name] = line[line.index(after: equals)...].xsigTrimmed(" \t")
        }
        if !current.fields.isEmpty { result.append(current) }
        return result
    }
}

extension StringProtocol {
    /// The text without leading and trailing characters from `set`.
    fileprivate func xsigTrimmed(_ set: String) -> String {
        let chars = Set(set)
        guard let first = firstIndex(where: { !chars.contains($0) }) else { return "" }
        let last = lastIndex(where: { !chars.contains($0) })!
        return String(self[first...last])
    }
}
