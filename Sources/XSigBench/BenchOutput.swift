import XSignature
/// Text, JSON and CSV renderings of a ``BenchReport``.
extension BenchReport {
    /// The aligned table for people: one row per case, both backends side by side, then the
    /// sizing table a load generator is planned with.
    public func table() -> String {
        let backends = configuration.backends
        var header = ["bits", "padding", "operation", "thr"]
        for backend in backends { header.append("\(backend.rawValue) ops/s/core [min-max]") }
        header.append("us/op")
        let ratioBackends = cases.first?.ratioBackends(backends) ?? []
        for backend in ratioBackends { header.append("\(backend.rawValue)/openssl [min-max]") }
        var rows: [[String]] = []
        for c in cases {
            var row = [String(c.bits), c.padding.name, c.operation.rawValue, String(c.threads)]
            for backend in backends {
                guard let s = c.series(backend) else { row.append("-"); continue }
                row.append("\(Self.rate(s.perCore.median)) [\(Self.rate(s.perCore.minimum))-\(Self.rate(s.perCore.maximum))]")
            }
            let first = c.series(backends[0])!
            row.append(Self.fixed(1e6 / first.perCore.median, first.perCore.median > 1e5 ? 2 : 1))
            for backend in ratioBackends {
                guard let r = c.ratiosToOpenSSL[backend] else { row.append("-"); continue }
                let verdict = r.median >= 1 ? "" : " <"
                row.append("\(Self.fixed(r.median, 3)) [\(Self.fixed(r.minimum, 2))-\(Self.fixed(r.maximum, 2))]\(verdict)")
            }
            rows.append(row)
        }
        var out = "xsig bench: \(machine.cpu), \(machine.cores) cores; \(machine.openSSL); \(machine.gmp); lanes kernel \(machine.lanesKernel)\n"
        out += "\(configuration.samples) samples of \(Self.fixed(configuration.sampleSeconds, 2)) s per backend and case, backends interleaved (A B A B ...); "
        let short = cases.filter { $0.payloadOctets < 56 + configuration.tokenLength }
        out += "payload \(56 + configuration.tokenLength) octets"
        if let s = short.first { out += " (\(s.payloadOctets) for \(s.padding.name) at \(s.bits) bits, the most it carries)" }
        out += ", e = 65537\n"
        let unit = configuration.clock == .cpu ? "ops per CPU-second of each thread (--clock cpu)" : "ops per wall-clock second (--clock wall)"
        out += "ops/s per core: \(unit), median [min-max] of the samples; us/op for \(backends[0].rawValue); X/openssl: median [min-max] of the sample-by-sample ratios (< marks under 1.0); lanes runs full groups of 8\n\n"
        out += Self.align([header] + rows, rightAligned: [0, 3] + Array(4..<(header.count)))
        out += "\n" + sizingTable()
        return out
    }

    /// Which key size a load generator can afford: per-core signing rate (sign-payload when it ran,
    /// else encrypt) of the faster backend, and what a batch and a target rate cost.
    public func sizingTable() -> String {
        let preferred: BenchOperation = cases.contains { $0.operation == .signPayload } ? .signPayload : .encrypt
        var rows: [[String]] = [["bits", "padding", "best backend", "signatures/s/core", "10^6 tokens on 1 core", "cores for 10k/s"]]
        for c in cases where c.operation == preferred && c.threads == (configuration.threads.min() ?? 1) {
            guard let best = c.series.max(by: { $0.perCore.median < $1.perCore.median }) else { continue }
            let rate = best.perCore.median
            let seconds = 1e6 / rate
            rows.append([String(c.bits), c.padding.name, best.backend.rawValue, Self.rate(rate),
                         seconds >= 120 ? "\(Self.fixed(seconds / 60, 1)) min" : "\(Self.fixed(seconds, 1)) s",
                         Self.fixed(10_000 / rate, 2)])
        }
        var out = "Load-generator sizing (projected from \(preferred.rawValue), one thread, per core; a batch adds I/O and JSON on top):\n"
        out += Self.align(rows, rightAligned: [0, 3, 4, 5])
        return out
    }

    public func json() -> String {
        var root = JSONObjectWriter()
        root.add("tool", "xsig bench")
        root.addRaw("started_at_unix", Self.fixed(startedAt, 3))
        root.addRaw("elapsed_seconds", Self.fixed(elapsedSeconds, 2))
        var m = JSONObjectWriter()
        m.add("cpu", machine.cpu)
        m.add("cores", machine.cores)
        m.add("os", machine.os)
        m.add("openssl", machine.openSSL)
        m.add("gmp", machine.gmp)
        m.add("lanes_kernel", machine.lanesKernel)
        root.addRaw("machine", m.finish())
        var c = JSONObjectWriter()
        c.addRaw("bits", "[" + configuration.bits.map(String.init).joined(separator: ",") + "]")
        c.addRaw("padding", Self.stringArray(configuration.paddings.map(\.name)))
        c.addRaw("backend", Self.stringArray(configuration.backends.map(\.rawValue)))
        c.addRaw("operation", Self.stringArray(configuration.operations.map(\.rawValue)))
        c.addRaw("threads", "[" + configuration.threads.map(String.init).joined(separator: ",") + "]")
        c.add("samples", configuration.samples)
        c.addRaw("sample_seconds", Self.fixed(configuration.sampleSeconds, 4))
        c.add("payload_octets", 56 + configuration.tokenLength)
        c.add("public_exponent", 65537)
        c.add("clock", configuration.clock.rawValue)
        root.addRaw("configuration", c.finish())
        var items: [String] = []
        for r in cases {
            var o = JSONObjectWriter()
            o.add("bits", r.bits)
            o.add("padding", r.padding.name)
            o.add("operation", r.operation.rawValue)
            o.add("threads", r.threads)
            o.add("payload_octets", r.payloadOctets)
            var series: [String] = []
            for s in r.series {
                var so = JSONObjectWriter()
                so.add("backend", s.backend.rawValue)
                so.addRaw("ops_per_second", Self.statsJSON(s.opsPerSecond, 1))
                so.addRaw("ops_per_second_per_core", Self.statsJSON(s.perCore, 1))
                so.add("operations", s.operationsCounted)
                series.append(so.finish())
            }
            o.addRaw("series", "[" + series.joined(separator: ",") + "]")
            if let ratio = r.ratio { o.addRaw("gmp_over_openssl", Self.statsJSON(ratio, 4)) } else { o.addNull("gmp_over_openssl") }
            var over = JSONObjectWriter()
            for backend in r.ratioBackends(configuration.backends) {
                over.addRaw(backend.rawValue, Self.statsJSON(r.ratiosToOpenSSL[backend]!, 4))
            }
            o.addRaw("over_openssl", over.finish())
            items.append(o.finish())
        }
        root.addRaw("cases", "[\n" + items.joined(separator: ",\n") + "\n]")
        return root.finish() + "\n"
    }

