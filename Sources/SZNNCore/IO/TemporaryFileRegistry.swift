import Foundation
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// The temporary files `AtomicFile` has open, so a SIGINT/SIGTERM handler can remove them.
///
/// The handler may run at any instruction, so it touches only what is async-signal-safe: a fixed
/// array of C-string pointers made before the write starts, `unlink`, `signal` and `raise`.
/// Registering and unregistering take a lock, which the handler never does.
enum TemporaryFileRegistry {
    /// More than the writes sz-nn ever runs at once; a write beyond it merely goes unregistered.
    static let capacity = 64

    /// The registered paths (`nil` = free slot); allocated once and never freed.
    nonisolated(unsafe) private static let slots: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?> = {
        let slots = UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>.allocate(capacity: capacity)
        slots.initialize(repeating: nil, count: capacity)
        return slots
    }()

    /// Serialises `register` and `unregister` (never taken in the handler).
    private static let lock = NSLock()

    /// Records `path`; returns its slot for `unregister`, or nil when the registry is full.
    static func register(_ path: String) -> Int? {
        lock.lock()
        defer { lock.unlock() }
        guard let index = (0..<capacity).first(where: { slots[$0] == nil }) else { return nil }
        slots[index] = strdup(path)
        return index
    }

    /// Forgets the path in `slot` (once the temporary is renamed or removed).
    static func unregister(_ slot: Int?) {
        guard let slot else { return }
        lock.lock()
        defer { lock.unlock() }
        let path = slots[slot]
        // Clear the slot before freeing, so the handler never sees a freed string.
        slots[slot] = nil
        free(path)
    }

    /// Installs the SIGINT and SIGTERM handler; harmless to call more than once.
    static func installSignalHandlers() {
        _ = installed
    }

    /// Runs the installation once per process.
    private static let installed: Void = {
        // Initialise the lazy slot array now: its first touch must not happen inside the handler.
        _ = slots
        signal(SIGINT, removeRegisteredTemporariesAndReraise)
        signal(SIGTERM, removeRegisteredTemporariesAndReraise)
        // A parent may hand over a mask with these signals blocked (a child started from a worker
        // thread inherits that thread's mask); they would then wait unseen until the write ended.
        var interrupting = sigset_t()
        sigemptyset(&interrupting)
        sigaddset(&interrupting, SIGINT)
        sigaddset(&interrupting, SIGTERM)
        pthread_sigmask(SIG_UNBLOCK, &interrupting, nil)
    }()

    /// Unlinks every registered temporary (called only from the signal handler).
    fileprivate static func unlinkAll() {
        for index in 0..<capacity {
            if let path = slots[index] { unlink(path) }
        }
    }
}

/// The SIGINT/SIGTERM handler: removes the temporaries, then dies of the signal as if unhandled
/// (so the shell sees the usual 130 / 143).
private func removeRegisteredTemporariesAndReraise(_ signalNumber: Int32) {
    TemporaryFileRegistry.unlinkAll()
    signal(signalNumber, SIG_DFL)
    raise(signalNumber)
}
