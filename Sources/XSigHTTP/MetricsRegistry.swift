import NIOConcurrencyHelpers

/// Counters, gauges and histograms rendered in the Prometheus text exposition format (version
/// 0.0.4). Thread-safe; each update takes one lock for a few dictionary operations. Families
/// must be described before use; label values are escaped, label sets come from code (routes,
/// status codes, error codes), never from request data, so cardinality stays bounded.
public final class MetricsRegistry: Sendable {
    public enum Kind: String, Sendable { case counter, gauge, histogram }

    struct Histogram {
        var buckets: [UInt64]
        var sum = 0.0
        var count: UInt64 = 0
    }

    struct Family {
        let name: String
        let help: String
        let kind: Kind
        let bounds: [Double]
        var values: [String: Double] = [:]
        var histograms: [String: Histogram] = [:]
    }

    private let state = NIOLockedValueBox<(order: [String], families: [String: Family])>(([], [:]))

    public init() {}

    /// Latency buckets in seconds, 0.5 ms to 10 s.
    public static let latencyBuckets: [Double] = [0.0005, 0.001, 0.002, 0.005, 0.01, 0.02, 0.05, 0.1, 0.2, 0.5, 1, 2, 5, 10]

    public func describe(_ name: String, _ kind: Kind, help: String, buckets: [Double] = MetricsRegistry.latencyBuckets) {
        state.withLockedValue { state in
            guard state.families[name] == nil else { return }
            state.order.append(name)
            state.families[name] = Family(name: name, help: help, kind: kind, bounds: kind == .histogram ? buckets : [])
        }
    }

    /// Adds to a counter (or gauge).
    public func increment(_ name: String, _ labels: [(String, String)] = [], by amount: Double = 1) {
        let key = Self.labelText(labels)
        state.withLockedValue { state in state.families[name]?.values[key, default: 0] += amount }
    }

    public func set(_ name: String, _ labels: [(String, String)] = [], to value: Double) {
        let key = Self.labelText(labels)
        state.withLockedValue { state in state.families[name]?.values[key] = value }
    }

    public func observe(_ name: String, _ labels: [(String, String)] = [], _ value: Double) {
        let key = Self.labelText(labels)
        state.withLockedValue { state in
            guard let bounds = state.families[name]?.bounds else { return }
            var histogram = state.families[name]!.histograms[key] ?? Histogram(buckets: Array(repeating: 0, count: bounds.count))
            if let index = bounds.firstIndex(where: { value <= $0 }) { histogram.buckets[index] += 1 }
            histogram.sum += value
            histogram.count += 1
            state.families[name]!.histograms[key] = histogram
        }
    }

    /// The current value of a counter or gauge series (tests and summaries).
    public func value(_ name: String, _ labels: [(String, String)] = []) -> Double {
        let key = Self.labelText(labels)
        return state.withLockedValue { $0.families[name]?.values[key] ?? 0 }
    }

    /// The sum over all series of a counter family, optionally filtered by a predicate on the label text.
    public func total(_ name: String, where include: (String) -> Bool = { _ in true }) -> Double {
        state.withLockedValue { state in
            (state.families[name]?.values ?? [:]).filter { include($0.key) }.values.reduce(0, +)
        }
    }

    public func render() -> String {
        let (order, families) = state.withLockedValue { ($0.order, $0.families) }
        var out = ""
        for name in order {
            guard let family = families[name] else { continue }
            out += "# HELP \(name) \(family.help)\n# TYPE \(name) \(family.kind.rawValue)\n"
            if family.kind == .histogram {
                for key in family.histograms.keys.sorted() {
                    let histogram = family.histograms[key]!
                    var cumulative: UInt64 = 0
                    for (bound, count) in zip(family.bounds, histogram.buckets) {
                        cumulative += count
                        out += "\(name)_bucket\(Self.join(key, "le=\"\(Self.number(bound))\"")) \(cumulative)\n"
                    }
                    out += "\(name)_bucket\(Self.join(key, "le=\"+Inf\"")) \(histogram.count)\n"
                    out += "\(name)_sum\(Self.join(key, nil)) \(Self.number(histogram.sum))\n"
                    out += "\(name)_count\(Self.join(key, nil)) \(histogram.count)\n"
                }
            } else {
                if family.values.isEmpty && family.kind == .gauge { out += "\(name) 0\n" }
                for key in family.values.keys.sorted() {
                    out += "\(name)\(Self.join(key, nil)) \(Self.number(family.values[key]!))\n"
                }
            }
        }
        return out
    }

    // MARK: - Text format

    static func labelText(_ labels: [(String, String)]) -> String {
        labels.map { "\($0.0)=\"\(escape($0.1))\"" }.joined(separator: ",")
    }

    static func join(_ key: String, _ extra: String?) -> String {
        let parts = [key, extra ?? ""].filter { !$0.isEmpty }
        return parts.isEmpty ? "" : "{" + parts.joined(separator: ",") + "}"
    }

    static func escape(_ value: String) -> String {
        var out = ""
        for c in value {
            switch c {
            case "\\": out += "\\\\"
            case "\"": out += "\\\""
            case "\n": out += "\\n"
            default: out.append(c)
            }
        }
        return out
    }

    static func number(_ value: Double) -> String {
        if value == value.rounded(), abs(value) < 1e15 { return String(Int64(value)) }
        return String(value)
    }
}
