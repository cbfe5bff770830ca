import ArgumentParser
import Glibc
import XSigBatch
import XSignature

struct KeygenCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "keygen",
        abstract: "Generate an RSA key pair with OpenSSL: PREFIX.pem (PKCS#8, mode 0600) and PREFIX.pub.pem.",
        usage: "xsig keygen --out <prefix> [--bits <n>] [<options>]",
        discussion: """
        The key comes from OpenSSL's generator (EVP_PKEY_keygen). PREFIX.pem is the private key, PEM \
        PKCS#8 "PRIVATE KEY" (or "ENCRYPTED PRIVATE KEY" with --passphrase-file: PBES2, \
        AES-256-CBC), created with mode 0600; PREFIX.pub.pem is its SubjectPublicKeyInfo "PUBLIC \
        KEY" for xsig sign --key. Existing files are never replaced without --force. Each file is \
        written beside its target and renamed into place, so an interrupted run leaves no partial \
        key. Before finishing, the pair is loaded back and used for one encrypt/decrypt round trip.

        Examples:
          xsig keygen --bits 3072 --out server
          xsig keygen --bits 2048 --exponent 65537 --out /etc/xsig/app --force
          xsig keygen --bits 4096 --out app --passphrase-file pass.txt
        """
    )

    @Option(name: .long, help: ArgumentHelp("Modulus size in bits (2048 and up; 1024 with --allow-weak-key; at most 16384).", valueName: "n"))
    var bits: Int = 2048

    @Option(name: .long, help: ArgumentHelp("Public exponent, decimal or 0x-hex (odd, at least 3, at most 64 bits).", valueName: "e"))
    var exponent: String = "65537"

    @Option(name: .long, help: ArgumentHelp("Output prefix: writes PREFIX.pem and PREFIX.pub.pem.", valueName: "prefix"))
    var out: String

    @Flag(name: .long, help: "Replace existing output files.")
    var force = false

    @Flag(name: .long, help: "Allow a modulus under 2048 bits (1024 and up), for tests only.")
    var allowWeakKey = false

    @Option(name: .long, help: ArgumentHelp("Encrypt the private key under the passphrase in this file (its first line).", valueName: "file"))
    var passphraseFile: String?

    func run() throws {
        guard bits >= KeyPolicy.weakMinimumBits, bits <= KeyPolicy.maximumBits else {
            throw XSigError(.invalidArgument, "--bits: \(bits) is outside \(KeyPolicy.weakMinimumBits)...\(KeyPolicy.maximumBits)")
        }
        guard bits >= KeyPolicy.minimumBits || allowWeakKey else {
            throw XSigError(.weakKey, "--bits: \(bits) is under \(KeyPolicy.minimumBits); pass --allow-weak-key to generate it anyway (tests only)")
        }
        let e = try parseExponent()
        guard !out.isEmpty, !out.hasSuffix("/") else { throw XSigError(.invalidArgument, "--out: give a file prefix such as keys/server") }
        let privatePath = out + ".pem", publicPath = out + ".pub.pem"
        if !force {
            for path in [privatePath, publicPath] where exists(path) {
                throw XSigError(.invalidArgument, "--out: \(path) already exists; pass --force to replace it")
            }
        }
        // --force renames over the target: only ever over a key file, never over a device or FIFO.
        for path in [privatePath, publicPath] where !isRegularFileOrAbsent(path) {
            throw XSigError(.invalidArgument, "--out: \(path) exists and is not a regular file; keygen writes key files only")
        }
        var passphrase = try passphraseFile.map { try PrivateKeyOptions.readPassphrase($0) }
        if let passphrase, passphrase.isEmpty, let passphraseFile {
            throw XSigError(.invalidArgument, "--passphrase-file \(passphraseFile): the passphrase is empty; an encrypted key needs one (leave out --passphrase-file for an unencrypted key)")
        }
        defer { if passphrase != nil { for i in passphrase!.indices { passphrase![i] = 0 } } }

        let pair = try OpenSSLKey.generateRSA(bits: bits, publicExponent: e)
        let policy = KeyPolicy(allowWeakKey: allowWeakKey)
        let key = try RSAPrivateKey(pair, policy: policy)
        let privatePEM = try passphrase.map { try PKCS8Encryption.encryptedPEM(key, passphrase: $0) } ?? pair.pem(privateKey: true)
        let publicPEM = try pair.pem(privateKey: false)
        try selfCheck(privatePEM: privatePEM, publicPEM: publicPEM, passphrase: passphrase, policy: policy)

        try writeAtomically(privatePEM, to: privatePath, mode: 0o600)
        try writeAtomically(publicPEM, to: publicPath, mode: 0o644)
        emit("""
        wrote \(privatePath) (\(bits)-bit RSA private key, \(passphrase == nil ? "PKCS#8 PRIVATE KEY" : "encrypted PKCS#8"), mode 0600)
        wrote \(publicPath) (public key, SubjectPublicKeyInfo)
        e = \(e.reduce(UInt64(0)) { $0 << 8 | UInt64($1) }), fingerprint sha256:\(key.publicKey.fingerprint)
        """)
    }

    private func parseExponent() throws -> [UInt8] {
        let text = exponent.lowercased()
        let value: UInt64?
        if text.hasPrefix("0x") { value = UInt64(text.dropFirst(2), radix: 16) } else { value = UInt64(text) }
        guard let value, value >= 3, value % 2 == 1 else {
            throw XSigError(.invalidArgument, "--exponent: '\(exponent)' is not an odd integer from 3 to 2^64-1")
        }
        var bytes = withUnsafeBytes(of: value.bigEndian) { Array($0) }
        while bytes.first == 0 { bytes.removeFirst() }
        return bytes
    }

    /// Reads both PEMs back the way decrypt and sign will, and runs one round trip.
    private func selfCheck(privatePEM: String, publicPEM: String, passphrase: [UInt8]?, policy: KeyPolicy) throws {
        let key = try PrivateKeyDecoder(policy: policy, passphrase: passphrase).decode(Array(privatePEM.utf8)).key
        let publicKey = try PublicKeyDecoder(policy: policy).decode(Array(publicPEM.utf8)).key
        guard publicKey == key.publicKey else { throw XSigError(.openSSL, "generated public and private keys do not match") }
        let probe = Array("xsig keygen self-check".utf8)
        let ciphertext = try RSAEncryptor(key: publicKey).encrypt(probe, padding: .oaepSHA256)
        guard try RSADecryptor(privateKey: key).decrypt(ciphertext, padding: .oaepSHA256) == probe else {
            throw XSigError(.openSSL, "generated key failed its encrypt/decrypt self-check")
        }
    }

    private func exists(_ path: String) -> Bool {
        var info = stat()
        return lstat(path, &info) == 0
    }

    private func isRegularFileOrAbsent(_ path: String) -> Bool {
        var info = stat()
        guard lstat(path, &info) == 0 else { return true }
        return (info.st_mode & S_IFMT) == S_IFREG
    }

    /// Writes a temporary file beside the target with `mode`, then links it into place (no
    /// clobbering) or, with --force, renames over the target.
    private func writeAtomically(_ text: String, to path: String, mode: mode_t) throws {
        let temporary = "\(path).tmp-\(getpid())"
        let fd = open(temporary, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, mode)
        guard fd >= 0 else { throw XSigError(.io, "--out: cannot create \(temporary): \(errnoText())") }
        var ok = fchmod(fd, mode) == 0
        var bytes = Array(text.utf8)
        defer { for i in bytes.indices { bytes[i] = 0 } }
        if ok {
            do { try bytes.withUnsafeBytes { try writeFully($0, to: fd, name: temporary) } } catch { ok = false }
        }
        ok = ok && fsync(fd) == 0
        let failure = ok ? "" : errnoText()
        close(fd)
        defer { unlink(temporary) }
        guard ok else { throw XSigError(.io, "--out: writing \(temporary): \(failure)") }
        let placed = force ? rename(temporary, path) : link(temporary, path)
        guard placed == 0 else {
            if errno == EEXIST { throw XSigError(.invalidArgument, "--out: \(path) already exists; pass --force to replace it") }
            throw XSigError(.io, "--out: cannot write \(path): \(errnoText())")
        }
    }
}
