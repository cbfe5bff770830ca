import ArgumentParser
import Glibc
import XSigBatch
import XSignature

struct BatchCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "batch",
        abstract: "Sign many session tokens for a load test: text, CSV or NDJSON in; NDJSON, CSV, vegeta targets or header blocks out.",
        discussion: """
        Every input record gives exactly one output record, in input order, or one error record \
        (records in = records out + errors, as the summary line on stderr says). Signing runs on all \
        cores (--threads), memory stays flat whatever the input size, and a file --output only \
        appears once complete: it is written beside the target and renamed at the end, so an \
        interrupted or failed run never leaves a truncated file under the target name. A FIFO, a \
        device such as /dev/null, or /dev/stdout is written in place instead.

        INPUT (--input-format auto: from the extension .txt/.csv/.ndjson/.jsonl, else the first \
        line):
          text    one session token per line (an empty line is an error record)
          csv     RFC 4180 with a header row: session_token (required), timestamp,
                  nonce and the request fields domain, client_id,
                  device_fingerprint, os_version, agent, device_ip, lang, tenant_id
                  (each overrides its flag for that record)
          ndjson  one JSON object per line with the same field names

        TIMESTAMPS: a record's own timestamp wins; otherwise --timestamp (default now, or \
        --server-time) + index x --timestamp-step-ms. Servers reject stale timestamps, so sign a \
        batch shortly before the load test runs, with the server's clock.

        STREAMING: --timestamp clock gives each record the clock at the moment it is signed (plus \
        the --server-time offset), and on a pipe or terminal (or with --flush record) each record \
        is written as soon as it is signed, in input order, so signatures are fresh at send time:
          tail -f tokens.txt | xsig batch --key pub.pem --input - --output - \\
              --timestamp clock --server-time now.json --format vegeta \\
              | vegeta attack -lazy -rate=50/s -duration=60s | vegeta report

        OUTPUT (--format):
          ndjson   one object per record: index, session_token, timestamp, nonce,
                   signature, and method, url, headers {...} when request fields
                   are given
          csv      index,session_token,timestamp,nonce,signature,domain,... (CRLF)
          vegeta   GET https://<domain>/api/v2/sdk/logout + header lines, a blank
                   line between targets (the route's method and URL)
          headers  one raw HTTP header block (Host + X- headers, CRLF) per record

        ROUTE: GET https://<domain>/api/v2/sdk/logout unless --base-url, --path and --method say \
        otherwise; the X- headers are the same on every route. A domain column overrides the host \
        (and port) of --base-url, never its scheme. Profile update on a local server:
          xsig batch ... --base-url http://127.0.0.1:8080 --method POST \\
              --path /api/v2/sdk/profile/update

        vegeta and headers need --domain --client-id --device-fingerprint --os-version --agent (or \
        the matching columns); with ndjson/csv, the request appears once any request field is given.

        EXAMPLES (point load tests only at systems you own or are authorised to test):
          xsig batch --key pub.pem --input tokens.txt --output signed.ndjson \\
              --server-time now.json --domain idp.example.com --client-id C \\
              --device-fingerprint FP --os-version "Android 14" --agent "loadtest/1.0"
          vegeta: xsig batch ... --format vegeta --output targets.txt
                  vegeta attack -targets=targets.txt -rate=200/s -duration=60s \\
                      | vegeta report
          k6:     xsig batch ... --format csv --output signed.csv
                  XSIG_CSV=signed.csv k6 run examples/k6/presigned.js (one row per
                  request across VUs: exec.scenario.iterationInTest, not __ITER)
          JMeter: CSV Data Set Config, Filename signed.csv, "Ignore first line"
                  false (names come from the header row), Allow quoted data true;
                  then ${signature} etc. in a HTTP Header Manager.
          Bad records: --on-error skip --errors bad.ndjson keeps going and lists
                  each one; the good records are written, and xsig exits 1 if any
                  record was skipped (0 only when every record was signed).

        SHARDING beyond one machine: --shard I/N (0-based) signs the I-th of N contiguous slices; \
        with --seed and a fixed --timestamp, cat shard-0 ... shard-(N-1) equals the unsharded output \
        (for CSV with --csv-header first; by default every CSV shard has its header row).
          parallel xsig batch --key pub.pem --input tokens.txt \\
              --timestamp 1700000000000 --shard {}/4 --output part-{}.ndjson \\
              ::: 0 1 2 3 && cat part-{0,1,2,3}.ndjson > all.ndjson
          Kubernetes Indexed Job (completions: 8, completionMode: Indexed):
              xsig batch ... --shard $JOB_COMPLETION_INDEX/8 \\
                  --output /out/part-$JOB_COMPLETION_INDEX.ndjson
          Slurm array: --shard $SLURM_ARRAY_TASK_ID/$SLURM_ARRAY_TASK_COUNT

        --seed makes the padding deterministic (record i uses stream index i): TEST VECTORS ONLY. \
        See docs/batch.md for the formats, load-tool recipes and the BatchSigner library API.
        """
    )

    @OptionGroup var keyOptions: PublicKeyOptions

    @Option(name: .long, help: ArgumentHelp("Input file, or - for stdin.", valueName: "file"))
    var input: String

    @Option(name: .long, help: "Input format: auto, text, csv or ndjson.")
    var inputFormat: InputFormatChoice = .auto

    @Option(name: .long, help: ArgumentHelp("Output file (written atomically; a FIFO or device in place), or - for stdout.", valueName: "file"))
    var output: String

    @Option(name: .long, help: "Output format: ndjson, csv, vegeta or headers.")
    var format: BatchOutputFormat = .ndjson

    @Option(name: .long, help: ArgumentHelp("Padding: pkcs1, oaep-sha256, oaep-sha256-mgf1sha1, oaep-sha1, oaep-<hash>[-mgf1<hash>].", valueName: "padding"))
    var padding: String = "oaep-sha256"

    @Option(name: .long, help: ArgumentHelp(
        "Base timestamp in epoch milliseconds, now (the default: the clock at the start), or clock: each record gets the clock at the moment it is signed, plus the --server-time offset. E.g. tail -f tokens.txt | xsig batch --key pub.pem --input - --output - --timestamp clock",
        valueName: "ms|now|clock"))
    var timestamp: String?

    @Option(name: .long, help: ArgumentHelp(
        "When records leave: record (each written as soon as it is signed, in order), chunk (in 256-record chunks, the fastest) or auto (record when the output is a pipe or terminal, chunk for files).",
        valueName: "when"))
    var flush: FlushChoice = .auto

    @Option(name: .long, help: ArgumentHelp("Milliseconds added per record index to the base timestamp.", valueName: "n"))
    var timestampStepMs: UInt64 = 0

    @Option(name: .long, help: ArgumentHelp("File (or -) with the server-date body {\"timestamp\":\"<ms>\"}: the base timestamp, or with --timestamp clock the offset between the server's clock and the file's modification time.", valueName: "file"))
    var serverTime: String?

    @Option(name: .long, help: ArgumentHelp(
        "Deterministic padding from this seed (hex), record i using stream index i: for TEST VECTORS ONLY.",
        valueName: "hex"))
    var seed: String?

    @Option(name: .long, help: encryptionBackendHelp)
    var backend: RSAEncryptor.Backend = .auto

    @Option(name: .long, help: ArgumentHelp("Signing threads (default: all online CPUs).", valueName: "n"))
    var threads: Int?

    @Option(name: .long, help: ArgumentHelp("Sign only slice I of N (0-based, contiguous), e.g. 0/4.", valueName: "I/N"))
    var shard: String?

    @Option(name: .long, help: ArgumentHelp(
        "With --format csv --shard: always (every shard file starts with the header row, self-contained for JMeter, k6 and verify --input) or first (only shard 0, so that cat part-*.csv is one CSV).",
        valueName: "always|first"))
    var csvHeader: CSVHeaderChoice = .always

    @Option(name: .long, help: "On a bad record: fail (stop, no output file, exit 2) or skip (report it and go on; the good records are written, and the exit status is 1 when any record was skipped).")
    var onError: BatchErrorPolicy = .fail

    @Option(name: .long, help: ArgumentHelp("Write error records here as NDJSON {\"index\",\"line\",\"error\"} (default: stderr).", valueName: "file"))
    var errors: String?

    @Flag(name: .long, help: "No progress bar and no summary line (errors are still reported).")
    var quiet = false

    @OptionGroup(title: "Request (a column named like a field overrides it per record)")
    var headerOptions: HeaderOptions

    enum InputFormatChoice: String, ExpressibleByArgument, CaseIterable { case auto, text, csv, ndjson }
    enum FlushChoice: String, ExpressibleByArgument, CaseIterable { case auto, record, chunk }
    enum CSVHeaderChoice: String, ExpressibleByArgument, CaseIterable { case always, first }

    var clockTimestamps: Bool { timestamp == "clock" }

    func validate() throws {
        if timestamp != nil && !clockTimestamps && serverTime != nil {
            throw ValidationError("give --timestamp or --server-time, not both (--timestamp clock takes --server-time as the clock's offset)")
        }
        if clockTimestamps && timestampStepMs != 0 {
            throw ValidationError("--timestamp-step-ms spreads a fixed base timestamp; with --timestamp clock each record already gets the time it is signed")
        }
        if serverTime == "-" && input == "-" { throw ValidationError("--server-time - and --input - cannot both read stdin") }
        if let threads, threads < 1 || threads > 1024 { throw ValidationError("--threads must be in 1...1024") }
        if errors == "-" { throw ValidationError("--errors takes a file name; without it, errors go to stderr") }
        if errors != nil && errors == output { throw ValidationError("--errors and --output must be different files") }
    }

    func run() throws {
        let padding = try parsePadding(self.padding)
        let headers = try headerOptions.fields()
        let route = try headerOptions.route()
        let key = try keyOptions.load().key
        let timestamps: BatchConfiguration.Timestamps
        var clockOffset: Int64 = 0
        var warning: String?
        if clockTimestamps {
            timestamps = .clock
            if let serverTime { (clockOffset, warning) = try serverClockOffset(serverTime: serverTime) }
        } else {
            let time = try resolveTimestamp(timestamp: timestamp, serverTime: serverTime, alternatives: ["clock"])
            timestamps = .fixed(base: time.milliseconds, stepMilliseconds: timestampStepMs)
            warning = time.warning
        }
        let seedBytes = try seed.map(Self.seedBytes)
        let shard: BatchShard?
        do { shard = try self.shard.map(BatchShard.init(parsing:)) } catch let error as XSigError { throw error.prefixed("--shard") }

        var range: Range<UInt64>?
        if let shard {
            guard input != "-" else {
                throw XSigError(.invalidArgument, "--shard needs --input FILE, not stdin: each shard counts the input's records first")
            }
            let counting = try InputHandle(path: input, format: inputFormat)
            defer { counting.close() }
            range = shard.range(totalRecords: try counting.source.countRemainingRecords())
        }
        let handle = try InputHandle(path: input, format: inputFormat)
        defer { handle.close() }

        let streaming = try flushEachRecord()
        var configuration = BatchConfiguration(
            timestamps: timestamps, seed: seedBytes,
            threads: threads ?? BatchConfiguration.defaultThreads, onError: onError, headers: headers,
            route: route, requireRequest: format.needsRequest, recordRange: range)
        configuration.clockOffsetMilliseconds = clockOffset
        configuration.flushEachRecord = streaming
        let batch = try BatchSigner(key: key, padding: padding, backend: backend, configuration: configuration)
        let formatter = BatchOutputFormatter(format: format, writesCSVHeader: csvHeader == .always || (shard?.index ?? 0) == 0)
        if let warning { printNote(warning) }

        try refuseOverwritingInputs()
        AtomicOutputFile.removePendingFilesOnFatalSignals()
        let outputFile: AtomicOutputFile?
        do { outputFile = output == "-" ? nil : try AtomicOutputFile(path: output) } catch let error as XSigError {
            throw error.prefixed("--output")
        }
        let errorsFile: AtomicOutputFile?
        do { errorsFile = try errors.map { try AtomicOutputFile(path: $0) } } catch let error as XSigError {
            outputFile?.discard()
            throw error.prefixed("--errors")
        }
        let stdout = StandardOutputWriter()
        let display = ProgressDisplay(quiet: quiet, totalBytes: handle.size, totalRecords: range.map { UInt64($0.count) })

        let summary: BatchSummary
        do {
            summary = try batch.run(source: handle.source, formatter: formatter, write: { bytes in
                if let outputFile { try outputFile.write(bytes) } else { try stdout.write(bytes) }
            }, onError: { error in
                if let errorsFile {
                    try errorsFile.write(Array((error.jsonLine + "\n").utf8))
                } else if onError == .skip {
                    display.clear()
                    printNote("\(handle.name): \(error) (skipped)")
                }
            }, progress: display.update)
        } catch {
            display.clear()
            outputFile?.discard()
            errorsFile?.discard()
            throw error
        }
        display.clear()

        let counts = "\(summary.recordsIn) record\(summary.recordsIn == 1 ? "" : "s") in = \(summary.recordsOut) out + \(summary.errors) error\(summary.errors == 1 ? "" : "s")"
        if let stopped = summary.stoppedBy {
            outputFile?.discard()
            try errorsFile?.commit()
            printError("\(handle.name): \(stopped)")
            let outcome = outputFile.map { "\($0.path) not written" } ?? "the output on stdout is incomplete"
            printNote("batch stopped at the first bad record (--on-error fail): \(counts); \(outcome) (--on-error skip goes past bad records)")
            throw CommandFailure(message: "", status: ExitStatus.badInput)
        }
        try outputFile?.commit()
        try errorsFile?.commit()
        if !quiet {
            let threadsUsed = configuration.threads
            var line = "batch: \(counts)"
            if summary.errors > 0 { line += " (skipped\(errors.map { ", listed in \($0)" } ?? ""))" }
            line += "; \(format2(summary.seconds)) s, \(Int(summary.recordsPerSecond.rounded())) records/s on \(threadsUsed) thread\(threadsUsed == 1 ? "" : "s")"
            if let shard, let range { line += ", shard \(shard) = records \(range.lowerBound)..<\(range.upperBound)" }
            printNote(line)
        }
        // The output is complete for the good records, but not every input record made it: a script must not mistake that for success.
        if summary.errors > 0 { throw CommandFailure(message: "", status: ExitStatus.negative) }
    }

    /// --flush: auto streams to a pipe, terminal or socket on stdout; a file --output only appears
    /// once complete, so streaming into it would show nothing and is refused.
    private func flushEachRecord() throws -> Bool {
        switch flush {
        case .chunk: return false
        case .record:
            if output == "-" { return true }
            if case .file = try outputTarget() {
                throw XSigError(.invalidArgument, "--flush record: --output \(output) is written beside the target and appears only when complete; stream with --output - (a pipe, or >> FILE) or a FIFO")
            }
            return true
        case .auto:
            if output == "-" { return Self.isStream(descriptor: STDOUT_FILENO) }
            switch try outputTarget() {
            case .file: return false
            case .descriptor(let fd): return Self.isStream(descriptor: fd)
            case .stream:
                var info = stat()
                return stat(output, &info) == 0 && (info.st_mode & S_IFMT) == S_IFIFO
            }
        }
    }

    /// `--output FILE` or `--errors FILE` naming the input or the key file (the same file, by
    /// device and inode, whatever the spelling) would replace it with the output.
    private func refuseOverwritingInputs() throws {
        func identity(_ path: String) -> (dev_t, ino_t)? {
            var info = stat()
            guard path != "-", stat(path, &info) == 0, (info.st_mode & S_IFMT) == S_IFREG else { return nil }
            return (info.st_dev, info.st_ino)
        }
        let sources = [("--input", input), ("--key", keyOptions.key)].compactMap { flag, path in identity(path).map { (flag, $0) } }
        for (flag, path) in [("--output", output), ("--errors", errors ?? "-")] {
            guard let target = identity(path) else { continue }
            for (source, id) in sources where id == target {
                throw XSigError(.invalidArgument, "\(flag) \(path) is the same file as \(source): the output would replace it; write elsewhere")
            }
        }
    }

    private func outputTarget() throws -> AtomicOutputFile.Target {
        do { return try AtomicOutputFile.target(of: output) } catch let error as XSigError { throw error.prefixed("--output") }
    }

    /// A pipe, a socket or a terminal: where a reader waits for each record.
    private static func isStream(descriptor: Int32) -> Bool {
        var info = stat()
        guard fstat(descriptor, &info) == 0 else { return false }
        let type = info.st_mode & S_IFMT
        return type == S_IFIFO || type == S_IFSOCK || isatty(descriptor) == 1
    }

    /// The seed through `SeedOptions`, so that the warning is word for word the one of `xsig sign --seed`.
    private static func seedBytes(_ hex: String) throws -> [UInt8] {
        let options = try SeedOptions.parse(["--seed", hex])
        guard case let .deterministic(seed, _) = try options.randomness() else { return [] }
        return seed
    }

    private func format2(_ x: Double) -> String {
        let hundredths = Int((x * 100).rounded())
        return "\(hundredths / 100).\(hundredths % 100 < 10 ? "0" : "")\(hundredths % 100)"
    }

}

extension BatchOutputFormat: ExpressibleByArgument {}
extension BatchErrorPolicy: ExpressibleByArgument {}
