import CXSigBuildInfo
import Glibc
import XSignature

/// What `xsig --version` prints: the release, the commit it was built from, the GMP and OpenSSL
/// the dynamic loader found, and the lanes kernel this CPU gets.
enum VersionReport {
    static let release = "0.1.0"

    static var text: String {
        """
        xsig \(release)
        commit: \(commit)
        gmp: \(String(cString: xsig_loaded_gmp_version()))
        openssl: \(String(cString: xsig_loaded_openssl_version()))
        lanes kernel: \(lanesKernel)
        """
    }

    /// The commit scripts/release.sh compiled in; a build without it says so rather than guess.
    static var commit: String {
        let commit = String(cString: xsig_build_commit())
        return commit.isEmpty ? "unknown (built without git metadata: scripts/release.sh compiles it in)" : commit
    }

    static var lanesKernel: String {
        let kernel: LanesKernel
        do { kernel = try LanesKernel.selected() } catch let error as XSigError {
            return "none: " + error.message
        } catch {
            return "none: \(error)"
        }
        if getenv(LanesKernel.environmentVariable) != nil {
            return "\(kernel.rawValue) (forced by \(LanesKernel.environmentVariable))"
        }
        return kernel == .ifma
            ? "ifma (this CPU has AVX-512 IFMA)"
            : "portable (this CPU lacks AVX-512 IFMA; --backend auto uses gmp)"
    }
}
