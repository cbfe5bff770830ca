import XSigBigInt
import XSignature

/// `xsig vectors check`: replays a Wycheproof RSA decryption file (xsig's own, upstream
/// Wycheproof's `rsa_pkcs1_*_test.json` / `rsa_oaep_*_test.json`, converted known answers) on
/// xsig's decryption backends.
///
/// For every test and backend: a `valid` case must decrypt to `msg`; an `invalid` case must be
/// rejected, and when it carries one of xsig's check flags (``FlagCheck``) it must fail exactly
/// that check; an `acceptable` case is reported either way, never failed. Once per test, backend
/// by backend on the encryption side: where the case gives its padding randomness (`seed` and
/// `index`, or `ps` / `oaepSeed`), re-encrypting `msg` must give `ct` exactly. X-signature cases
/// must have a payload built from their token, timestamp and nonce, equal to `msg`, and a
/// `signature` that is the Base64 of `ct`.
public struct VectorChecker: Sendable {
    public var backends: [RSAEncryptor.Backend]

    public init(backends: [RSAEncryptor.Backend] = RSAEncryptor.Backend.engines) {
        self.backends = backends
    }

    public func check(bytes: [UInt8], name: String) throws -> VectorCheckReport {
        check(try WycheproofFile.decode(bytes), name: name)
    }

    public func check(_ file: WycheproofFile, name: String) -> VectorCheckReport {
        var report = VectorCheckReport(name: name, algorithm: file.algorithm, backends: backends)
        let total = file.testGroups.reduce(0) { $0 + $1.tests.count }
        report.groups = file.testGroups.count
        report.tests = total
        for group in file.testGroups { for test in group.tests { report.byResult[test.result, default: 0] += 1 } }
        if total != file.numberOfTests {
            report.fail(nil, nil, "numberOfTests is \(file.numberOfTests) but the file has \(total) tests")
        }
        var seen = Set<Int>()
        for group in file.testGroups {
            for test in group.tests where !seen.insert(test.tcId).inserted {
                report.fail(test.tcId, nil, "duplicate tcId")
            }
        }
        for (i, group) in file.testGroups.enumerated() {
            checkGroup(group, number: i + 1, file: file, into: &report)
        }
        return report
    }

    // MARK: - Groups

    private func checkGroup(_ group: WycheproofTestGroup, number: Int, file: WycheproofFile, into report: inout VectorCheckReport) {
        let where_ = "group \(number)"
        let padding: RSAEncryptionPadding
        switch Self.padding(file: file, group: group) {
        case let .success(found): padding = found
        case let .failure(reason):
            report.skip(group.tests.count, "\(where_): \(reason.message)")
            return
        }
        let key: GroupKey
        do {
            key = try GroupKey(group)
        } catch let error as XSigError {
            report.fail(nil, nil, "\(where_): cannot read the key: \(error.message)")
            report.notRun += group.tests.count
            return
        } catch {
            report.fail(nil, nil, "\(where_): cannot read the key")
            report.notRun += group.tests.count
            return
        }
        if let size = group.keySize, size != key.bits {
            report.fail(nil, nil, "\(where_): keySize is \(size) but the key has \(key.bits) bits")
        }
        var decryptors: [(RSAEncryptor.Backend, any VectorDecryptor)] = []
        var encryptors: [(RSAEncryptor.Backend, RSAEncryptor)] = []
        for backend in backends {
            if let privateKey = key.privateKey {
                do {
                    do {
                        decryptors.append((backend, try RSADecryptor(privateKey: privateKey, backend: backend)))
                    } catch let error as XSigError where backend == .lanes && error.code == .unsupportedKey {
                        // e.g. a key of n, e, d only: the lanes engine needs the CRT members.
                        report.notes.append("\(where_): not decrypted on lanes: \(error.message)")
                    }
                    encryptors.append((backend, try RSAEncryptor(key: privateKey.publicKey, backend: backend)))
                } catch {
                    report.fail(nil, backend, "\(where_): cannot set up the \(backend) backend: \(error)")
                }
            } else if backend == .openssl {
                // xsig's key type refused the key (under 1024 bits): OpenSSL alone, decryption only.
                decryptors.append((backend, OpenSSLKeyDecryptor(key: key.openSSLKey)))
            }
        }
        if let refused = key.refusal {
            let lost = backends.filter { $0 != .openssl }.map(\.rawValue)
            let note = lost.isEmpty ? "" : "; not run on \(lost.joined(separator: ", "))"
            report.notes.append("\(where_): xsig refuses the key (\(refused)): decryption on OpenSSL only, no re-encryption\(note)")
            if !lost.isEmpty { report.skipped += group.tests.count }
        }
        // The lanes engine decrypts the group's ciphertexts eight per pass, up front.
        decryptors = decryptors.map { backend, decryptor in
            guard backend == .lanes, let lanes = decryptor as? RSADecryptor else { return (backend, decryptor) }
            return (backend, PrecomputedDecryptor(lanes, tests: group.tests, padding: padding))
        }
        for test in group.tests {
            checkTest(test, padding: padding, decryptors: decryptors, encryptors: encryptors, into: &report)
        }
    }

