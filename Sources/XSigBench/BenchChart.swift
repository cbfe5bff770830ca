#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import XSignature

/// The bench chart answers one question: how many signatures per second does one core give at
/// each key size, and so what does a load test cost. One panel per operation and thread count;
/// in every panel the same encoding, so panels compare at a glance:
///
/// - colour = engine (gmp blue, openssl red, lanes green), line style and marker = padding (in the
///   order of `--padding`: solid circle, dashed square, dotted triangle, dash-dot diamond);
/// - left axis: signatures/s per core (log scale, median, whiskers min-max);
/// - right axis, the same scale read as sizing: the time 10^6 signatures take on one core and the
///   cores a load generator needs for 10,000 signatures/s (both are 10^6 / rate and 10^4 / rate);
///   the 10,000/s line is drawn across the panel;
/// - a run of one key size (or few points) gets the value written beside each marker.
extension BenchReport {
    static let engineColours: [RSAEncryptor.Backend: String] = [.gmp: "#1f5fa8", .openssl: "#c62828", .lanes: "#2e7d32"]
    static let dashes: [String?] = [nil, "7,4", "2,3", "10,3,2,3"]

    public func svg() -> String {
        let bits = configuration.bits.sorted()
        let paddings = configuration.paddings
        let panels: [(operation: BenchOperation, threads: Int)] = configuration.operations.flatMap { op in
            configuration.threads.sorted().compactMap { t in cases.contains { $0.operation == op && $0.threads == t } ? (op, t) : nil }
        }
        let columns = min(2, max(1, panels.count))
        // One panel takes the full width, so that the header and legend always fit.
        let panelWidth = columns == 1 ? 1230.0 : 600.0, panelHeight = 420.0, margin = 30.0, top = 150.0
        let width = margin + Double(columns) * (panelWidth + margin)
        let rows = (panels.count + columns - 1) / columns
        let height = top + Double(max(rows, 1)) * (panelHeight + margin) + 10
        var svg = SVGBuilder(width: width, height: height)

        svg.text(x: margin, y: 32, "Signatures per second per core by RSA key size (xsig bench, e = 65537)", size: 19, weight: "bold")
        svg.text(x: margin, y: 54, "\(machine.cpu), \(machine.cores) cores; \(machine.openSSL); \(machine.gmp); lanes kernel: \(machine.lanesKernel)",
                 size: 12, color: "#444")
        svg.text(x: margin, y: 72, "Median of \(configuration.samples) interleaved samples, whiskers min-max; per core = ops/s of the run divided by its threads. "
                 + "Right axis: the same scale read as sizing.", size: 12, color: "#444")
        // The shared legend: one encoding for every panel.
        var lx = margin
        svg.text(x: lx, y: 104, "colour = engine:", size: 13, weight: "bold")
        lx += 136
        for backend in configuration.backends {
            let colour = Self.engineColours[backend] ?? "#333"
            svg.filledRect(x: lx, y: 94, w: 22, h: 12, fill: colour)
            svg.text(x: lx + 28, y: 104, backend.rawValue, size: 13)
            lx += 40 + Double(backend.rawValue.count) * 8
        }
        lx += 20
        svg.text(x: lx, y: 104, "line and marker = padding:", size: 13, weight: "bold")
        lx += 214
        for (p, padding) in paddings.enumerated() {
            svg.line(x1: lx, y1: 100, x2: lx + 34, y2: 100, stroke: "#333", width: 2, dash: Self.dashes[p % Self.dashes.count])
            Self.marker(&svg, p, x: lx + 17, y: 100, colour: "#333")
            svg.text(x: lx + 40, y: 104, padding.name, size: 13)
            lx += 56 + Double(padding.name.count) * 8
        }
        svg.text(x: margin, y: 128, "Reading it: 10^6 tokens on one core take 10^6 / rate seconds; 10,000 signatures/s need 10,000 / rate cores (above the grey line, one core is enough).",
                 size: 12, color: "#444")

        for (index, panel) in panels.enumerated() {
            let px = margin + Double(index % columns) * (panelWidth + margin)
            let py = top + Double(index / columns) * (panelHeight + margin)
            drawPanel(&svg, operation: panel.operation, threads: panel.threads, bits: bits,
                      frame: (px, py, panelWidth, panelHeight))
        }
        return svg.finish()
    }

