import FoundationEssentials
import XSignature

/// A Wycheproof test-vector file for RSA decryption (`rsaes_pkcs1_decrypt_schema*.json`,
/// `rsaes_oaep_decrypt_schema*.json`), read leniently and written with Wycheproof's own field
/// names. Both schema generations are read: v0 (`n`, `e`, `d`, `keysize`, notes as strings) and
/// v1 (`keySize`, `privateKey` members, notes as objects). xsig's additions are marked below and
/// documented in `vectors/README.md`; every one of them is optional.
public struct WycheproofFile: Decodable, Sendable {
    public var algorithm: String
    public var schema: String?
    public var generatorVersion: String?
    public var numberOfTests: Int
    public var header: [String]
    public var notes: [String: WycheproofNote]
    public var testGroups: [WycheproofTestGroup]

    public static let pkcs1Algorithm = "RSAES-PKCS1-v1_5"
    public static let oaepAlgorithm = "RSAES-OAEP"

    public init(algorithm: String, schema: String?, header: [String], notes: [String: WycheproofNote],
                testGroups: [WycheproofTestGroup]) {
        self.algorithm = algorithm
        self.schema = schema
        self.header = header
        self.notes = notes
        self.testGroups = testGroups
        self.numberOfTests = testGroups.reduce(0) { $0 + $1.tests.count }
    }

    enum CodingKeys: String, CodingKey {
        case algorithm, schema, generatorVersion, numberOfTests, header, notes, testGroups
    }

    public init(from decoder: Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        algorithm = try c.decode(String.self, forKey: .algorithm)
        schema = try c.decodeIfPresent(String.self, forKey: .schema)
        generatorVersion = try c.decodeIfPresent(String.self, forKey: .generatorVersion)
        numberOfTests = try c.decode(Int.self, forKey: .numberOfTests)
        header = try c.decodeIfPresent([String].self, forKey: .header) ?? []
        notes = try c.decodeIfPresent([String: WycheproofNote].self, forKey: .notes) ?? [:]
        testGroups = try c.decode([WycheproofTestGroup].self, forKey: .testGroups)
    }

    /// Reads a file's bytes; the error says what is wrong without quoting the content.
    public static func decode(_ bytes: [UInt8]) throws -> WycheproofFile {
        do {
            return try JSONDecoder().decode(WycheproofFile.self, from: Data(bytes))
        } catch let DecodingError.keyNotFound(key, context) {
            throw XSigError(.invalidInput, "not a Wycheproof test-vector file: missing \"\(key.stringValue)\"\(Self.where(context))")
        } catch let DecodingError.typeMismatch(_, context) {
            throw XSigError(.invalidInput, "not a Wycheproof test-vector file: wrong type\(Self.where(context))")
        } catch let DecodingError.valueNotFound(_, context) {
            throw XSigError(.invalidInput, "not a Wycheproof test-vector file: null value\(Self.where(context))")
        } catch {
            throw XSigError(.invalidInput, "not valid JSON")
        }
    }

    private static func `where`(_ context: DecodingError.Context) -> String {
        let path = context.codingPath.map { $0.intValue.map { "[\($0)]" } ?? ".\($0.stringValue)" }.joined()
        return path.isEmpty ? "" : " at \(path.hasPrefix(".") ? String(path.dropFirst()) : path)"
    }

    /// The file in xsig's deterministic text form; members in Wycheproof v1's order.
    public var json: VectorJSON {
        var o = VectorJSONObject()
        o.add("algorithm", algorithm)
        o.add("schema", schema)
        o.add("generatorVersion", generatorVersion)
        o.add("numberOfTests", numberOfTests)
        o.add("header", header)
        o.add("notes", VectorJSON.object(notes.keys.sorted().map { ($0, notes[$0]!.json) }))
        o.add("testGroups", VectorJSON.array(testGroups.map(\.json)))
        return o.json
    }
}

/// What a flag means. v1 files give an object (`bugType`, `description`, ...), v0 files a string.
public struct WycheproofNote: Codable, Sendable, Hashable {
    public var bugType: String?
    public var description: String
    public var effect: String?

    public init(bugType: String?, description: String, effect: String? = nil) {
        self.bugType = bugType
        self.description = description
        self.effect = effect
    }

    private enum CodingKeys: String, CodingKey { case bugType, description, effect }

    public init(from decoder: Decoder) throws {
        if let text = try? decoder.singleValueContainer().decode(String.self) {
            self.init(bugType: nil, description: text)
            return
        }
        let c = try decoder.container(keyedBy: CodingKeys.self)
        self.init(bugType: try c.decodeIfPresent(String.self, forKey: .bugType),
                  description: try c.decodeIfPresent(String.self, forKey: .description) ?? "",
                  effect: try c.decodeIfPresent(String.self, forKey: .effect))
    }