    private static func padding(file: WycheproofFile, group: WycheproofTestGroup) -> Result<RSAEncryptionPadding, XSigError> {
        let type = group.type ?? ""
        if file.algorithm == WycheproofFile.pkcs1Algorithm || type == "RsaesPkcs1Decrypt" { return .success(.pkcs1v15) }
        guard file.algorithm == WycheproofFile.oaepAlgorithm || type == "RsaesOaepDecrypt" else {
            return .failure(XSigError(.invalidInput, "algorithm \(file.algorithm) is not RSAES-PKCS1-v1_5 or RSAES-OAEP"))
        }
        guard (group.mgf ?? "MGF1").uppercased() == "MGF1" else {
            return .failure(XSigError(.invalidInput, "mask generation function \(group.mgf ?? "") is not MGF1"))
        }
        guard let sha = group.sha else { return .failure(XSigError(.invalidInput, "OAEP group without \"sha\"")) }
        guard let hash = digest(sha), let mgf1 = digest(group.mgfSha ?? sha) else {
            return .failure(XSigError(.invalidInput, "OAEP with \(sha) and MGF1-\(group.mgfSha ?? sha) is not supported by xsig (SHA-1, SHA-224, SHA-256, SHA-384, SHA-512)"))
        }
        return .success(.oaep(hash: hash, mgf1: mgf1))
    }

    /// "SHA-256" (Wycheproof), "SHA256", "sha256" -> .sha256; nil for others (SHA-512/224, SHA3-256).
    static func digest(_ name: String) -> DigestAlgorithm? {
        DigestAlgorithm(rawValue: name.lowercased().replacing("-", with: ""))
    }

    // MARK: - Tests

