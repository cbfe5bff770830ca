/// A check's refusal: the code and a message safe to show the client.
public struct MockRejection: Error, Sendable, Hashable {
    public let code: MockErrorCode
    public let message: String

    public init(_ code: MockErrorCode, _ message: String) {
        self.code = code
        self.message = message
    }
}
