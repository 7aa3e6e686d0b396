import Foundation
import SZNNCLI

exit(SZNNCommand.run(arguments: Array(CommandLine.arguments.dropFirst())))
