/// The one error type of the xsig libraries: a stable code plus a one-line message that names
/// what is wrong, with numbers where there are numbers. Messages never contain secret material
/// (private key members, session tokens).
public struct XSigError: Error, Hashable, Sendable, CustomStringConvertible {
    public struct Code: Hashable, Sendable, CustomStringConvertible {
        private enum Base: String, Hashable, Sendable {
            case invalidKey, unsupportedKey, privateKeyGiven, weakKey, messageTooLong, keyTooSmallForPadding
            case invalidPadding, invalidArgument, invalidInput, decryptionError, openSSL, io
        }
        private let base: Base
        private init(_ base: Base) { self.base = base }

        /// Malformed key material (truncated PEM, bad DER, even modulus, bad exponent...).
        public static let invalidKey = Code(.invalidKey)
        /// Well-formed but not an RSA key (EC, Ed25519, ...), or a form xsig does not read.
        public static let unsupportedKey = Code(.unsupportedKey)
        /// A private key where a public key was expected.
        public static let privateKeyGiven = Code(.privateKeyGiven)
        /// A modulus under the minimum size without the explicit opt-in.
        public static let weakKey = Code(.weakKey)
        public static let messageTooLong = Code(.messageTooLong)
        public static let keyTooSmallForPadding = Code(.keyTooSmallForPadding)
        public static let invalidPadding = Code(.invalidPadding)
        public static let invalidArgument = Code(.invalidArgument)
        /// A malformed record or document (server-time JSON, batch line, payload).
        public static let invalidInput = Code(.invalidInput)
        /// The one generic answer for any RSA decryption failure (RFC 8017 7.1.2 note).
        public static let decryptionError = Code(.decryptionError)
        public static let openSSL = Code(.openSSL)
        public static let io = Code(.io)

        public var description: String { base.rawValue }
    }

    public let code: Code
    public let message: String

    public init(_ code: Code, _ message: String) {
        self.code = code
        self.message = message
    }

    public var description: String { message }

    /// The same error with a leading context such as the input's name ("--key k.pem: ...").
    public func prefixed(_ context: String) -> XSigError {
        XSigError(code, "\(context): \(message)")
    }
}
