#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import XSignature

/// Splits a byte stream into lines with bounded memory: one buffer that grows to the longest
/// line, capped at ``maximumLineBytes``. Lines end at LF; a CR before the LF is dropped (CRLF
/// files); a UTF-8 byte-order mark at the very start is dropped. Nothing after the last LF is
/// a line only if it is non-empty, so "a\n" is one line, and "a\n\n" is two (the second empty).
public final class LineReader {
    /// One line, valid until the next call to ``next()``.
    public struct Line {
        /// The bytes without the terminator (empty when ``overlong``).
        public let bytes: UnsafeRawBufferPointer
        /// 1-based line number.
        public let number: Int
        /// The line was longer than the cap; its bytes were discarded.
        public let overlong: Bool
        /// The terminator was CRLF (the CR is not in ``bytes``): a quoted CSV field that runs
        /// over the line break keeps the break as written.
        public let endsWithCarriageReturn: Bool
    }

    /// A line longer than this is reported as overlong instead of being held in memory.
    public let maximumLineBytes: Int
    /// Bytes handed out so far, terminators included (for progress).
    public private(set) var bytesConsumed: UInt64 = 0
    /// The number of the last line returned.
    public private(set) var lineNumber = 0

    private var source: any BatchByteSource
    private var storage: UnsafeMutableRawPointer
    private var capacity: Int
    private var start = 0
    private var end = 0
    private var atEnd = false
    private var atStart = true
    private var pushedBack: (range: Range<Int>, overlong: Bool, consumed: Int)?
    private var last: (range: Range<Int>, overlong: Bool, consumed: Int) = (0..<0, false, 0)

    public init(source: any BatchByteSource, maximumLineBytes: Int = 1 << 20, initialBuffer: Int = 1 << 16) {
        self.source = source
        self.maximumLineBytes = maximumLineBytes
        self.capacity = max(16, min(initialBuffer, maximumLineBytes + 2))
        self.storage = UnsafeMutableRawPointer.allocate(byteCount: capacity, alignment: 16)
    }

    deinit { storage.deallocate() }

    /// Makes the next ``next()`` return the line just returned again (one step only): format
    /// detection peeks at the first line and then lets the real parser read it.
    public func pushBack() {
        precondition(pushedBack == nil && lineNumber > 0, "pushBack needs a line just read")
        pushedBack = last
        lineNumber -= 1
        bytesConsumed -= UInt64(last.consumed)
    }

    /// The next line, or nil at the end of input.
    public func next() throws -> Line? {
        if let again = pushedBack {
            pushedBack = nil
            return deliver(again.range, overlong: again.overlong, consumed: again.consumed)
        }
        var scanned = 0
        var discarded = 0
        while true {
            if atStart, end - start >= 3 || atEnd {
                atStart = false
                let s = storage.assumingMemoryBound(to: UInt8.self)
                if end - start >= 3, s[start] == 0xEF, s[start + 1] == 0xBB, s[start + 2] == 0xBF {
                    start += 3
                    bytesConsumed += 3
                }
            }
            if !atStart, let newline = findNewline(from: start + scanned) {
                var lineEnd = newline
                let consumed = newline + 1 - start + discarded
                if discarded == 0, lineEnd > start, storage.load(fromByteOffset: lineEnd - 1, as: UInt8.self) == 0x0D { lineEnd -= 1 }
                let range = start..<lineEnd
                start = newline + 1
                return deliver(discarded > 0 ? start..<start : range, overlong: discarded > 0, consumed: consumed)
            }
            // Bytes held back for the BOM check have not been searched yet.
            scanned = atStart ? 0 : end - start
            if atEnd {
                guard start < end || discarded > 0 else { return nil }
                var lineEnd = end
                if discarded == 0, storage.load(fromByteOffset: lineEnd - 1, as: UInt8.self) == 0x0D { lineEnd -= 1 }
                let range = start..<lineEnd
                let consumed = end - start + discarded
                start = end
                return deliver(discarded > 0 ? end..<end : range, overlong: discarded > 0, consumed: consumed)
            }
            // Make room: slide the partial line to the front, grow, or give up on holding it.
            if start > 0 {
                if end > start { storage.copyMemory(from: storage + start, byteCount: end - start) }
                end -= start
                start = 0
            }
            if end == capacity {
                if capacity < maximumLineBytes + 2 {
                    let grown = min(capacity * 2, maximumLineBytes + 2)
                    let bigger = UnsafeMutableRawPointer.allocate(byteCount: grown, alignment: 16)
                    bigger.copyMemory(from: storage, byteCount: end)
                    storage.deallocate()
                    storage = bigger
                    capacity = grown
                } else {
                    discarded += end
                    end = 0
                    scanned = 0
                }
            }
            let n = try source.read(into: UnsafeMutableRawBufferPointer(start: storage + end, count: capacity - end))
            if n == 0 { atEnd = true } else { end += n }
        }
    }

    /// True when ``next()`` returns without waiting: a line (or the end) is already buffered, or
    /// the source has bytes ready. Only a pipe or terminal that is quiet makes this false.
    public var hasLineReady: Bool {
        pushedBack != nil || atEnd || findNewline(from: start) != nil || source.hasInputReady()
    }

    private func deliver(_ range: Range<Int>, overlong: Bool, consumed: Int) -> Line {
        last = (range, overlong, consumed)
        lineNumber += 1
        bytesConsumed += UInt64(consumed)
        // Consumed octets past the line's own are its terminator: LF (1) or CRLF (2).
        let crlf = !overlong && consumed - range.count == 2
        return Line(bytes: UnsafeRawBufferPointer(start: storage + range.lowerBound, count: range.count),
                    number: lineNumber, overlong: overlong, endsWithCarriageReturn: crlf)
    }

    private func findNewline(from offset: Int) -> Int? {
        guard offset < end else { return nil }
        guard let found = memchr(storage + offset, 0x0A, end - offset) else { return nil }
        return UnsafeRawPointer(found) - UnsafeRawPointer(storage)
    }
}
