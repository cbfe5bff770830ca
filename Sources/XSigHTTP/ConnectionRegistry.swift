import NIOConcurrencyHelpers
import NIOCore

/// The open client connections, for the connection limit and for draining on shutdown.
final class ConnectionRegistry: Sendable {
    private let state = NIOLockedValueBox<(channels: [ObjectIdentifier: any Channel], draining: Bool)>(([:], false))
    let limit: Int

    init(limit: Int) { self.limit = limit }

    /// Adds the channel unless the limit is reached or the server is draining; returns the new
    /// count, or nil when refused. The channel leaves the registry when it closes.
    func admit(_ channel: any Channel) -> Int? {
        let count: Int? = state.withLockedValue { state in
            guard !state.draining, state.channels.count < limit else { return nil }
            state.channels[ObjectIdentifier(channel)] = channel
            return state.channels.count
        }
        return count
    }

    /// Removes a closed channel; returns the count left.
    func remove(_ channel: any Channel) -> Int {
        state.withLockedValue { state in
            state.channels[ObjectIdentifier(channel)] = nil
            return state.channels.count
        }
    }

    var count: Int { state.withLockedValue { $0.channels.count } }

    /// Stops admitting and returns the channels open now.
    func startDraining() -> [any Channel] {
        state.withLockedValue { state in
            state.draining = true
            return Array(state.channels.values)
        }
    }
}

/// Sent down every open connection's pipeline when the server drains: finish the request in
/// progress (if any), then close.
struct DrainEvent: Sendable {}
