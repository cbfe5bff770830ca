import NIOCore
import NIOHTTP1

/// Answers what NIOHTTP1's decoder refuses: 431 when the request line and headers pass the
/// header limit (`HTTPParserError.headerOverflow`), 400 for anything else malformed; then the
/// connection is closed. Other connections are not affected. (NIOHTTP1's own
/// `HTTPServerProtocolErrorHandler` answers 400 to everything, with no body.)
final class ProtocolErrorHandler: ChannelDuplexHandler, RemovableChannelHandler {
    typealias InboundIn = HTTPServerRequestPart
    typealias InboundOut = HTTPServerRequestPart
    typealias OutboundIn = HTTPServerResponsePart
    typealias OutboundOut = HTTPServerResponsePart

    private var responseInProgress = false
    /// Answer once: the decoder may report its error again for bytes already buffered, and a
    /// connection that is closing after a refusal (413, 408) reports the cut-off body at EOF.
    private var answered = false
    private let stats: ServerStats

    init(stats: ServerStats) { self.stats = stats }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        context.fireChannelRead(data)
    }

    func errorCaught(context: ChannelHandlerContext, error: Error) {
        guard let parserError = error as? HTTPParserError else {
            context.fireErrorCaught(error)
            return
        }
        guard !answered else { return }
        answered = true
        let response: HTTPResponse = parserError == .headerOverflow
            ? .error(.requestHeaderFieldsTooLarge, code: "header_too_large", message: "request line and headers are over the server's limit")
            : .error(.badRequest, code: "bad_request", message: "malformed HTTP request")
        stats.recordProtocolError(status: response.status.code)
        if !responseInProgress {
            var headers = response.headers
            headers.replaceOrAdd(name: "Connection", value: "close")
            headers.replaceOrAdd(name: "Content-Length", value: String(response.body.count))
            context.write(wrapOutboundOut(.head(HTTPResponseHead(version: .http1_1, status: response.status, headers: headers))), promise: nil)
            context.write(wrapOutboundOut(.body(.byteBuffer(ByteBuffer(bytes: response.body)))), promise: nil)
            context.writeAndFlush(wrapOutboundOut(.end(nil)), promise: nil)
        }
        context.close(promise: nil)
    }

    func write(context: ChannelHandlerContext, data: NIOAny, promise: EventLoopPromise<Void>?) {
        switch unwrapOutboundIn(data) {
        case .head(let head) where head.status.code >= 200:
            responseInProgress = true
            if head.headers[canonicalForm: "connection"].contains(where: { $0.lowercased() == "close" }) { answered = true }
        case .end: responseInProgress = false
        default: break
        }
        context.write(data, promise: promise)
    }
}
