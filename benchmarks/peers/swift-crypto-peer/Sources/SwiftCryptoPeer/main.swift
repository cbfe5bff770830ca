// Encrypts the 96-octet X-signature payload in a loop with swift-crypto's _RSA.Encryption and
// prints one JSON line per (key, padding): median ops/s of interleaved samples.
//
// usage: SwiftCryptoPeer --seconds S --samples N KEY.pem...
// swift-crypto 3.12.3 offers OAEP (SHA-1, SHA-256) for encryption; it has no PKCS#1 v1.5
// encryption padding (`insecurePKCS1v1_5` exists for signatures only), so pkcs1 is reported absent.
import _CryptoExtras
import Foundation

var seconds = 0.3
var samples = 5
var keyPaths: [String] = []
var arguments = CommandLine.arguments.dropFirst()
while let argument = arguments.popFirst() {
    switch argument {
    case "--seconds": seconds = Double(arguments.popFirst() ?? "") ?? seconds
    case "--samples": samples = Int(arguments.popFirst() ?? "") ?? samples
    default: keyPaths.append(argument)
    }
}

let token = String(repeating: "a", count: 40)
let payload = Data("session_token=\(token)&timestamp=1628496895102&nonce=17b29fa9c7e".utf8)  // 96 octets

func measure(seconds: Double, _ body: () throws -> Void) rethrows -> Double {
    let start = DispatchTime.now().uptimeNanoseconds
    var count = 0
    var elapsed = 0.0
    repeat {
        try body()
        count += 1
        elapsed = Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9
    } while elapsed < seconds
    return Double(count) / elapsed
}

for path in keyPaths {
    let pem = try String(contentsOfFile: path, encoding: .utf8)
    let key: _RSA.Encryption.PublicKey
    do {
        key = try _RSA.Encryption.PublicKey(unsafePEMRepresentation: pem)
    } catch {
        print("{\"peer\":\"swift-crypto _RSA 3.12.3\",\"key\":\"\((path as NSString).lastPathComponent)\",\"median_ops_per_s\":null,\"note\":\"key refused: \(error)\"}")
        continue
    }
    let bits = key.keySizeInBits
    for (name, padding) in [("oaep-sha256", _RSA.Encryption.Padding.PKCS1_OAEP_SHA256)] {
        let maximum = key.maximumEncryptSize(with: padding)
        let message = payload.prefix(maximum)
        _ = try key.encrypt(message, padding: padding)
        var rates: [Double] = []
        for _ in 0..<samples { rates.append(try measure(seconds: seconds) { _ = try key.encrypt(message, padding: padding) }) }
        rates.sort()
        print("{\"peer\":\"swift-crypto _RSA 3.12.3\",\"bits\":\(bits),\"padding\":\"\(name)\",\"payload_octets\":\(message.count),\"median_ops_per_s\":\(Int(rates[rates.count / 2])),\"min\":\(Int(rates.first!)),\"max\":\(Int(rates.last!))}")
    }
    print("{\"peer\":\"swift-crypto _RSA 3.12.3\",\"bits\":\(bits),\"padding\":\"pkcs1\",\"median_ops_per_s\":null,\"note\":\"no PKCS#1 v1.5 encryption in _RSA.Encryption\"}")
}