    private func checkTest(_ test: WycheproofTestCase, padding: RSAEncryptionPadding,
                           decryptors: [(RSAEncryptor.Backend, any VectorDecryptor)],
                           encryptors: [(RSAEncryptor.Backend, RSAEncryptor)], into report: inout VectorCheckReport) {
        let id = test.tcId
        let msg: [UInt8], ct: [UInt8], label: [UInt8]
        do {
            msg = try Hex.decode(test.msg)
            ct = try Hex.decode(test.ct)
            label = try Hex.decode(test.label ?? "")
        } catch let error as XSigError {
            report.fail(id, nil, "msg, ct or label is not hex: \(error.message)")
            return
        } catch {
            return
        }
        if !padding.isOAEP && !label.isEmpty { report.fail(id, nil, "a label on a PKCS#1 v1.5 case") }
        let expectedCheck = test.result == .invalid ? FlagCheck.expectedCheck(flags: test.flags) : nil
        for (backend, decryptor) in decryptors {
            let outcome: Result<[UInt8], Error>
            do { outcome = .success(try decryptor.decrypt(ct, padding: padding, label: label)) } catch { outcome = .failure(error) }
            switch (test.result, outcome) {
            case let (.valid, .success(plain)):
                if plain == msg { report.count(backend, \.validPassed) } else {
                    report.fail(id, backend, "valid case decrypts to a different message (\(plain.count) bytes, expected \(msg.count))")
                }
            case let (.valid, .failure(error)):
                report.fail(id, backend, "valid case not decrypted: \(Self.describe(error))")
            case let (.invalid, .success(plain)):
                if decryptor is OpenSSLKeyDecryptor, !padding.isOAEP, OpenSSLKeyDecryptor.mayRejectImplicitly, plain != msg {
                    report.count(backend, \.invalidRejected)   // implicit rejection: a synthetic message
                } else {
                    report.fail(id, backend, "invalid case accepted (decrypted to \(plain.count) bytes; flags \(test.flags.joined(separator: ", ")))")
                }
            case (.invalid, .failure):
                guard let expectedCheck, decryptor.explains else { report.count(backend, \.invalidRejected); break }
                do {
                    let failed = try decryptor.explain(ct, padding: padding, label: label)
                    if failed == expectedCheck { report.count(backend, \.invalidRejected) } else {
                        report.fail(id, backend, "rejected, but for another reason: \(failed.map { "\($0)" } ?? "none") instead of \(expectedCheck) (flags \(test.flags.joined(separator: ", ")))")
                    }
                } catch {
                    report.fail(id, backend, "cannot tell why the case is rejected: \(Self.describe(error))")
                }
            case (.acceptable, .success): report.count(backend, \.acceptableAccepted)
            case (.acceptable, .failure): report.count(backend, \.acceptableRejected)
            }
        }
        if test.result == .valid { checkReencryption(test, msg: msg, ct: ct, label: label, padding: padding, encryptors: encryptors, into: &report) }
        if test.sessionToken != nil || test.signature != nil || test.payload != nil || test.flags.contains("XSignature") {
            checkXSignature(test, msg: msg, ct: ct, into: &report)
        }
    }

    private func checkReencryption(_ test: WycheproofTestCase, msg: [UInt8], ct: [UInt8], label: [UInt8], padding: RSAEncryptionPadding,
                                   encryptors: [(RSAEncryptor.Backend, RSAEncryptor)], into report: inout VectorCheckReport) {
        let randomness: PaddingRandomness
        do {
            switch (test.seed, test.index, test.ps, test.oaepSeed) {
            case (nil, nil, nil, nil): return
            case let (seed?, index, nil, nil): randomness = .deterministic(seed: try Hex.decode(seed), index: index ?? 0)
            case let (nil, nil, ps?, nil) where !padding.isOAEP: randomness = .injected(try Hex.decode(ps))
            case let (nil, nil, nil, oaepSeed?) where padding.isOAEP: randomness = .injected(try Hex.decode(oaepSeed))
            default:
                report.fail(test.tcId, nil, "padding randomness must be seed (with index), ps (pkcs1) or oaepSeed (OAEP), one of them")
                return
            }
        } catch {
            report.fail(test.tcId, nil, "seed, ps or oaepSeed is not hex")
            return
        }
        for (backend, encryptor) in encryptors {
            do {
                let again = try encryptor.encrypt(msg, padding: padding, label: label, randomness: randomness)
                if again == ct { report.count(backend, \.reencrypted) } else {
                    report.fail(test.tcId, backend, "re-encrypting msg with the case's padding bytes does not give ct")
                }
            } catch {
                report.fail(test.tcId, backend, "cannot re-encrypt msg: \(Self.describe(error))")
            }
        }
    }

    private func checkXSignature(_ test: WycheproofTestCase, msg: [UInt8], ct: [UInt8], into report: inout VectorCheckReport) {
        guard let token = test.sessionToken, let timestampText = test.timestamp, let nonce = test.nonce,
              let payloadText = test.payload, let signature = test.signature else {
            report.fail(test.tcId, nil, "X-signature case without all of sessionToken, timestamp, nonce, payload, signature")
            return
        }
        do {
            let payload = try SignaturePayload(sessionToken: token, timestamp: try Timestamp.parse(timestampText), nonce: nonce)
            var problems: [String] = []
            if payload.string != payloadText { problems.append("payload is not session_token=<sessionToken>&timestamp=<timestamp>&nonce=<nonce>") }
            if Array(payloadText.utf8) != msg { problems.append("msg is not the payload's UTF-8") }
            if signature != Base64.encode(ct) { problems.append("signature is not the Base64 of ct") }
            if problems.isEmpty { report.xsignatures += 1 } else {
                report.fail(test.tcId, nil, "X-signature: " + problems.joined(separator: "; "))
            }
        } catch let error as XSigError {
            report.fail(test.tcId, nil, "X-signature fields: \(error.message)")
        } catch {
            report.fail(test.tcId, nil, "X-signature fields unreadable")
        }
    }

