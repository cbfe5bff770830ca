import ArgumentParser
import XSignature

/// `xsig sign` without swift-argument-parser's set-up, which is most of the process's start-up:
/// building the command tree and every option group by reflection costs more than the RSA
/// operation itself (docs/startup.md). A command line made only of sign's own options, each once,
/// as `--name value` or `--name=value`, becomes a `SignCommand` here, set field by field with the
/// defaults the declarations use, then meets the same `validate()` checks and runs the same
/// `run()`. Anything else (help, version, completion requests, a short or unknown flag, a repeated
/// option, a missing or dash-led value, a value of the wrong type, a failed check) returns nil and
/// goes through the parser, which owns every usage message. `SignFastPathTests` checks that both
/// build the same command.
enum SignFastPath {
    /// sign's options: true when one takes a value, false for a flag, nil when sign has no such option.
    static func takesValue(_ name: String) -> Bool? {
        switch name {
        case "--key", "--session-token", "--session-token-file", "--timestamp", "--server-time", "--nonce",
             "--padding", "--seed", "--index", "--backend", "--output":
            return true
        case "--allow-weak-key":
            return false
        default:
            return nil
        }
    }

    /// Every name ``takesValue(_:)`` knows, for the test that compares them with the parser's.
    static let names = ["--key", "--session-token", "--session-token-file", "--timestamp", "--server-time", "--nonce",
                        "--padding", "--seed", "--index", "--backend", "--output", "--allow-weak-key"]

    /// The command for `arguments` (without the program name), or nil for the parser.
    static func command(_ arguments: [String]) -> SignCommand? {
        guard arguments.first == "sign" else { return nil }
        var values: [String: String] = [:]
        var rest = arguments.dropFirst()
        while let argument = rest.popFirst() {
            var name = argument
            var value: String?
            if argument.hasPrefix("--"), let equals = argument.firstIndex(of: "=") {
                name = String(argument[..<equals])
                value = String(argument[argument.index(after: equals)...])
            }
            guard let takesValue = takesValue(name), values[name] == nil else { return nil }
            if takesValue, value == nil {
                guard let next = rest.popFirst(), next == "-" || !next.hasPrefix("-") else { return nil }
                value = next
            } else if !takesValue, value != nil {
                return nil
            }
            values[name] = value ?? ""
        }
        guard let key = values["--key"] else { return nil }

        var weakKey = WeakKeyOption()
        weakKey.allowWeakKey = values["--allow-weak-key"] != nil
        var keyOptions = PublicKeyOptions()
        keyOptions.key = key
        keyOptions.weakKey = weakKey

        var token = SessionTokenOptions()
        token.sessionToken = values["--session-token"]
        token.sessionTokenFile = values["--session-token-file"]
        var payload = PayloadOptions()
        payload.token = token
        payload.timestamp = values["--timestamp"]
        payload.serverTime = values["--server-time"]
        payload.nonce = values["--nonce"]
        payload.padding = values["--padding"] ?? PayloadOptions.defaultPadding

        var seed = SeedOptions()
        seed.seed = values["--seed"]
        guard let index = argument(values["--index"], as: UInt64.self),
              let backend = argument(values["--backend"], as: RSAEncryptor.Backend.self),
              let output = argument(values["--output"], as: SignCommand.SignOutput.self) else { return nil }
        seed.index = index

        var command = SignCommand()
        command.keyOptions = keyOptions
        command.payloadOptions = payload
        command.seedOptions = seed
        command.backend = backend ?? SignCommand.defaultBackend
        command.output = output ?? SignCommand.defaultOutput

        // The parser validates every option group, then the command.
        do {
            try weakKey.validate()
            try keyOptions.validate()
            try token.validate()
            try payload.validate()
            try seed.validate()
            try command.validate()
        } catch {
            return nil
        }
        return command
    }

    /// .some(nil) when absent, .some(value) when it converts as the parser would, nil when not.
    private static func argument<T: ExpressibleByArgument>(_ text: String?, as type: T.Type) -> T?? {
        guard let text else { return .some(nil) }
        guard let value = T(argument: text) else { return nil }
        return .some(value)
    }
}
