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
///
/// What the target is decides how it is written (``Target``): a symbolic link to a regular file
/// is followed, so the file it names is replaced and the link stays; a FIFO or a character device
/// (`/dev/null`, a terminal, `/dev/stdout` on a pipe) is a stream that cannot be replaced, and
/// must not be (renaming over `/dev/null` as root would leave a regular file there), so it is
/// opened and written in place, and ``isAtomic`` is false. `/dev/stdout`, `/dev/stderr`,
/// `/dev/fd/N` and `/proc/self/fd/N` name a descriptor the process already has: it is
/// duplicated and written in place too, whatever it points to, so `--output /dev/stdout >> log`
/// appends as the shell asked. Directories, block devices and sockets are refused.
public final class AtomicOutputFile {
    /// How a target path is written.
    public enum Target: Equatable, Sendable {
        /// A regular file, or none yet: a temporary file beside `resolvedPath`, then a rename.
        case file(resolvedPath: String)
        /// An existing FIFO or character device: opened for writing and written in place.
        case stream
        /// A descriptor of this process (`/dev/stdout`, `/dev/fd/N`, ...): duplicated, written in place.
        case descriptor(Int32)
    }

    public let path: String
    /// The temporary file, or nil for a ``Target/stream`` target (nothing to rename).
    public let temporaryPath: String?
    /// True when the target appears only once complete (regular files); false for streams.
    public var isAtomic: Bool { temporaryPath != nil }
    private let finalPath: String
    private var descriptor: Int32
    private var slot: Int?
    private var finished = false

    /// Classifies `path` without opening it. Throws for what cannot be an output: a directory,
    /// a block device, a socket.
    public static func target(of path: String) throws -> Target {
        if let fd = descriptorAlias(path) {
            guard fcntl(fd, F_GETFD) != -1 else { throw XSigError(.io, "\(path): descriptor \(fd) is not open") }
            return .descriptor(fd)
        }
        var info = stat()
        guard stat(path, &info) == 0 else { return .file(resolvedPath: path) }
        switch info.st_mode & S_IFMT {
        case S_IFREG:
            var link = stat()
            guard lstat(path, &link) == 0, (link.st_mode & S_IFMT) == S_IFLNK,
                  let resolved = realpath(path, nil) else { return .file(resolvedPath: path) }
            defer { free(resolved) }
            return .file(resolvedPath: String(cString: resolved))
        case S_IFIFO, S_IFCHR:
            return .stream
        case S_IFDIR:
            throw XSigError(.io, "\(path): is a directory")
        case S_IFBLK:
            throw XSigError(.io, "\(path): is a block device; give a regular file, a FIFO or - (standard output)")
        default:
            throw XSigError(.io, "\(path): is not a regular file, a FIFO or a character device")
        }
    }

    /// The descriptor a path of the form `/dev/stdout`, `/dev/stderr`, `/dev/fd/N` or
    /// `/proc/self/fd/N` stands for.
    static func descriptorAlias(_ path: String) -> Int32? {
        switch path {
        case "/dev/stdout": return STDOUT_FILENO
        case "/dev/stderr": return STDERR_FILENO
        default:
            for prefix in ["/dev/fd/", "/proc/self/fd/"] where path.hasPrefix(prefix) {
                let digits = path.dropFirst(prefix.count)
                guard !digits.isEmpty, digits.count <= 9, digits.allSatisfy({ $0 >= "0" && $0 <= "9" }) else { return nil }
                return Int32(digits)
            }
            return nil
        }
    }

    public init(path: String) throws {
        self.path = path
        let inPlace: Int32
        switch try Self.target(of: path) {
        case .file(let resolved):
            (descriptor, temporaryPath) = try Self.createTemporaryFile(beside: resolved, naming: path)
            finalPath = resolved
            slot = Self.register(temporaryPath!)
            return
        case .descriptor(let existing):
            inPlace = fcntl(existing, F_DUPFD_CLOEXEC, 0)
            guard inPlace >= 0 else { throw XSigError(.io, "\(path): cannot duplicate descriptor \(existing): \(Self.errnoText())") }
        case .stream:
            inPlace = open(path, O_WRONLY | O_CLOEXEC | O_NOCTTY)
            guard inPlace >= 0 else { throw XSigError(.io, "\(path): cannot open for writing: \(Self.errnoText())") }
        }
        descriptor = inPlace
        temporaryPath = nil
        finalPath = path
    }

    /// `.<name>.xsig-<pid>-<n>.tmp` in the directory of `target`, created exclusively; `path`
    /// (what the user gave) names it in errors.
    private static func createTemporaryFile(beside target: String, naming path: String) throws -> (Int32, String) {
        let slash = target.lastIndex(of: "/")
        let directory = slash.map { String(target[...$0]) } ?? ""
        let name = slash.map { String(target[target.index(after: $0)...]) } ?? target
        var attempt = 0
        while true {
            let candidate = "\(directory).\(name).xsig-\(getpid())-\(attempt).tmp"
            let fd = open(candidate, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0o666)
            if fd >= 0 { return (fd, candidate) }
            if errno == EEXIST && attempt < 1000 {
                attempt += 1
                continue
            }
            throw XSigError(.io, "\(path): cannot create a temporary file beside it: \(errnoText())")
        }
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

    /// Flushes to disk and renames the temporary file to the target name; a stream target is
    /// only closed.
    public func commit() throws {
        precondition(!finished, "commit twice")
        guard let temporaryPath else {
            let closed = close(descriptor)
            descriptor = -1
            finished = true
            guard closed == 0 else { throw XSigError(.io, "\(path): close failed: \(Self.errnoText())") }
            return
        }
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
        guard rename(temporaryPath, finalPath) == 0 else {
            let text = Self.errnoText()
            discard()
            throw XSigError(.io, "\(path): cannot rename the finished temporary file into place: \(text)")
        }
        finished = true
        unregister()
    }

    /// Removes the temporary file; the target is left as it was. (A stream target is only
    /// closed: what was written to it has gone already.)
    public func discard() {
        guard !finished else { return }
        finished = true
        if descriptor >= 0 { close(descriptor) }
        descriptor = -1
        if let temporaryPath { unlink(temporaryPath) }
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

    /// Prepares the table and installs handlers for SIGINT, SIGTERM, SIGHUP and SIGPIPE that
    /// remove every uncommitted temporary file, then exit as the signal would (128 + its number).
    /// For command-line tools; a library caller with handlers of its own calls
    /// ``prepareForSignalCleanup()`` and ``removePendingFilesForSignal()`` itself.
    public static func removePendingFilesOnFatalSignals() {
        prepareForSignalCleanup()
        signal(SIGINT) { _ in AtomicOutputFile.removePendingFilesForSignal(); _exit(130) }
        signal(SIGTERM) { _ in AtomicOutputFile.removePendingFilesForSignal(); _exit(143) }
        signal(SIGHUP) { _ in AtomicOutputFile.removePendingFilesForSignal(); _exit(129) }
        signal(SIGPIPE) { _ in AtomicOutputFile.removePendingFilesForSignal(); _exit(141) }
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
