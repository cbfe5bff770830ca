#if canImport(Glibc)
import Glibc
#endif

/// Host facts the defaults depend on.
public enum HostSystem {
    /// Online CPUs, at least 1.
    public static var cpuCount: Int {
        #if canImport(Glibc)
        return max(1, Int(sysconf(Int32(_SC_NPROCESSORS_ONLN))))
        #else
        return 1
        #endif
    }
}
