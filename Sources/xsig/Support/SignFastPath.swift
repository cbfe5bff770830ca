import XSignature

/// `xsig sign` without swift-argument-parser's set-up, which is most of the process's start-up:
/// building the command tree and every option group by reflection costs more than the RSA
/// operation itself (docs/startup.md). A command line made only of sign's own options, each once,
/// as `--name value` or `--name=value`, becomes a ``SignRequest`` here (plain values: no property
/// wrapper, no dictionary, nothing that makes the runtime look up generic metadata), meets the
/// checks the parser would run (``SignRequest/validate()``) and runs the same ``SignRequest/run()``
/// as `SignCommand`. Anything else (help, version, completion requests, a short or unknown flag,
/// a repeated option, a missing or dash-led value, a value of the wrong type, a failed check)
/// returns nil and goes through the parser, which owns every usage message. `SignFastPathTests`
/// checks that both build the same request.

enum SignFastPath {
    /// sign's options: true when one takes a value, false for a flag, nil when sign has no such option.
    static func takesValue(_ name: String) -> Bool? {
        guard let slot = slot(name) else { return nil }
        return slot != flagSlot
    }

    /// Every name ``takesValue(_:)`` knows, for the test that compares them with the parser's.
    static let names = ["--key", "--session-token", "--session-token-file", "--timestamp", "--server-time", "--nonce",
                        "--padding", "--seed", "--index", "--backend", "--output", "--allow-weak-key"]

    /// The position of `name` in ``names``; the last one is the only flag.
    private static func slot(_ name: String) -> Int? {
        switch name {
        case "--key": return 0
        case "--session-token": return 1
        case "--session-token-file": return 2
        case "--timestamp": return 3
        case "--server-time": return 4
        case "--nonce": return 5
        case "--padding": return 6
        case "--seed": return 7
        case "--index": return 8
        case "--backend": return 9
        case "--output": return 10
        case "--allow-weak-key": return flagSlot
        default: return nil
        }
    }

    private static let flagSlot = 11

    /// The request for `arguments` (without the program name), or nil for the parser.
    static func request(_ arguments: [String]) -> SignRequest? {
        guard arguments.first == "sign" else { return nil }
        var values = [String?](repeating: nil, count: flagSlot + 1)
        var i = 1
        while i < arguments.count {
            let argument = arguments[i]
            i += 1
            var name = argument
            var value: String?
            if argument.hasPrefix("--"), let equals = argument.firstIndex(of: "=") {
                name = String(argument[..<equals])
                value = String(argument[argument.index(after: equals)...])
                // `--seed=` with nothing after it: the parser reports a missing value.
                if value!.isEmpty { return nil }
            }
            guard let slot = slot(name), values[slot] == nil else { return nil }
            let takesValue = slot != flagSlot
            if takesValue, value == nil {
                guard i < arguments.count, arguments[i] == "-" || !arguments[i].hasPrefix("-") else { return nil }
                value = arguments[i]
                i += 1
            } else if !takesValue, value != nil {
                return nil
            }
            values[slot] = value ?? ""
        }
        guard let key = values[0] else { return nil }
        var request = SignRequest(key: key)
        request.allowWeakKey = values[flagSlot] != nil
        request.sessionToken = values[1]
        request.sessionTokenFile = values[2]
        request.timestamp = values[3]
        request.serverTime = values[4]
        request.nonce = values[5]
        if let padding = values[6] { request.padding = padding }
        request.seed = values[7]
        // Each conversion is the parser's for that type: UInt64's init from text, the enums' raw values.
        if let index = values[8] {
            guard let value = UInt64(index) else { return nil }
            request.index = value
        }
        if let backend = values[9] {
            guard let value = RSAEncryptor.Backend(rawValue: backend) else { return nil }
            request.backend = value
        }
        if let output = values[10] {
            guard let value = SignCommand.SignOutput(rawValue: output) else { return nil }
            request.output = value
        }
        do { try request.validate() } catch { return nil }
        return request
    }
}
