import ArgumentParser
import Glibc
import XSigBatch
import XSignature

struct VerifyCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "verify",
        abstract: "Verify X-signatures with the private key: decrypt, parse the payload strictly, check freshness and token.",
        usage: """
        xsig verify --private-key <file> --signature <b64> [<options>]
        xsig verify --private-key <file> --input <file> [<options>]
        """,
        discussion: """
        ONE SIGNATURE (--signature): prints one JSON object with valid (true or false), reason (null \
        or the reason), session_token, timestamp and nonce, and exits 0 when valid, 1 when not. The \
        payload must be exactly session_token=<token>&timestamp=<ms>&nonce=<lowercase hex of ms>: \
        these three fields in this order, the timestamp canonical digits, the nonce the hex of the \
        timestamp. With --max-skew-seconds S the timestamp must lie within S seconds of --now \
        (default: the clock); with --session-token-file (or --session-token) the token must match. \
        verify does not read XSIG_SESSION_TOKEN: a token left in the environment would turn the \
        check on.

        Reasons: malformed_signature, decryption_error (wrong key, padding or a tampered signature: \
        deliberately not more precise), payload_not_utf8, missing_field, extra_fields, field_order, \
        malformed_field, invalid_session_token, invalid_timestamp, nonce_mismatch, stale_timestamp, \
        future_timestamp, session_token_mismatch; with --input also timestamp_mismatch, \
        malformed_record, missing_signature.

        A BATCH FILE (--input FILE or -): anything xsig batch writes, each shard file on its own: \
        NDJSON (or lines of xsig sign --output json), CSV with or without its header row \
        (--csv-header first shards), vegeta targets or header blocks (the X-signature line of each \
        block), detected from the first line (--input-format to say it), read as a stream and \
        verified on all cores (--threads), eight records per decryption call (one pass of the \
        lanes engine with --backend lanes, or auto where it picks lanes). Each record's own \
        session_token, timestamp and nonce \
        must match what it signs (vegeta and header blocks carry only the signature). Prints one \
        line per failing record, {"index":N,"line":L,"valid":false,"reason":...}, then \
        {"records":N,"valid":V,"invalid":I}; exits 0 when every record is valid, 1 if not. A \
        progress bar shows on a terminal (--quiet hides it).

        --lenient-length accepts a --signature whose ciphertext is shorter than k octets (leading \
        zero octets dropped by the client), as Java's SunJCE and BouncyCastle, Node and openssl \
        pkeyutl do; RFC 8017 refuses it.

        Bad arguments, keys or files exit 2.

        Examples:
          xsig verify --private-key key.pem --signature "$SIG" --max-skew-seconds 300
          xsig verify --private-key key.pem --signature "$SIG" \\
              --session-token-file token.txt --now 1628496895102 --max-skew-seconds 60
          xsig verify --private-key key.pem --input signed.ndjson --padding oaep-sha256
          for f in part-*.csv; do xsig verify --private-key key.pem --input "$f"; done
          xsig verify --private-key key.pem --input targets.txt --max-skew-seconds 300
          xsig verify --private-key key.pem --input signed.ndjson --backend lanes
        """
    )

    @OptionGroup var decryption: DecryptionOptions

    @Option(name: .long, help: ArgumentHelp("The X-signature header value (Base64).", valueName: "b64"))
    var signature: String?

    @Option(name: .long, help: ArgumentHelp("Batch output file to verify (any xsig batch --format), or - for stdin.", valueName: "file"))
    var input: String?

    @Option(name: .long, help: ArgumentHelp(
        "Format of --input: auto (from the first line: { is ndjson, GET https://... vegeta, Host: headers, else csv with or without its header row), ndjson, csv, vegeta or headers.",
        valueName: "format"))
    var inputFormat: VerifyInputFormat = .auto

    @Flag(name: .long, help: "With --input: no progress bar on the terminal.")
    var quiet = false

    @Option(name: .long, help: ArgumentHelp("Current time in epoch milliseconds for the freshness check (default: the clock).", valueName: "ms"))
    var now: String?

    @Option(name: .long, help: ArgumentHelp("Accept timestamps at most this many seconds from --now (default: no freshness check).", valueName: "s"))
    var maxSkewSeconds: UInt64?

    @OptionGroup(title: "The session token the signature must carry (optional)") var token: SessionTokenOptions

    @Option(name: .long, help: ArgumentHelp("Verification threads for --input (default: all online CPUs).", valueName: "n"))
    var threads: Int?

    @Flag(name: .long, help: "Accept a --signature shorter than k octets, left-padded with zeros, as Java, Node and openssl pkeyutl do (RFC 8017 refuses it).")
    var lenientLength = false

    enum VerifyInputFormat: String, ExpressibleByArgument, CaseIterable { case auto, ndjson, csv, vegeta, headers }

    func validate() throws {
        if lenientLength && input != nil {
            throw ValidationError("--lenient-length applies to --signature only; --input records are checked at exactly k octets, as xsig batch writes them")
        }
    }

    func run() throws {
        guard (signature == nil) != (input == nil) else {
            throw XSigError(.invalidArgument, signature == nil ? "give --signature B64 or --input FILE" : "give --signature or --input, not both")
        }
        if let threads, threads < 1 { throw XSigError(.invalidArgument, "--threads must be at least 1") }
        try requireOneStdinReader([("--private-key", decryption.key.privateKey), ("--passphrase-file", decryption.key.passphraseFile),
                                   token.stdinFlag, ("--input", input)])
        let padding = try decryption.parsedPadding()
        // The environment is not read here: a token left in XSIG_SESSION_TOKEN would silently turn the check on.
        let sessionToken = try token.resolve(readingEnvironment: false)
        var expectations = XSignatureVerifier.Expectations(maximumSkewSeconds: maxSkewSeconds, sessionToken: sessionToken?.token)
        if let now {
            do { expectations.now = try Timestamp.parse(now) } catch let error as XSigError { throw error.prefixed("--now") }
            if let warning = Timestamp.secondsWarning(expectations.now!) { printNote("warning: --now: \(warning)") }
        } else if maxSkewSeconds != nil {
            expectations.now = Timestamp.now()
        }
        let key = try decryption.key.load().key
        let verifier = try XSignatureVerifier(privateKey: key, padding: padding, backend: decryption.backend, batches: input != nil)
        if let signature {
            let result = verifier.verify(signature: signature.filter { !$0.isWhitespace }, length: lenientLength ? .lenient : .strict,
                                         expecting: expectations)
            emit(result.json)
            if !result.isValid { throw CommandFailure(message: "", status: ExitStatus.negative) }
        } else if let input {
            try verifyFile(input, verifier: ParallelRecordVerifier(verifier: verifier, expectations: expectations,
                                                                   jobs: threads ?? onlineProcessors()))
        }
    }

    /// Streams the file through the reader, verifying a slice of records at a time.
    private func verifyFile(_ path: String, verifier: ParallelRecordVerifier) throws {
        let name = path == "-" ? "--input (stdin)" : "--input \(path)"
        let fd = path == "-" ? STDIN_FILENO : open(path, O_RDONLY)
        guard fd >= 0 else { throw XSigError(.io, "\(name): \(errnoText())") }
        defer { if path != "-" { close(fd) } }
        var info = stat()
        if fstat(fd, &info) == 0, (info.st_mode & S_IFMT) == S_IFDIR {
            errno = EISDIR
            throw XSigError(.io, "\(name): \(errnoText())")
        }
        let size = fstat(fd, &info) == 0 && (info.st_mode & S_IFMT) == S_IFREG ? UInt64(info.st_size) : nil
        let reader = VerifiableRecordReader(source: FileDescriptorByteSource(descriptor: fd, name: name),
                                            format: VerifiableRecordReader.Format(rawValue: inputFormat.rawValue))
        let display = ProgressDisplay(quiet: quiet, totalBytes: size, totalRecords: nil)
        let clock = ContinuousClock()
        let start = clock.now
        var counts = (records: 0, invalid: 0)
        let slice = 64 * verifier.jobs
        func process(_ batch: [VerifiableRecord]) {
            var lines = ""
            for (record, result) in zip(batch, verifier.verify(batch)) where !result.isValid {
                var json = JSONObjectWriter()
                json.add("index", record.index)
                json.add("line", record.line)
                json.add("valid", false)
                json.add("reason", result.failure!.rawValue)
                lines += json.finish() + "\n"
                counts.invalid += 1
            }
            counts.records += batch.count
            if !lines.isEmpty {
                display.clear()
                emit(lines)
            }
            var progress = BatchProgress()
            progress.recordsIn = UInt64(counts.records)
            progress.recordsOut = UInt64(counts.records - counts.invalid)
            progress.errors = UInt64(counts.invalid)
            progress.bytesRead = reader.bytesConsumed
            progress.seconds = Clocks.seconds(clock.now - start)
            display.update(progress)
        }
        var pending: [VerifiableRecord] = []
        pending.reserveCapacity(slice)
        while true {
            let record: VerifiableRecord?
            do { record = try reader.next() } catch let error as XSigError {
                display.clear()
                throw error.message.hasPrefix(name) ? error : error.prefixed(name)
            }
            guard let record else { break }
            pending.append(record)
            if pending.count == slice {
                process(pending)
                pending.removeAll(keepingCapacity: true)
            }
        }
        process(pending)
        display.clear()
        // An empty batch output is a batch output (a shard can hold no records): say so, don't fail.
        if counts.records == 0 { printNote("warning: \(name): no records (an empty batch output, such as a shard with none)") }
        var summary = JSONObjectWriter()
        summary.add("records", counts.records)
        summary.add("valid", counts.records - counts.invalid)
        summary.add("invalid", counts.invalid)
        emit(summary.finish())
        if counts.invalid > 0 { throw CommandFailure(message: "", status: ExitStatus.negative) }
    }
}

func onlineProcessors() -> Int { max(1, Int(sysconf(Int32(_SC_NPROCESSORS_ONLN)))) }

