import ArgumentParser
import XSignature
import XSigVectors

/// `xsig vectors generate|check|convert-kat`: the test-vector toolkit.
struct VectorsCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "vectors",
        abstract: "Generate and replay Wycheproof-format RSA decryption and X-signature test vectors.",
        discussion: """
        The files follow Wycheproof's RSA decryption schemas (rsaes_pkcs1_decrypt, \
        rsaes_oaep_decrypt), so existing Wycheproof runners read them; xsig's extra fields (seed, \
        index, sessionToken, timestamp, nonce, payload, signature, ps, oaepSeed) are documented in \
        vectors/README.md, and vectors/reproduce.py recomputes them independently.

        Examples:
          xsig vectors generate --out /tmp/v --bits 2048 --padding pkcs1,oaep-sha256
          xsig vectors check vectors/generated/*.json vectors/wycheproof/*.json
          xsig vectors convert-kat --padding pkcs1 --out k.json pkcs1v15.kat
        """,
        subcommands: [Generate.self, Check.self, ConvertKAT.self]
    )

    struct Generate: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "generate",
            abstract: "Write deterministic test-vector files (one per key size and padding) and their keys.",
            usage: "xsig vectors generate --out <dir> [<options>]",
            discussion: """
            For each key size and padding, one file:
              DIR/xsig_rsa_pkcs1_<bits>_test.json                       pkcs1
              DIR/xsig_rsa_oaep_<bits>_<hash>_mgf1<mgf1hash>_test.json  OAEP
            e.g. xsig_rsa_oaep_2048_sha256_mgf1sha1_test.json for oaep-sha256-mgf1sha1 at 2048 bits. \
            Each holds valid encryptions of messages from empty to the longest the padding allows, a \
            ciphertext with a leading zero octet, OAEP labels, X-signature cases (session token, \
            timestamp, nonce, payload, Base64 signature), and invalid ciphertexts, one family per RFC \
            8017 decryption check, each family flagged and explained in the file's notes.

            Everything derives from --seed: the same arguments give byte-identical files. Keys are \
            derived from the seed too (or read from --key-dir as rsa-<bits>.pem) and written as \
            DIR/keys/rsa-<bits>.pem (private, PKCS#8) and DIR/keys/rsa-<bits>.pub.pem (public). The keys \
            and the padding are PUBLIC TEST MATERIAL: never use them for real traffic.

            Examples:
              xsig vectors generate --out vectors/generated
              xsig vectors generate --out /tmp/v --bits 2048 --padding pkcs1 --count 20
              xsig vectors generate --out /tmp/v --key-dir vectors/generated/keys
            """
        )

        @Option(name: .long, help: ArgumentHelp("Output directory (created if missing).", valueName: "dir"))
        var out: String

        @Option(name: .long, help: ArgumentHelp("Key sizes in bits, comma-separated.", valueName: "bits,..."))
        var bits: String = VectorGenerator.defaultBits.map(String.init).joined(separator: ",")

        @Option(name: .long, help: ArgumentHelp("Paddings, comma-separated (pkcs1, oaep-sha256, oaep-sha256-mgf1sha1, oaep-sha1, oaep-<hash>[-mgf1<hash>]).",
                                                valueName: "padding,..."))
        var padding: String = VectorGenerator.defaultPaddings.map(\.name).joined(separator: ",")

        @Option(name: .long, help: ArgumentHelp("Valid message lengths per file, spread over 0...max (at least 2).", valueName: "n"))
        var count: Int = VectorGenerator.defaultCount

        @Option(name: .long, help: ArgumentHelp("Seed, hex (default: \"xsig test vectors\" in ASCII).", valueName: "hex"))
        var seed: String = Hex.encode(VectorGenerator.defaultSeed)

        @Option(name: .long, help: ArgumentHelp("Read the keys from DIR/rsa-<bits>.pem instead of deriving them from the seed.", valueName: "dir"))
        var keyDir: String?

        @Option(name: .long, help: "Engine that computes the ciphertexts: gmp, openssl, lanes or auto (all give the same bytes).")
        var backend: RSAEncryptor.Backend = .gmp

        func run() throws {
            var options = VectorGenerator.Options()
            options.bits = unique(try parseBits(bits))
            options.paddings = unique(try padding.split(separator: ",", omittingEmptySubsequences: false).map { try parsePadding(String($0)) })
            options.count = count
            options.seed = try decodeHexArgument(seed, flag: "--seed")
            options.keyDirectory = keyDir
            options.backend = backend
            let output: VectorGenerator.Output
            do {
                output = try VectorGenerator.generate(options)
            } catch let error as XSigError where error.code == .invalidArgument {
                throw error.prefixed("vectors generate")
            }
            try VectorGenerator.write(output, to: out)
            for note in output.skipped { printNote("vectors generate: skipped \(note)") }
            let base = out.hasSuffix("/") ? out : out + "/"
            emit(output.files.map { file in
                base + file.path + (file.numberOfTests > 0 ? " (\(file.numberOfTests) tests)" : "")
            }.joined(separator: "\n"))
        }

        /// The values in their first order, repeats left out.
        private func unique<T: Hashable>(_ values: [T]) -> [T] {
            var seen = Set<T>()
            return values.filter { seen.insert($0).inserted }
        }

        private func parseBits(_ text: String) throws -> [Int] {
            try text.split(separator: ",", omittingEmptySubsequences: false).map { part in
                guard let value = Int(part), DeterministicKeyGenerator.supportedBits.contains(value) else {
                    throw XSigError(.invalidArgument,
                        "--bits: '\(part)' is not a key size in \(DeterministicKeyGenerator.supportedBits.lowerBound)...\(DeterministicKeyGenerator.supportedBits.upperBound)")
                }
                return value
            }
        }
    }

    struct Check: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "check",
            abstract: "Replay Wycheproof RSA decryption files (xsig's and upstream's) on every backend.",
            discussion: """
            Reads any file of Wycheproof's rsaes_pkcs1_decrypt or rsaes_oaep_decrypt schema (v0 or v1): \
            xsig's own, upstream Wycheproof's rsa_pkcs1_*_test.json and rsa_oaep_*_test.json, converted \
            known answers. On every backend, valid cases must decrypt to msg and invalid cases must be \
            rejected (xsig's flagged cases for exactly the check their flag names); acceptable cases are \
            reported, not failed. Where a case gives its padding bytes (seed and index, ps, oaepSeed), \
            msg must re-encrypt to ct on every backend; X-signature cases must have a consistent payload \
            and a signature that is the Base64 of ct.

            Prints counts per file and backend, and each failing tcId. Exit status 1 on any failure.

            Examples:
              xsig vectors check vectors/generated/*.json
              xsig vectors check --backend openssl rsa_oaep_2048_sha1_mgf1sha1_test.json
            """
        )

        @Option(name: .long, help: "Backend: gmp, openssl, lanes, auto (what decrypt and verify pick here), both (gmp and openssl) or all (gmp, openssl, lanes).")
        var backend: BackendChoice = .all

        @Argument(help: ArgumentHelp("Wycheproof JSON files.", valueName: "file"))
        var files: [String]

        enum BackendChoice: String, ExpressibleByArgument, CaseIterable {
            case gmp, openssl, lanes, auto, both, all
            var backends: [RSAEncryptor.Backend] {
                switch self {
                case .both: return [.gmp, .openssl]
                case .all: return RSAEncryptor.Backend.engines
                case .gmp, .openssl, .lanes, .auto: return [RSAEncryptor.Backend(rawValue: rawValue)!]
                }
            }
        }

        func validate() throws {
            if files.isEmpty { throw ValidationError("give at least one file") }
        }

        func run() throws {
            let checker = VectorChecker(backends: backend.backends)
            var failures = 0, tests = 0, failedFiles = 0
            for file in files {
                let report: VectorCheckReport
                do {
                    let bytes = try InputFiles.read(file, what: "vectors check", limit: 256 << 20)
                    report = try checker.check(bytes: bytes, name: file)
                } catch let error as XSigError {
                    throw error.message.hasPrefix("vectors check") ? error : error.prefixed("vectors check \(file)")
                }
                emit(report.lines.joined(separator: "\n"))
                failures += report.failures.count
                tests += report.tests
                if !report.passed { failedFiles += 1 }
            }
            let summary = "\(files.count) file\(files.count == 1 ? "" : "s"), \(tests) tests, \(failures) failure\(failures == 1 ? "" : "s")"
            guard failures == 0 else {
                throw CommandFailure(message: "vectors check: \(summary) (in \(failedFiles) file\(failedFiles == 1 ? "" : "s"))", status: ExitStatus.negative)
            }
            emit("vectors check: \(summary)")
        }
    }

    struct ConvertKAT: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "convert-kat",
            abstract: "Convert RSA Laboratories known-answer stanzas (vectors/rsa-labs/*.kat) to a Wycheproof file.",
            discussion: """
            Each key becomes a test group with the complete private key (p and q recovered from d), each \
            stanza a valid test carrying its published padding bytes (ps or oaepSeed), so that vectors \
            check both decrypts it and re-encrypts it byte for byte. vectors/README.md gives the \
            commands that made vectors/converted/.

            Examples:
              xsig vectors convert-kat --padding pkcs1 --out p.json pkcs1v15.kat
              xsig vectors convert-kat --padding oaep-sha1 --out o.json oaep-sha1.kat
            """
        )

        @Option(name: .long, help: ArgumentHelp("Padding of the vectors: pkcs1 or oaep-sha1.", valueName: "padding"))
        var padding: String

        @Option(name: .long, help: ArgumentHelp("Output file.", valueName: "file"))
        var out: String

        @Argument(help: ArgumentHelp("The .kat file, or - for stdin.", valueName: "file"))
        var input: String

        func run() throws {
            let padding = try parsePadding(self.padding)
            let text = String(decoding: try InputFiles.read(input, what: "vectors convert-kat", limit: 64 << 20), as: UTF8.self)
            let file: WycheproofFile
            do {
                file = try KnownAnswerConverter.convert(text, name: input, padding: padding)
            } catch let error as XSigError {
                throw error.prefixed("vectors convert-kat \(input)")
            }
            try VectorGenerator.writeTextFile(file.json.text, to: out)
            emit("\(out) (\(file.numberOfTests) tests)")
        }
    }
}
