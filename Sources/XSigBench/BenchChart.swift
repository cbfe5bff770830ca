#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import XSignature

/// A hand-written SVG chart of a ``BenchReport``: for each operation, throughput per core against
/// key size (log scale, one line per backend and padding, whiskers from min to max) and, beside
/// it, every backend's ratio to openssl with the 1.0 line.
extension BenchReport {
    public func svg() -> String {
        let operations = configuration.operations.filter { op in cases.contains { $0.operation == op } }
        let threads = configuration.threads.min() ?? 1
        let panelWidth = 560.0, ratioWidth = 380.0, panelHeight = 330.0
        let top = 70.0, gap = 60.0
        let width = 40 + panelWidth + 40 + ratioWidth + 40
        let height = top + Double(operations.count) * (panelHeight + gap) - gap + 20
        var svg = SVGBuilder(width: width, height: height)
        svg.text(x: 20, y: 28, "xsig bench: throughput per core vs RSA key size (e = 65537, \(threads) thread\(threads == 1 ? "" : "s"))",
                 size: 17, weight: "bold")
        svg.text(x: 20, y: 50, "\(machine.cpu), \(machine.cores) cores; \(machine.openSSL); \(machine.gmp); median of \(configuration.samples) interleaved samples, whiskers min-max",
                 size: 12, color: "#555")
        let bits = configuration.bits.sorted()
        let colors: [RSAEncryptor.Backend: String] = [.gmp: "#1f77b4", .openssl: "#d62728", .lanes: "#2ca02c"]
        let paddingColors = ["#1f77b4", "#2ca02c", "#9467bd", "#ff7f0e"]
        for (index, operation) in operations.enumerated() {
            let y0 = top + Double(index) * (panelHeight + gap)
            let selected = cases.filter { $0.operation == operation && $0.threads == threads }
            // Throughput panel.
            let plot = (x: 100.0, y: y0 + 30, w: panelWidth - 80, h: panelHeight - 80)
            let values = selected.flatMap { $0.series.flatMap { [$0.perCore.minimum, $0.perCore.maximum] } }
            guard let lowest = values.min(), let highest = values.max(), lowest > 0 else { continue }
            // Axis ends on the 1-2-5 grid just outside the data.
            let steps = (0..<12).flatMap { e in [1.0, 2.0, 5.0].map { $0 * pow(10, Double(e)) } }
            let lo = steps.last(where: { $0 <= lowest }) ?? 1
            let hi = steps.first(where: { $0 >= highest }) ?? steps.last!
            func yLog(_ v: Double) -> Double {
                plot.y + plot.h - (log10(v) - log10(lo)) / (log10(hi) - log10(lo)) * plot.h
            }
            func xAt(_ b: Int) -> Double {
                let i = bits.firstIndex(of: b) ?? 0
                return bits.count == 1 ? plot.x + plot.w / 2 : plot.x + 20 + Double(i) * (plot.w - 40) / Double(bits.count - 1)
            }
            svg.text(x: plot.x, y: y0 + 16, "\(operation.rawValue): ops/s per core (log scale)", size: 14, weight: "bold")
            svg.rect(x: plot.x, y: plot.y, w: plot.w, h: plot.h, stroke: "#999")
            for tick in steps where tick >= lo && tick <= hi {
                let yy = yLog(tick)
                let major = steps.firstIndex(of: tick)! % 3 == 0
                svg.line(x1: plot.x, y1: yy, x2: plot.x + plot.w, y2: yy, stroke: major ? "#ccc" : "#eee")
                svg.text(x: plot.x - 8, y: yy + 4, Self.rate(tick), size: 11, anchor: "end", color: "#444")
            }
            for b in bits {
                svg.line(x1: xAt(b), y1: plot.y + plot.h, x2: xAt(b), y2: plot.y + plot.h + 5, stroke: "#999")
                svg.text(x: xAt(b), y: plot.y + plot.h + 20, String(b), size: 11, anchor: "middle")
            }
            svg.text(x: plot.x + plot.w / 2, y: plot.y + plot.h + 38, "modulus bits", size: 12, anchor: "middle", color: "#444")
            let entries = Double(configuration.backends.count * configuration.paddings.count)
            var legendY = plot.y + plot.h - 10 - 16 * (entries - 1)
            for backend in configuration.backends {
                for (p, padding) in configuration.paddings.enumerated() {
                    let points = selected.filter { $0.padding == padding }.compactMap { c -> (Double, BenchSeries)? in
                        c.series(backend).map { (xAt(c.bits), $0) }
                    }.sorted { $0.0 < $1.0 }
                    guard !points.isEmpty else { continue }
                    let color = colors[backend] ?? "#333"
                    let dash = p == 0 ? nil : ["6,4", "2,3", "10,3,2,3"][(p - 1) % 3]
                    svg.polyline(points.map { ($0.0, yLog($0.1.perCore.median)) }, stroke: color, width: 2, dash: dash)
                    for (x, s) in points {
                        svg.line(x1: x, y1: yLog(s.perCore.minimum), x2: x, y2: yLog(s.perCore.maximum), stroke: color)
                        svg.circle(x: x, y: yLog(s.perCore.median), r: 3.5, fill: color)
                    }
                    let lx = plot.x + 12
                    svg.line(x1: lx, y1: legendY, x2: lx + 26, y2: legendY, stroke: color, width: 2, dash: dash)
                    svg.text(x: lx + 32, y: legendY + 4, "\(backend.rawValue) \(padding.name)", size: 11)
                    legendY += 16
                }
            }
            // Ratio panel.
            let ratioCases = selected.filter { !$0.ratiosToOpenSSL.isEmpty }
            guard !ratioCases.isEmpty else { continue }
            let ratioBackends = ratioCases[0].ratioBackends(configuration.backends)
            let rp = (x: 40 + panelWidth + 60, y: y0 + 30, w: ratioWidth - 40, h: panelHeight - 80)
            let ratios = ratioCases.flatMap { $0.ratiosToOpenSSL.values.flatMap { [$0.minimum, $0.maximum] } } + [1.0]
            let spread = max(ratios.max()!, 1.2) - min(ratios.min()!, 0.9)
            let step = spread > 0.6 ? 0.1 : 0.05
            let rlo = (min(ratios.min()!, 0.9) / step).rounded(.down) * step
            let rhi = (max(ratios.max()!, 1.2) / step).rounded(.up) * step
            func yR(_ v: Double) -> Double { rp.y + rp.h - (v - rlo) / (rhi - rlo) * rp.h }
            func xR(_ b: Int) -> Double {
                let i = bits.firstIndex(of: b) ?? 0
                return bits.count == 1 ? rp.x + rp.w / 2 : rp.x + 20 + Double(i) * (rp.w - 40) / Double(bits.count - 1)
            }
            svg.text(x: rp.x, y: y0 + 16, "\(operation.rawValue): backend / openssl (sample by sample)", size: 14, weight: "bold")
            svg.rect(x: rp.x, y: rp.y, w: rp.w, h: rp.h, stroke: "#999")
            var i = 0
            while rlo + Double(i) * step <= rhi + 1e-9 {
                let tick = rlo + Double(i) * step
                svg.line(x1: rp.x, y1: yR(tick), x2: rp.x + rp.w, y2: yR(tick), stroke: "#eee")
                svg.text(x: rp.x - 8, y: yR(tick) + 4, Self.fixed(tick, 2), size: 11, anchor: "end", color: "#444")
                i += 1
            }
            // Parity: as fast as openssl.
            svg.line(x1: rp.x, y1: yR(1), x2: rp.x + rp.w, y2: yR(1), stroke: "#000", width: 1.5)
            svg.text(x: rp.x + 4, y: yR(1) - 4, "1.0 = parity", size: 10, color: "#000")
            for b in bits { svg.text(x: xR(b), y: rp.y + rp.h + 20, String(b), size: 11, anchor: "middle") }
            svg.text(x: rp.x + rp.w / 2, y: rp.y + rp.h + 38, "modulus bits", size: 12, anchor: "middle", color: "#444")
            var ly = rp.y + 8
            for backend in ratioBackends {
                for (p, padding) in configuration.paddings.enumerated() {
                    let points = ratioCases.filter { $0.padding == padding }.compactMap { c in
                        c.ratiosToOpenSSL[backend].map { (xR(c.bits) + Double(p) * 6 - 3, $0) }
                    }.sorted { $0.0 < $1.0 }
                    guard !points.isEmpty else { continue }
                    let color = colors[backend] ?? paddingColors[p % paddingColors.count]
                    svg.polyline(points.map { ($0.0, yR($0.1.median)) }, stroke: color, width: 2, dash: p == 0 ? nil : "6,4")
                    for (x, r) in points {
                        svg.line(x1: x, y1: yR(r.minimum), x2: x, y2: yR(r.maximum), stroke: color)
                        svg.circle(x: x, y: yR(r.median), r: 3.5, fill: color)
                    }
                    svg.line(x1: rp.x + rp.w - 130, y1: ly, x2: rp.x + rp.w - 104, y2: ly, stroke: color, width: 2, dash: p == 0 ? nil : "6,4")
                    svg.text(x: rp.x + rp.w - 98, y: ly + 4, "\(backend.rawValue) \(padding.name)", size: 11)
                    ly += 16
                }
            }
        }
        return svg.finish()
    }
}

