import Synchronization
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import XSignature

/// An output file that appears under its name only when complete: bytes go to a temporary file
/// beside the target (same directory, so the final rename is atomic on one file system), which
/// is fsync'ed and renamed over the target by ``commit()``. ``discard()`` (also run when the
/// object goes away uncommitted) removes it, and a signal handler can remove every pending
/// temporary file with ``removePendingFilesForSignal()``. Whatever happens to the run, the
/// target name holds either its old content or the complete new one, never a truncated one.
public final class AtomicOutputFile {
    public let path: String
    public let temporaryPath: String
    private var descriptor: Int32
    private var slot: Int?
    private var finished = false

    public init(path: String) throws {
        self.path = path
        var info = stat()
        if stat(path, &info) == 0, (info.st_mode & S_IFMT) == S_IFDIR {
            throw XSigError(.io, "\(path): is a directory")
        }
        let slash = path.lastIndex(of: "/")
        let directory = slash.map { String(path[...$0]) } ?? ""
        let name = slash.map { String(path[path.index(after: $0)...]) } ?? path
        var attempt = 0
        while true {
            let candidate = "\(directory).\(name).xsig-\(getpid())-\(attempt).tmp"
            let fd = open(candidate, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0o666)
            if fd >= 0 {
                descriptor = fd
                temporaryPath = candidate
                break
            }
            if errno == EEXIST && attempt < 1000 {
                attempt += 1
                continue
            }
            throw XSigError(.io, "\(path): cannot create a temporary file beside it: \(Self.errnoText())")
        }
        slot = Self.register(temporaryPath)
    }

    deinit {
        if !finished { discard() }
    }

    /// Appends all of `bytes`.
    public func write(_ bytes: UnsafeRawBufferPointer) throws {
        precondition(!finished, "write after commit or discard")
        try writeFully(bytes, to: descriptor, name: path)
    }

    public func write(_ bytes: [UInt8]) throws {
        try bytes.withUnsafeBytes { try write($0) }
    }

    /// Flushes to disk and renames the temporary file to the target name.
    public func commit() throws {
        precondition(!finished, "commit twice")
        // fsync first: after a power loss, rename without it can leave an empty file behind.
        guard fsync(descriptor) == 0 || errno == EINVAL || errno == EROFS else {
            let text = Self.errnoText()
            discard()
            throw XSigError(.io, "\(path): fsync failed: \(text)")
        }
        let closed = close(descriptor)
        descriptor = -1
        guard closed == 0 else {
            let text = Self.errnoText()
            discard()
            throw XSigError(.io, "\(path): close failed: \(text)")
        }
        guard rename(temporaryPath, path) == 0 else {
            let text = Self.errnoText()
            discard()
            throw XSigError(.io, "\(path): cannot rename the finished temporary file into place: \(text)")
        }
        finished = true
        unregister()
    }

    /// Removes the temporary file; the target is left as it was.
    public func discard() {
        guard !finished else { return }
        finished = true
        if descriptor >= 0 { close(descriptor) }
        descriptor = -1
        unlink(temporaryPath)
        unregister()
    }

    // MARK: Signal-time cleanup

    /// Temporary paths of uncommitted files, as C strings a signal handler can read: a fixed
    /// table allocated once, entries set with a plain store and never freed, so the handler
    /// needs no lock and no allocation.
    private nonisolated(unsafe) static let pending: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?> = {
        let table = UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>.allocate(capacity: pendingCapacity)
        table.initialize(repeating: nil, count: pendingCapacity)
        return table
    }()
    private static let pendingCapacity = 16
    private static let registryLock = Mutex(())

    /// Call once before installing a signal handler that uses ``removePendingFilesForSignal()``,
    /// so that the handler never runs the table's one-time initialisation.
    public static func prepareForSignalCleanup() {
        _ = pending
    }

    /// Unlinks every uncommitted temporary file. Async-signal-safe: only loads and unlink(2).
    public static func removePendingFilesForSignal() {
        let table = pending
        for i in 0..<pendingCapacity {
            if let path = table[i] { unlink(path) }
        }
    }

    private static func register(_ path: String) -> Int? {
        let table = pending
        return registryLock.withLock { _ in
            for i in 0..<pendingCapacity where table[i] == nil {
                table[i] = strdup(path)
                return i
            }
            return nil
        }
    }

    private func unregister() {
        guard let slot else { return }
        // The string is leaked on purpose: a handler on another thread may still be reading it.
        Self.registryLock.withLock { _ in Self.pending[slot] = nil }
        self.slot = nil
    }

    static func errnoText() -> String {
        guard let message = strerror(errno) else { return "errno \(errno)" }
        return String(cString: message)
    }
}
