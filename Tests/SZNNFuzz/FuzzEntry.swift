import Foundation
import SZNNCore
import SZNNFuzzing

#if FUZZING
/// libFuzzer's hook (`make fuzz` builds this file with `-sanitize=fuzzer -D FUZZING`): an input
/// that throws anything but an `SZNNError` stops the run as a crash, so it is kept as a finding.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzOneInput(_ start: UnsafePointer<UInt8>, _ count: Int) -> CInt {
    do {
        try FuzzTarget.consume(Data(bytes: start, count: count))
    } catch is SZNNError {
    } catch {
        fatalError("not an SZNNError: \(error)")
    }
    return 0
}

/// libFuzzer's driver, which parses its own flags (`-runs`, `-seed`, `-max_total_time`, corpus folders).
@_silgen_name("LLVMFuzzerRunDriver")
func runFuzzerDriver(_ argc: UnsafeMutablePointer<CInt>, _ argv: UnsafeMutablePointer<UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>?>,
                     _ callback: @convention(c) (UnsafePointer<UInt8>, Int) -> CInt) -> CInt

/// The executable's entry: SwiftPM links an executable target's `main` to this symbol, so the
/// fuzz build hands control to libFuzzer's driver here instead of to libFuzzer's own `main`.
@_cdecl("SZNNFuzz_main")
public func fuzzMain(_ argc: CInt, _ argv: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>?) -> CInt {
    var count = argc
    var arguments = argv
    return runFuzzerDriver(&count, &arguments) { start, size in fuzzOneInput(start, size) }
}
#else
/// Without libFuzzer: replays the files or folders given as arguments through the same target
/// (a finding's reproducer, or a corpus), one line per input that fails the contract.
@main
struct FuzzReplay {
    static func main() throws {
        var inputs: [URL] = []
        for argument in CommandLine.arguments.dropFirst() {
            let url = URL(fileURLWithPath: argument)
            var isFolder: ObjCBool = false
            guard FileManager.default.fileExists(atPath: url.path, isDirectory: &isFolder), isFolder.boolValue else {
                inputs.append(url)
                continue
            }
            let children = try FileManager.default.contentsOfDirectory(at: url, includingPropertiesForKeys: nil)
            inputs += children.sorted { $0.path < $1.path }
        }
        var failures = 0
        for input in inputs {
            do {
                try FuzzTarget.consume(try Data(contentsOf: input))
            } catch is SZNNError {
            } catch {
                failures += 1
                print("\(input.lastPathComponent): \(error)")
            }
        }
        print("replayed \(inputs.count) inputs, \(failures) failures")
        if failures > 0 { exit(1) }
    }
}
#endif