    /// One row per case and backend.
    public func csv() -> String {
        var out = "bits,padding,operation,threads,payload_octets,backend,median_ops_per_s,min_ops_per_s,max_ops_per_s,median_ops_per_s_per_core,samples,ratio_gmp_openssl_median,ratio_min,ratio_max,cpu,openssl,gmp,ratio_to_openssl_median\n"
        for r in cases {
            for s in r.series {
                let fields: [String] = [
                    String(r.bits), r.padding.name, r.operation.rawValue, String(r.threads), String(r.payloadOctets), s.backend.rawValue,
                    Self.fixed(s.opsPerSecond.median, 1), Self.fixed(s.opsPerSecond.minimum, 1), Self.fixed(s.opsPerSecond.maximum, 1),
                    Self.fixed(s.perCore.median, 1), String(s.opsPerSecond.samples.count),
                    r.ratio.map { Self.fixed($0.median, 4) } ?? "", r.ratio.map { Self.fixed($0.minimum, 4) } ?? "",
                    r.ratio.map { Self.fixed($0.maximum, 4) } ?? "",
                    Self.csvField(machine.cpu), Self.csvField(machine.openSSL), Self.csvField(machine.gmp),
                    r.ratiosToOpenSSL[s.backend].map { Self.fixed($0.median, 4) } ?? "",
                ]
                out += fields.joined(separator: ",") + "\n"
            }
        }
        return out
    }

    // MARK: - Formatting helpers

    static func statsJSON(_ s: BenchStatistics, _ digits: Int) -> String {
        "{\"median\":\(fixed(s.median, digits)),\"min\":\(fixed(s.minimum, digits)),\"max\":\(fixed(s.maximum, digits)),\"samples\":["
            + s.samples.map { fixed($0, digits) }.joined(separator: ",") + "]}"
    }

    static func stringArray(_ values: [String]) -> String {
        "[" + values.map { JSONObjectWriter.quoted($0) }.joined(separator: ",") + "]"
    }

    static func csvField(_ value: String) -> String {
        value.contains(",") || value.contains("\"") ? "\"" + value.replacingAll("\"", with: "\"\"") + "\"" : value
    }

    /// A fixed-point decimal without Foundation.
    static func fixed(_ value: Double, _ digits: Int) -> String {
        guard value.isFinite else { return "0" }
        var scale = 1.0
        for _ in 0..<digits { scale *= 10 }
        let negative = value < 0
        let scaled = (abs(value) * scale).rounded()
        guard scaled < 9e18 else { return String(value) }
        let integer = UInt64(scaled)
        let whole = integer / UInt64(scale)
        var text = String(whole)
        if digits > 0 {
            let frac = String(integer % UInt64(scale))
            text += "." + String(repeating: "0", count: digits - frac.count) + frac
        }
        return negative ? "-" + text : text
    }

    /// ops/s with thousands separators (123,456) or one decimal below 100.
    static func rate(_ value: Double) -> String {
        if value < 100 { return fixed(value, 1) }
        let digits = Array(String(UInt64(value.rounded())))
        var out = ""
        for (i, d) in digits.enumerated() {
            if i > 0 && (digits.count - i) % 3 == 0 { out.append(",") }
            out.append(d)
        }
        return out
    }

    static func align(_ rows: [[String]], rightAligned: [Int]) -> String {
        guard let width = rows.map(\.count).max() else { return "" }
        var widths = [Int](repeating: 0, count: width)
        for row in rows { for (i, cell) in row.enumerated() { widths[i] = max(widths[i], cell.count) } }
        var out = ""
        for (r, row) in rows.enumerated() {
            var line = ""
            for (i, cell) in row.enumerated() {
                let pad = String(repeating: " ", count: widths[i] - cell.count)
                line += (i > 0 ? "  " : "") + (rightAligned.contains(i) ? pad + cell : cell + pad)
            }
            while line.hasSuffix(" ") { line.removeLast() }
            out += line + "\n"
            if r == 0 {
                out += widths.map { String(repeating: "-", count: $0) }.joined(separator: "  ") + "\n"
            }
        }
        return out
    }
}

extension String {
    func replacingAll(_ target: Character, with replacement: String) -> String {
        var out = ""
        for c in self { if c == target { out += replacement } else { out.append(c) } }
        return out
    }
}