    private func drawPanel(_ svg: inout SVGBuilder, operation: BenchOperation, threads: Int, bits: [Int],
                           frame: (x: Double, y: Double, w: Double, h: Double)) {
        let selected = cases.filter { $0.operation == operation && $0.threads == threads }
        let plot = (x: frame.x + 78, y: frame.y + 34, w: frame.w - 78 - 128, h: frame.h - 34 - 56)
        let what = operation == .signPayload ? "sign-payload (one X-signature header)" : operation.rawValue
        svg.text(x: frame.x, y: frame.y + 16, "\(what), \(threads) thread\(threads == 1 ? "" : "s")\(threads > 1 ? " (per core = total / \(threads))" : "")",
                 size: 15, weight: "bold")
        let values = selected.flatMap { $0.series.flatMap { [$0.perCore.minimum, $0.perCore.maximum] } }.filter { $0 > 0 }
        guard let lowest = values.min(), let highest = values.max() else {
            svg.text(x: plot.x, y: plot.y + 40, "no measurements", size: 13, color: "#888")
            return
        }
        // Axis ends on the 1-2-5 grid just outside the data, at least one step either side.
        let steps = (0..<12).flatMap { e in [1.0, 2.0, 5.0].map { $0 * pow(10, Double(e)) } }
        let hi = steps.first(where: { $0 > highest * 1.03 }) ?? steps.last!
        // At least a decade, so that a run of one size or of close values still has a readable scale.
        let lo = steps.last(where: { $0 < lowest * 0.97 && $0 <= hi / 10 }) ?? 1
        func y(_ v: Double) -> Double { plot.y + plot.h - (log10(v) - log10(lo)) / (log10(hi) - log10(lo)) * plot.h }
        let series = configuration.backends.flatMap { b in configuration.paddings.indices.map { (backend: b, padding: $0) } }
        let spread = bits.count == 1 ? 14.0 : 6.0
        let singleSize = bits.count == 1
        // One size: the markers stand left of centre and their values are written in a column to the right.
        func centre(_ b: Int) -> Double {
            let i = Double(bits.firstIndex(of: b) ?? 0)
            return singleSize ? plot.x + plot.w * 0.3 : plot.x + 36 + i * (plot.w - 72) / Double(bits.count - 1)
        }
        func x(_ b: Int, _ s: Int) -> Double { centre(b) + (Double(s) - Double(series.count - 1) / 2) * spread }

        svg.rect(x: plot.x, y: plot.y, w: plot.w, h: plot.h, stroke: "#999")
        for tick in steps where tick >= lo && tick <= hi {
            let major = steps.firstIndex(of: tick)! % 3 == 0
            svg.line(x1: plot.x, y1: y(tick), x2: plot.x + plot.w, y2: y(tick), stroke: major ? "#d0d0d0" : "#eeeeee")
            svg.text(x: plot.x - 8, y: y(tick) + 4, Self.rate(tick), size: 11, anchor: "end", color: "#333")
            svg.text(x: plot.x + plot.w + 8, y: y(tick) + 4, "\(Self.duration(1e6 / tick)) \u{b7} \(Self.cores(1e4 / tick))", size: 11, color: "#333")
        }
        if lo <= 1e4 && 1e4 <= hi {
            svg.line(x1: plot.x, y1: y(1e4), x2: plot.x + plot.w, y2: y(1e4), stroke: "#777", width: 2, dash: "4,3")
            svg.text(x: plot.x + plot.w - 6, y: y(1e4) - 5, "10,000/s on one core", size: 11, anchor: "end", color: "#555")
        }
        svg.raw("<text transform=\"translate(\(SVGBuilder.number(frame.x + 16)),\(SVGBuilder.number(plot.y + plot.h / 2))) rotate(-90)\" font-size=\"12\" text-anchor=\"middle\" fill=\"#333\">signatures/s per core (log scale)</text>")
        svg.raw("<text transform=\"translate(\(SVGBuilder.number(frame.x + frame.w - 6)),\(SVGBuilder.number(plot.y + plot.h / 2))) rotate(90)\" font-size=\"12\" text-anchor=\"middle\" fill=\"#333\">10^6 signatures on one core \u{b7} cores for 10,000/s</text>")
        for b in bits {
            let cx = centre(b)
            svg.line(x1: cx, y1: plot.y + plot.h, x2: cx, y2: plot.y + plot.h + 5, stroke: "#999")
            svg.text(x: cx, y: plot.y + plot.h + 20, String(b), size: 12, anchor: "middle")
        }
        svg.text(x: plot.x + plot.w / 2, y: plot.y + plot.h + 40, "RSA modulus bits", size: 12, anchor: "middle", color: "#333")

        var labels: [(y: Double, text: String, colour: String, markerX: Double)] = []
        for (s, item) in series.enumerated() {
            let padding = configuration.paddings[item.padding]
            let colour = Self.engineColours[item.backend] ?? "#333"
            let points = selected.filter { $0.padding == padding }.compactMap { c -> (Double, BenchSeries)? in
                c.series(item.backend).map { (x(c.bits, s), $0) }
            }.sorted { $0.0 < $1.0 }
            guard !points.isEmpty else { continue }
            if points.count > 1 {
                svg.polyline(points.map { ($0.0, y($0.1.perCore.median)) }, stroke: colour, width: 2, dash: Self.dashes[item.padding % Self.dashes.count])
            }
            for (px, result) in points {
                svg.line(x1: px, y1: y(result.perCore.minimum), x2: px, y2: y(result.perCore.maximum), stroke: colour, width: 1.2)
                Self.marker(&svg, item.padding, x: px, y: y(result.perCore.median), colour: colour)
                if singleSize {
                    labels.append((y(result.perCore.median), "\(item.backend.rawValue) \(padding.name): \(Self.rate(result.perCore.median))/s, "
                                   + "10^6 in \(Self.duration(1e6 / result.perCore.median))", colour, px))
                }
            }
        }
        // The value column of a one-size run: in marker order from the top, at least 15 px apart, each joined to its marker.
        let column = plot.x + plot.w * 0.3 + Double(series.count) * spread / 2 + 24
        var lastY = -Double.infinity
        for label in labels.sorted(by: { $0.y < $1.y }) {
            let ly = max(label.y, lastY + 15)
            lastY = ly
            svg.line(x1: label.markerX + 6, y1: label.y, x2: column - 4, y2: ly, stroke: label.colour, width: 0.8)
            svg.text(x: column, y: ly + 4, label.text, size: 11, color: label.colour)
        }
    }

