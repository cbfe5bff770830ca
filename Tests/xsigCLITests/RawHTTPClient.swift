import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// A deliberately dumb HTTP/1.1 client on a plain TCP socket to 127.0.0.1, so that tests can
/// send exactly the bytes they want (malformed requests, slow clients, oversized headers) and
/// read exactly what came back.
struct RawHTTPResponse {
    let status: Int
    let head: String
    let body: String

    /// `error_code` of a JSON error body, if any.
    var errorCode: String? {
        guard let data = body.data(using: .utf8),
              let object = try? JSONSerialization.jsonObject(with: data) as? [String: Any] else { return nil }
        return object["error_code"] as? String
    }

    func header(_ name: String) -> String? {
        for line in head.split(separator: "\r\n").dropFirst() {
            let parts = line.split(separator: ":", maxSplits: 1)
            if parts.count == 2, parts[0].lowercased() == name.lowercased() { return parts[1].trimmingCharacters(in: .whitespaces) }
        }
        return nil
    }
}

/// Used from one thread at a time (the tests hand a connection to one reader).
final class RawHTTPConnection: @unchecked Sendable {
    let fd: Int32

    /// Connects to 127.0.0.1:port; reads time out after `timeout` seconds.
    init(port: Int, timeout: TimeInterval = 15) throws {
        fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        guard fd >= 0 else { throw POSIXError(.EIO) }
        var tv = timeval(tv_sec: Int(timeout), tv_usec: Int((timeout - Double(Int(timeout))) * 1e6))
        setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, socklen_t(MemoryLayout<timeval>.size))
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_port = in_port_t(UInt16(port).bigEndian)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        let result = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { connect(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
        }
        guard result == 0 else {
            close(fd)
            throw POSIXError(.ECONNREFUSED)
        }
    }

    deinit { close(fd) }

    /// Writes all the bytes; false when the peer has closed.
    @discardableResult
    func send(_ bytes: [UInt8]) -> Bool {
        var offset = 0
        while offset < bytes.count {
            let n = bytes.withUnsafeBytes { Glibc.send(fd, $0.baseAddress! + offset, bytes.count - offset, Int32(MSG_NOSIGNAL)) }
            if n <= 0 { return false }
            offset += n
        }
        return true
    }

    @discardableResult
    func send(_ text: String) -> Bool { send(Array(text.utf8)) }

    /// Whether bytes (or the close) are waiting to be read, after at most `milliseconds`.
    func readable(withinMilliseconds milliseconds: Int32 = 0) -> Bool {
        var entry = pollfd(fd: fd, events: Int16(POLLIN), revents: 0)
        return poll(&entry, 1, milliseconds) > 0
    }

    /// Reads until the peer closes (or the read timeout); returns what arrived and whether it closed.
    func readToEnd() -> (bytes: [UInt8], closed: Bool) {
        var all: [UInt8] = []
        var buffer = [UInt8](repeating: 0, count: 65536)
        while true {
            let n = buffer.withUnsafeMutableBytes { recv(fd, $0.baseAddress, $0.count, 0) }
            if n > 0 { all += buffer[0..<n]; continue }
            return (all, n == 0 || errno == ECONNRESET)
        }
    }

    /// Reads one response whose body has a Content-Length (keep-alive use).
    func readResponse() -> RawHTTPResponse? {
        var all: [UInt8] = []
        var buffer = [UInt8](repeating: 0, count: 65536)
        while true {
            if let response = RawHTTPClient.parse(all, requireWhole: true) { return response }
            let n = buffer.withUnsafeMutableBytes { recv(fd, $0.baseAddress, $0.count, 0) }
            if n <= 0 { return nil }
            all += buffer[0..<n]
        }
    }
}

enum RawHTTPClient {
    /// One request with `Connection: close`; the response read to the end.
    static func request(port: Int, method: String = "GET", path: String, headers: [(String, String)] = [],
                        body: String? = nil) throws -> RawHTTPResponse {
        var text = "\(method) \(path) HTTP/1.1\r\nHost: 127.0.0.1:\(port)\r\nConnection: close\r\n"
        for (name, value) in headers { text += "\(name): \(value)\r\n" }
        if let body { text += "Content-Length: \(body.utf8.count)\r\n" }
        text += "\r\n" + (body ?? "")
        return try exchange(port: port, Array(text.utf8))
    }

    /// Sends raw bytes and parses whatever comes back before the close.
    static func exchange(port: Int, _ bytes: [UInt8], timeout: TimeInterval = 15) throws -> RawHTTPResponse {
        let connection = try RawHTTPConnection(port: port, timeout: timeout)
        connection.send(bytes)
        let (received, _) = connection.readToEnd()
        guard let response = parse(received, requireWhole: false) else {
            return RawHTTPResponse(status: 0, head: "", body: String(decoding: received, as: UTF8.self))
        }
        return response
    }

    static func parse(_ bytes: [UInt8], requireWhole: Bool) -> RawHTTPResponse? {
        let separator: [UInt8] = [13, 10, 13, 10]
        guard bytes.count >= 4, let end = (0...(bytes.count - 4)).first(where: { Array(bytes[$0..<$0 + 4]) == separator }) else { return nil }
        let head = String(decoding: bytes[..<end], as: UTF8.self)
        let statusText = head.split(separator: " ").dropFirst().first.map(String.init) ?? ""
        var body = Array(bytes[(end + 4)...])
        let probe = RawHTTPResponse(status: Int(statusText) ?? 0, head: head, body: "")
        if let length = probe.header("Content-Length").flatMap({ Int($0) }) {
            if requireWhole && body.count < length { return nil }
            body = Array(body.prefix(length))
        }
        return RawHTTPResponse(status: probe.status, head: head, body: String(decoding: body, as: UTF8.self))
    }
}