    private static func describe(_ error: Error) -> String {
        (error as? XSigError)?.message ?? "\(error)"
    }
}

/// A group's private key, read from whichever member the file gives (PKCS#8 hex first, then PEM,
/// then v1 `privateKey`, then v0 `n`/`e`/`d`); the other members, when present, must agree.
private struct GroupKey {
    let openSSLKey: OpenSSLKey
    /// nil when xsig's key type refuses the key (see `refusal`).
    let privateKey: RSAPrivateKey?
    let refusal: String?
    let bits: Int

    init(_ group: WycheproofTestGroup) throws {
        let decoder = PrivateKeyDecoder(policy: .allowingWeakKeys)
        var source: [UInt8]?
        if let pkcs8 = group.privateKeyPkcs8 {
            source = try Hex.decode(pkcs8)
        } else if let pem = group.privateKeyPem {
            source = Array(pem.utf8)
        }
        let members = try Self.members(group)
        if let source {
            openSSLKey = try Self.openSSL(source)
        } else if let members {
            openSSLKey = try OpenSSLKey.fromMembers(n: members[0], e: members[1], d: members[2], p: members[3], q: members[4],
                                                    dp: members[5], dq: members[6], qInv: members[7])
        } else {
            throw XSigError(.invalidInput, "the group has no privateKeyPkcs8, privateKeyPem, privateKey or n/e/d")
        }
        let n = openSSLKey.member("n"), e = openSSLKey.member("e")
        bits = GMPInteger(bigEndian: n).bitWidth
        if let members, members[0] != n || members[1] != e || members[2] != openSSLKey.member("d") {
            throw XSigError(.invalidInput, "n, e or d disagree with the encoded private key")
        }
        if let pem = group.publicKeyPem {
            let publicKey = try PublicKeyDecoder(policy: .allowingWeakKeys).decode(Array(pem.utf8)).key
            guard publicKey.modulus == n, publicKey.publicExponent == e else {
                throw XSigError(.invalidInput, "publicKeyPem is not the public half of the private key")
            }
        }
        do {
            if let source {
                privateKey = try decoder.decode(source).key
            } else {
                privateKey = try RSAPrivateKey(modulus: n, publicExponent: e, privateExponent: members![2], prime1: members![3],
                                               prime2: members![4], exponent1: members![5], exponent2: members![6],
                                               coefficient: members![7], policy: .allowingWeakKeys)
            }
            refusal = nil
        } catch let error as XSigError where error.code == .weakKey {
            privateKey = nil
            refusal = error.message
        }
    }

    private static func openSSL(_ source: [UInt8]) throws -> OpenSSLKey {
        if source.first == UInt8(ascii: "-") { return try OpenSSLKey.fromPEM(String(decoding: source, as: UTF8.self), isPrivate: true) }
        return try OpenSSLKey.fromDER(source, isPrivate: true)
    }

    /// n, e, d, p, q, dp, dq, qInv from `privateKey` (v1) or n/e/d (v0); nil when neither is given.
    private static func members(_ group: WycheproofTestGroup) throws -> [[UInt8]]? {
        if let k = group.privateKey, let n = k.modulus, let e = k.publicExponent, let d = k.privateExponent {
            return try [n, e, d, k.prime1 ?? "", k.prime2 ?? "", k.exponent1 ?? "", k.exponent2 ?? "", k.coefficient ?? ""]
                .map { $0.isEmpty ? [] : try WycheproofBigInt.decode($0) }
        }
        if let n = group.n, let e = group.e, let d = group.d {
            return try [n, e, d].map(WycheproofBigInt.decode) + [[], [], [], [], []]
        }
        return nil
    }
}