/// Minimal SVG writer.
struct SVGBuilder {
    private var body = ""
    let width: Double
    let height: Double

    init(width: Double, height: Double) {
        self.width = width
        self.height = height
    }

    private static func n(_ v: Double) -> String { BenchReport.fixed(v, 1) }

    private static func escape(_ s: String) -> String {
        var out = ""
        for c in s {
            switch c {
            case "&": out += "&amp;"
            case "<": out += "&lt;"
            case ">": out += "&gt;"
            case "\"": out += "&quot;"
            default: out.append(c)
            }
        }
        return out
    }

    mutating func text(x: Double, y: Double, _ s: String, size: Double, anchor: String = "start",
                       weight: String = "normal", color: String = "#000") {
        body += "<text x=\"\(Self.n(x))\" y=\"\(Self.n(y))\" font-size=\"\(Self.n(size))\" text-anchor=\"\(anchor)\" font-weight=\"\(weight)\" fill=\"\(color)\">\(Self.escape(s))</text>\n"
    }

    mutating func line(x1: Double, y1: Double, x2: Double, y2: Double, stroke: String, width: Double = 1, dash: String? = nil) {
        body += "<line x1=\"\(Self.n(x1))\" y1=\"\(Self.n(y1))\" x2=\"\(Self.n(x2))\" y2=\"\(Self.n(y2))\" stroke=\"\(stroke)\" stroke-width=\"\(Self.n(width))\"\(dash.map { " stroke-dasharray=\"\($0)\"" } ?? "")/>\n"
    }

    mutating func rect(x: Double, y: Double, w: Double, h: Double, stroke: String) {
        body += "<rect x=\"\(Self.n(x))\" y=\"\(Self.n(y))\" width=\"\(Self.n(w))\" height=\"\(Self.n(h))\" fill=\"none\" stroke=\"\(stroke)\"/>\n"
    }

    mutating func circle(x: Double, y: Double, r: Double, fill: String) {
        body += "<circle cx=\"\(Self.n(x))\" cy=\"\(Self.n(y))\" r=\"\(Self.n(r))\" fill=\"\(fill)\"/>\n"
    }

    mutating func polyline(_ points: [(Double, Double)], stroke: String, width: Double, dash: String?) {
        let list = points.map { "\(Self.n($0.0)),\(Self.n($0.1))" }.joined(separator: " ")
        body += "<polyline points=\"\(list)\" fill=\"none\" stroke=\"\(stroke)\" stroke-width=\"\(Self.n(width))\"\(dash.map { " stroke-dasharray=\"\($0)\"" } ?? "")/>\n"
    }

    func finish() -> String {
        "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
            + "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"\(Self.n(width))\" height=\"\(Self.n(height))\" viewBox=\"0 0 \(Self.n(width)) \(Self.n(height))\" font-family=\"DejaVu Sans, Helvetica, Arial, sans-serif\">\n"
            + "<rect width=\"100%\" height=\"100%\" fill=\"#fff\"/>\n" + body + "</svg>\n"
    }
}
