import NIOCore
import XSigHTTP
import XSignature

/// One `/sign` request's signature, made at the moment its group was signed.
struct SignedPayload: Sendable {
    let payload: SignaturePayload
    let signature: String
}

/// The sidecar's RSA work, off the event loops: `/sign` requests queue in a ``WorkGroups`` and
/// dedicated signing threads take them in groups. On the lanes engine a group is up to eight
/// requests signed by one `XSignatureSigner.sign(_:random:)` call (one kernel call for all
/// eight); on gmp and openssl a group is one request. How a group forms (the concurrency rule and
/// `--group-window-us`) is ``WorkGroups``'.
final class SigningGroups: Sendable {
    typealias Outcome = Result<SignedPayload, SidecarRefusal>

    private let work: WorkGroups<String, Outcome>

    var capacity: Int { work.capacity }

    /// Starts `configuration.signingThreads` threads. `observeGroup(size, waits)` is called after
    /// each group with the seconds each request waited in the queue.
    init(configuration: SidecarConfiguration, observeGroup: @escaping @Sendable (Int, [Double]) -> Void = { _, _ in }) {
        work = WorkGroups(
            capacity: configuration.groupCapacity, windowMicroseconds: configuration.groupWindowMicroseconds,
            threads: configuration.signingThreads,
            refuseAfterShutdown: { _ in .failure(SidecarRefusal(.serviceUnavailable, code: "shutting_down", "the sidecar is shutting down")) },
            process: { tokens in Self.sign(tokens, configuration: configuration) },
            observeGroup: observeGroup)
    }

    /// Queues `token` for signing; the future completes on `eventLoop`.
    func submit(token: String, on eventLoop: any EventLoop) -> EventLoopFuture<Outcome> {
        work.submit(token, on: eventLoop)
    }

    /// Signs what is queued, stops the threads and waits for them.
    func shutdown() { work.shutdown() }

    /// One RSA call for the group (one per request off the lanes engine); every request gets
    /// its own outcome, and a request that cannot be signed does not hold up the others.
    private static func sign(_ tokens: [String], configuration: SidecarConfiguration) -> [Outcome] {
        let timestamp = configuration.signingTimestamp()
        let signer = configuration.signer
        var outcomes = [Outcome?](repeating: nil, count: tokens.count)
        var payloads: [SignaturePayload] = []
        var slots: [Int] = []
        for (slot, token) in tokens.enumerated() {
            do {
                let payload = try SignaturePayload(sessionToken: token, timestamp: timestamp)
                try signer.encryptor.checkLength(payload.byteCount, padding: signer.padding)
                payloads.append(payload)
                slots.append(slot)
            } catch {
                outcomes[slot] = .failure(Self.refusal(error, what: "payload_too_long"))
            }
        }
        if !payloads.isEmpty {
            do {
                let signatures: [String]
                if payloads.count == 1 {
                    signatures = [try signer.sign(payloads[0])]
                } else {
                    var random = [SecureRandom()]
                    signatures = try signer.sign(payloads, random: &random)
                }
                for (index, slot) in slots.enumerated() {
                    outcomes[slot] = .success(SignedPayload(payload: payloads[index], signature: signatures[index]))
                }
            } catch {
                for slot in slots { outcomes[slot] = .failure(Self.refusal(error, what: "signing_failed")) }
            }
        }
        return outcomes.map { $0! }
    }

    /// A payload the key cannot carry (a token too long for the key and padding) is the
    /// client's fault: 400 with xsig's message, which gives lengths, never the token.
    private static func refusal(_ error: any Error, what code: String) -> SidecarRefusal {
        let message = (error as? XSigError)?.message ?? "the payload could not be signed"
        return code == "payload_too_long"
            ? SidecarRefusal(code: code, "session token: \(message)")
            : SidecarRefusal(.internalServerError, code: code, message)
    }
}