    /// Marker `index` (circle, square, triangle, diamond) centred on (x, y).
    static func marker(_ svg: inout SVGBuilder, _ index: Int, x: Double, y: Double, colour: String) {
        let r = 4.5
        switch index % 4 {
        case 0: svg.circle(x: x, y: y, r: r, fill: colour)
        case 1: svg.filledRect(x: x - r, y: y - r, w: 2 * r, h: 2 * r, fill: colour)
        case 2: svg.polygon([(x, y - r - 1), (x + r + 1, y + r), (x - r - 1, y + r)], fill: colour)
        default: svg.polygon([(x, y - r - 1), (x + r + 1, y), (x, y + r + 1), (x - r - 1, y)], fill: colour)
        }
    }

    /// 0.42 s, 4.2 s, 42 s, 7 min, 2.0 h.
    static func duration(_ seconds: Double) -> String {
        if seconds < 1 { return fixed(seconds, 2) + " s" }
        if seconds < 10 { return fixed(seconds, 1) + " s" }
        if seconds < 600 { return fixed(seconds, 0) + " s" }
        if seconds < 7200 { return fixed(seconds / 60, 0) + " min" }
        return fixed(seconds / 3600, 1) + " h"
    }

    /// 0.05 cores, 0.5 cores, 1 core, 20 cores.
    static func cores(_ count: Double) -> String {
        if count < 1 { return fixed(count, count < 0.1 ? 3 : 2) + " cores" }
        if count < 1.005 { return "1 core" }
        return fixed(count, count < 10 ? 1 : 0) + " cores"
    }
}