    var json: VectorJSON {
        var o = VectorJSONObject()
        o.add("bugType", bugType)
        o.add("description", description)
        o.add("effect", effect)
        return o.json
    }
}

public struct WycheproofSource: Codable, Sendable, Hashable {
    public var name: String
    public var version: String

    public init(name: String, version: String) {
        self.name = name
        self.version = version
    }
}

/// Wycheproof v1's `privateKey` members (BigInt hex). Read only; xsig writes `n`, `e`, `d` and the
/// encoded keys instead.
public struct WycheproofPrivateKey: Codable, Sendable, Hashable {
    public var modulus: String?
    public var privateExponent: String?
    public var publicExponent: String?
    public var prime1: String?
    public var prime2: String?
    public var exponent1: String?
    public var exponent2: String?
    public var coefficient: String?
}

/// One key and its tests. OAEP groups carry `sha`, `mgf` and `mgfSha`.
public struct WycheproofTestGroup: Decodable, Sendable {
    /// `RsaesPkcs1Decrypt` or `RsaesOaepDecrypt`.
    public var type: String?
    public var source: WycheproofSource?
    /// The modulus size in bits (v1 spelling; v0 files spell it `keysize`, read into the same field).
    public var keySize: Int?
    /// n, e, d as Wycheproof BigInt hex: big-endian two's complement (a leading 00 when the top bit is set).
    public var n: String?
    public var e: String?
    public var d: String?
    public var privateKey: WycheproofPrivateKey?
    /// PEM, PKCS#8 `PRIVATE KEY` (or PKCS#1 `RSA PRIVATE KEY` in v0 files).
    public var privateKeyPem: String?
    /// Hex of the PKCS#8 DER.
    public var privateKeyPkcs8: String?
    /// PEM SubjectPublicKeyInfo (the name Wycheproof's signature-verification schemas use).
    public var publicKeyPem: String?
    /// OAEP: the label hash ("SHA-256"), the mask generation function ("MGF1") and its hash.
    public var sha: String?
    public var mgf: String?
    public var mgfSha: String?
    public var tests: [WycheproofTestCase]

    public init(type: String, source: WycheproofSource, keySize: Int, n: String, e: String, d: String,
                privateKeyPem: String, privateKeyPkcs8: String, publicKeyPem: String,
                sha: String? = nil, mgf: String? = nil, mgfSha: String? = nil, tests: [WycheproofTestCase]) {
        self.type = type
        self.source = source
        self.keySize = keySize
        self.n = n
        self.e = e
        self.d = d
        self.privateKeyPem = privateKeyPem
        self.privateKeyPkcs8 = privateKeyPkcs8
        self.publicKeyPem = publicKeyPem
        self.sha = sha
        self.mgf = mgf
        self.mgfSha = mgfSha
        self.tests = tests
    }

    private enum CodingKeys: String, CodingKey {
        case type, source, keySize, keysize, n, e, d, privateKey, privateKeyPem, privateKeyPkcs8, publicKeyPem
        case sha, mgf, mgfSha, tests
    }

    public init(from decoder: Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        type = try c.decodeIfPresent(String.self, forKey: .type)
        source = try? c.decodeIfPresent(WycheproofSource.self, forKey: .source)
        keySize = try c.decodeIfPresent(Int.self, forKey: .keySize) ?? c.decodeIfPresent(Int.self, forKey: .keysize)
        n = try c.decodeIfPresent(String.self, forKey: .n)
        e = try c.decodeIfPresent(String.self, forKey: .e)
        d = try c.decodeIfPresent(String.self, forKey: .d)
        privateKey = try c.decodeIfPresent(WycheproofPrivateKey.self, forKey: .privateKey)
        privateKeyPem = try c.decodeIfPresent(String.self, forKey: .privateKeyPem)
        privateKeyPkcs8 = try c.decodeIfPresent(String.self, forKey: .privateKeyPkcs8)
        publicKeyPem = try c.decodeIfPresent(String.self, forKey: .publicKeyPem)
        sha = try c.decodeIfPresent(String.self, forKey: .sha)
        mgf = try c.decodeIfPresent(String.self, forKey: .mgf)
        mgfSha = try c.decodeIfPresent(String.self, forKey: .mgfSha)
        tests = try c.decode([WycheproofTestCase].self, forKey: .tests)
    }

    var json: VectorJSON {
        var o = VectorJSONObject()
        o.add("type", type)
        if let source {
            var s = VectorJSONObject()
            s.add("name", source.name)
            s.add("version", source.version)
            o.add("source", s.json)
        }
        o.add("keySize", keySize)
        o.add("n", n)
        o.add("e", e)
        o.add("d", d)
        o.add("privateKeyPem", privateKeyPem)
        o.add("privateKeyPkcs8", privateKeyPkcs8)
        o.add("publicKeyPem", publicKeyPem)
        o.add("sha", sha)
        o.add("mgf", mgf)
        o.add("mgfSha", mgfSha)
        o.add("tests", VectorJSON.array(tests.map(\.json)))
        return o.json
    }
}

