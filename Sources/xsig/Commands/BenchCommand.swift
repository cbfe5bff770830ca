import ArgumentParser
#if canImport(Glibc)
import Glibc
#endif
import XSigBatch
import XSigBench
import XSignature

struct BenchCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "bench",
        abstract: "Measure throughput of the gmp, openssl and lanes engines side by side.",
        discussion: """
        Generates one RSA key per size (e = 65537), then measures every combination of --bits x \
        --padding x --operation x --threads on every --backend. The backends are interleaved sample \
        by sample (A B A B ...) so that a noisy machine hurts both alike; each cell is the median of \
        the samples with their min and max, and X/openssl is the median of the sample-by-sample \
        ratios. The lanes engine is measured with full groups of eight messages per call (its \
        kernel, ifma or portable, is named in the header). Rates are per CPU-second of the measuring \
        thread by default (--clock cpu), so time the scheduler gives to other processes does not \
        count; --clock wall measures elapsed time instead. The default run takes about a minute.

        Operations: encrypt (padding + RSA on a 96-octet payload), sign-payload (payload + encrypt + \
        Base64: one X-signature header) and decrypt (the server's private operation: CRT with \
        blinding on GMP). benchmarks/batch/run.sh times `xsig batch` end to end.

        Examples:
          xsig bench
          xsig bench --bits 2048 --padding oaep-sha256 --seconds 20
          xsig bench --threads 1,2 --json bench.json --csv bench.csv --plot bench.svg
        """
    )

    @Option(name: .long, help: ArgumentHelp("Modulus sizes, comma-separated.", valueName: "bits,..."))
    var bits: String = "1024,2048,3072,4096"

    @Option(name: .long, help: ArgumentHelp("Paddings, comma-separated (pkcs1, oaep-sha256, ...).", valueName: "padding,..."))
    var padding: String = "pkcs1,oaep-sha256"

    @Option(name: .long, help: ArgumentHelp(
        "Backends, comma-separated (gmp, openssl, lanes, auto). Default: gmp,openssl,lanes.",
        valueName: "backend,..."))
    var backend: String?

    @Option(name: .long, help: ArgumentHelp("Operations, comma-separated: encrypt, sign-payload, decrypt.", valueName: "op,..."))
    var operation: String = "encrypt,sign-payload"

    @Option(name: .long, help: ArgumentHelp("Thread counts, comma-separated.", valueName: "n,..."))
    var threads: String = "1"

    @Option(name: .long, help: ArgumentHelp("Approximate seconds of measurement in all (key generation comes on top).", valueName: "S"))
    var seconds: Double = 60

    @Option(name: .long, help: ArgumentHelp("Samples per backend and case (median reported).", valueName: "n"))
    var samples: Int = 7

    @Option(name: .long, help: ArgumentHelp("Session-token length of the payload (40 gives 96 octets).", valueName: "n"))
    var tokenLength: Int = 40

    @Option(name: .long, help: ArgumentHelp("Write the results as JSON to this file.", valueName: "file"))
    var json: String?

    @Option(name: .long, help: ArgumentHelp("Write the results as CSV to this file.", valueName: "file"))
    var csv: String?

    @Option(name: .long, help: ArgumentHelp("Draw the chart as SVG to this file (.svg).", valueName: "file.svg"))
    var plot: String?

    @Option(name: .long, help: ArgumentHelp("Time base: cpu (each thread's CPU time, robust on a shared machine) or wall.", valueName: "cpu|wall"))
    var clock: String = "cpu"

    @Flag(name: .long, help: "No progress line on stderr.")
    var quiet = false

    func validate() throws {
        if let plot, !plot.lowercased().hasSuffix(".svg") {
            throw ValidationError("--plot writes SVG only: name the file *.svg (convert it to PNG with e.g. rsvg-convert)")
        }
        let files = [json, csv, plot].compactMap { $0 }
        if Set(files).count != files.count { throw ValidationError("--json, --csv and --plot must name different files") }
    }

    func run() throws {
        var config = BenchConfiguration()
        config.bits = try list(bits, "--bits") { Int($0) }
        config.paddings = try list(padding, "--padding") { try? RSAEncryptionPadding(name: $0) }
        config.operations = try list(operation, "--operation") { BenchOperation(rawValue: $0) }
        let backends = backend ?? "gmp,openssl,lanes"
        config.backends = try list(backends, "--backend") { RSAEncryptor.Backend(rawValue: $0) }
        config.threads = try list(threads, "--threads") { Int($0) }
        config.seconds = seconds
        config.samples = samples
        config.tokenLength = tokenLength
        guard let clockKind = BenchClockKind(rawValue: clock.lowercased()) else {
            throw XSigError(.invalidArgument, "--clock: '\(clock)' is not cpu or wall")
        }
        config.clock = clockKind
        let runner = try BenchRunner(configuration: config)
        // The result files are opened before the measuring starts, so that a path that cannot be
        // written fails at once instead of after the run; each appears only once complete.
        if json != nil || csv != nil || plot != nil { AtomicOutputFile.removePendingFilesOnFatalSignals() }
        let jsonFile = try json.map { try Self.open($0, what: "--json") }
        let csvFile = try csv.map { try Self.open($0, what: "--csv") }
        let plotFile = try plot.map { try Self.open($0, what: "--plot") }
        let interactive = isatty(2) != 0 && !quiet
        var lastLine = 0
        let report = try runner.run(progress: { done, total, what, left in
            guard !quiet else { return }
            let line = "[\(pad(done, total))/\(total)] \(what)  ~\(Int(left.rounded()))s left"
            if interactive {
                let padded = line + String(repeating: " ", count: max(0, lastLine - line.count))
                writeAll("\r" + padded, to: STDERR_FILENO)
                lastLine = line.count
                if done == total { writeAll("\r" + String(repeating: " ", count: lastLine) + "\r", to: STDERR_FILENO) }
            } else if done % max(1, config.backends.count * config.samples) == 0 && done < total {
                writeAll(line + "\n", to: STDERR_FILENO)
            }
        }, keyNote: { bits in
            if !quiet { writeAll(interactive ? "\rgenerating a \(bits)-bit key..." + String(repeating: " ", count: 20) : "generating a \(bits)-bit key\n", to: STDERR_FILENO) }
        })
        if let jsonFile { try Self.finish(jsonFile, report.json(), what: "--json") }
        if let csvFile { try Self.finish(csvFile, report.csv(), what: "--csv") }
        if let plotFile { try Self.finish(plotFile, report.svg(), what: "--plot") }
        emit(report.table())
    }

    private func pad(_ value: Int, _ total: Int) -> String {
        let s = String(value)
        return String(repeating: " ", count: max(0, String(total).count - s.count)) + s
    }

    private func list<T>(_ text: String, _ flag: String, _ parse: (String) -> T?) throws -> [T] {
        let parts = text.split(separator: ",").map { String($0).lowercased() }
        guard !parts.isEmpty else { throw XSigError(.invalidArgument, "\(flag) is empty") }
        return try parts.map { part in
            guard let value = parse(part) else { throw XSigError(.invalidArgument, "\(flag): '\(part)' is not recognised") }
            return value
        }
    }

    private static func open(_ path: String, what: String) throws -> AtomicOutputFile {
        do { return try AtomicOutputFile(path: path) } catch let error as XSigError { throw error.prefixed(what) }
    }

    private static func finish(_ file: AtomicOutputFile, _ text: String, what: String) throws {
        do {
            try file.write(Array(text.utf8))
            try file.commit()
        } catch let error as XSigError {
            file.discard()
            throw error.prefixed(what)
        }
    }
}