/// What `vectors check` found in one file.
public struct VectorCheckReport: Sendable {
    public struct Counts: Sendable, Hashable {
        public var validPassed = 0
        public var invalidRejected = 0
        public var acceptableAccepted = 0
        public var acceptableRejected = 0
        public var reencrypted = 0
        public var failed = 0
    }

    public struct Failure: Sendable, Hashable, CustomStringConvertible {
        public let tcId: Int?
        public let backend: RSAEncryptor.Backend?
        public let message: String

        public var description: String {
            (tcId.map { "tcId \($0)" } ?? "file") + (backend.map { " [\($0.rawValue)]" } ?? "") + ": " + message
        }
    }

    public let name: String
    public let algorithm: String
    public let backends: [RSAEncryptor.Backend]
    public var groups = 0
    public var tests = 0
    public var byResult: [WycheproofResult: Int] = [:]
    public var counts: [RSAEncryptor.Backend: Counts] = [:]
    /// X-signature cases whose payload, nonce and signature were checked.
    public var xsignatures = 0
    /// Tests in groups left out (unsupported hash or MGF) or not run on every backend.
    public var skipped = 0
    /// Tests not run because their group's key could not be read (also failures).
    public var notRun = 0
    public var notes: [String] = []
    public var failures: [Failure] = []

    init(name: String, algorithm: String, backends: [RSAEncryptor.Backend]) {
        self.name = name
        self.algorithm = algorithm
        self.backends = backends
    }

    public var passed: Bool { failures.isEmpty }

    mutating func fail(_ tcId: Int?, _ backend: RSAEncryptor.Backend?, _ message: String) {
        failures.append(Failure(tcId: tcId, backend: backend, message: message))
        guard let backend else { return }
        // A test that fails two checks (say, the plaintext and the re-encryption) is one failed test.
        if let tcId, !failedTests.insert(FailedTest(backend: backend, tcId: tcId)).inserted { return }
        counts[backend, default: Counts()].failed += 1
    }

    private struct FailedTest: Hashable {
        let backend: RSAEncryptor.Backend
        let tcId: Int
    }
    private var failedTests: Set<FailedTest> = []

    mutating func count(_ backend: RSAEncryptor.Backend, _ field: WritableKeyPath<Counts, Int>) {
        counts[backend, default: Counts()][keyPath: field] += 1
    }

    mutating func skip(_ tests: Int, _ note: String) {
        skipped += tests
        notes.append(note + " (\(tests) tests skipped)")
    }

    /// The lines `vectors check` prints for this file.
    public var lines: [String] {
        var out: [String] = []
        let results = [WycheproofResult.valid, .invalid, .acceptable].map { "\(byResult[$0, default: 0]) \($0.rawValue)" }
        let left = skipped > 0 ? ", \(skipped) skipped" : ""
        out.append("\(name): \(algorithm), \(groups) group\(groups == 1 ? "" : "s"), \(tests) tests (\(results.joined(separator: ", "))\(left))")
        let width = backends.map(\.rawValue.count).max() ?? 0
        for backend in backends {
            let c = counts[backend, default: Counts()]
            let passed = c.validPassed + c.invalidRejected
            var line = "  \(backend.rawValue):" + String(repeating: " ", count: width - backend.rawValue.count)
            line += " \(passed) passed (\(c.validPassed) valid decrypted, \(c.invalidRejected) invalid rejected)"
            if c.acceptableAccepted + c.acceptableRejected > 0 {
                line += ", acceptable: \(c.acceptableAccepted) accepted, \(c.acceptableRejected) rejected"
            }
            if c.reencrypted > 0 { line += ", \(c.reencrypted) re-encrypted to ct" }
            line += ", \(c.failed) failed"
            out.append(line)
        }
        if xsignatures > 0 { out.append("  X-signature: \(xsignatures) payloads and Base64 signatures checked") }
        for note in notes { out.append("  note: \(note)") }
        for failure in failures { out.append("  FAIL \(failure)") }
        return out
    }
}