public enum WycheproofResult: String, Codable, Sendable, Hashable {
    case valid, invalid, acceptable
}

/// One test. Wycheproof's fields first; then xsig's optional additions:
/// - `seed` (hex), `index`: the deterministic stream (README "Deterministic mode") that padded
///   this valid case; re-encrypting `msg` with it gives `ct` exactly;
/// - `ps` / `oaepSeed` (hex): the padding bytes themselves (PKCS#1 PS, OAEP seed), for
///   converted known-answer vectors;
/// - `sessionToken`, `timestamp` (decimal string), `nonce`, `payload`, `signature` (Base64 of
///   `ct`): the X-signature view of the case, whose `msg` is the payload's UTF-8.
public struct WycheproofTestCase: Codable, Sendable, Hashable {
    public var tcId: Int
    public var comment: String
    public var flags: [String]
    public var msg: String
    public var ct: String
    /// OAEP only (hex, possibly empty).
    public var label: String?
    public var result: WycheproofResult

    public var seed: String?
    public var index: UInt64?
    public var ps: String?
    public var oaepSeed: String?
    public var sessionToken: String?
    public var timestamp: String?
    public var nonce: String?
    public var payload: String?
    public var signature: String?

    public init(tcId: Int, comment: String, flags: [String], msg: [UInt8], ct: [UInt8], label: [UInt8]?,
                result: WycheproofResult) {
        self.tcId = tcId
        self.comment = comment
        self.flags = flags
        self.msg = Hex.encode(msg)
        self.ct = Hex.encode(ct)
        self.label = label.map { Hex.encode($0) }
        self.result = result
    }

    private enum CodingKeys: String, CodingKey {
        case tcId, comment, flags, msg, ct, label, result
        case seed, index, ps, oaepSeed, sessionToken, timestamp, nonce, payload, signature
    }

    public init(from decoder: Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        tcId = try c.decode(Int.self, forKey: .tcId)
        comment = try c.decodeIfPresent(String.self, forKey: .comment) ?? ""
        flags = try c.decodeIfPresent([String].self, forKey: .flags) ?? []
        msg = try c.decode(String.self, forKey: .msg)
        ct = try c.decode(String.self, forKey: .ct)
        label = try c.decodeIfPresent(String.self, forKey: .label)
        result = try c.decode(WycheproofResult.self, forKey: .result)
        seed = try c.decodeIfPresent(String.self, forKey: .seed)
        index = try c.decodeIfPresent(UInt64.self, forKey: .index)
        ps = try c.decodeIfPresent(String.self, forKey: .ps)
        oaepSeed = try c.decodeIfPresent(String.self, forKey: .oaepSeed)
        sessionToken = try c.decodeIfPresent(String.self, forKey: .sessionToken)
        timestamp = try c.decodeIfPresent(String.self, forKey: .timestamp)
        nonce = try c.decodeIfPresent(String.self, forKey: .nonce)
        payload = try c.decodeIfPresent(String.self, forKey: .payload)
        signature = try c.decodeIfPresent(String.self, forKey: .signature)
    }

    var json: VectorJSON {
        var o = VectorJSONObject()
        o.add("tcId", tcId)
        o.add("comment", comment)
        o.add("flags", flags)
        o.add("msg", msg)
        o.add("ct", ct)
        o.add("label", label)
        o.add("result", result.rawValue)
        o.add("seed", seed)
        o.add("index", index)
        o.add("ps", ps)
        o.add("oaepSeed", oaepSeed)
        o.add("sessionToken", sessionToken)
        o.add("timestamp", timestamp)
        o.add("nonce", nonce)
        o.add("payload", payload)
        o.add("signature", signature)
        return o.json
    }
}

/// Wycheproof BigInt hex: big-endian two's complement, so a positive value whose top bit is set
/// gets a leading 00 (n = "00c3...", e = "010001").
enum WycheproofBigInt {
    static func encode(_ magnitude: [UInt8]) -> String {
        let bytes = Array(magnitude.drop(while: { $0 == 0 }))
        if bytes.isEmpty { return "00" }
        return (bytes[0] & 0x80 != 0 ? "00" : "") + Hex.encode(bytes)
    }

    /// The magnitude of a non-negative BigInt hex value (an odd digit count is accepted).
    static func decode(_ text: String) throws -> [UInt8] {
        let even = text.count % 2 == 1 ? "0" + text : text
        return Array(try Hex.decode(even).drop(while: { $0 == 0 }))
    }
}
