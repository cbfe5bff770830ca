import SwiftASN1

/// RFC 8017 appendix A.1.1:
/// `RSAPublicKey ::= SEQUENCE { modulus INTEGER, publicExponent INTEGER }`
struct RSAPKCS1PublicKey: DERImplicitlyTaggable, Hashable {
    static var defaultIdentifier: ASN1Identifier { .sequence }

    var modulus: ArraySlice<UInt8>
    var publicExponent: ArraySlice<UInt8>

    init(modulus: ArraySlice<UInt8>, publicExponent: ArraySlice<UInt8>) {
        self.modulus = modulus
        self.publicExponent = publicExponent
    }

    init(derEncoded rootNode: ASN1Node, withIdentifier identifier: ASN1Identifier) throws {
        self = try DER.sequence(rootNode, identifier: identifier) { nodes in
            let modulus = try ArraySlice<UInt8>(derEncoded: &nodes)
            let publicExponent = try ArraySlice<UInt8>(derEncoded: &nodes)
            return RSAPKCS1PublicKey(modulus: modulus, publicExponent: publicExponent)
        }
    }

    func serialize(into coder: inout DER.Serializer, withIdentifier identifier: ASN1Identifier) throws {
        try coder.appendConstructedNode(identifier: identifier) { coder in
            try coder.serialize(modulus)
            try coder.serialize(publicExponent)
        }
    }
}

/// RFC 5280 section 4.1.1.2:
/// `AlgorithmIdentifier ::= SEQUENCE { algorithm OBJECT IDENTIFIER, parameters ANY OPTIONAL }`
struct AlgorithmIdentifier: DERImplicitlyTaggable, Hashable {
    static var defaultIdentifier: ASN1Identifier { .sequence }

    var algorithm: ASN1ObjectIdentifier
    var parameters: ASN1Any?

    init(algorithm: ASN1ObjectIdentifier, parameters: ASN1Any?) {
        self.algorithm = algorithm
        self.parameters = parameters
    }

    init(derEncoded rootNode: ASN1Node, withIdentifier identifier: ASN1Identifier) throws {
        self = try DER.sequence(rootNode, identifier: identifier) { nodes in
            let algorithm = try ASN1ObjectIdentifier(derEncoded: &nodes)
            let parameters = nodes.next().map { ASN1Any(derEncoded: $0) }
            return AlgorithmIdentifier(algorithm: algorithm, parameters: parameters)
        }
    }

    func serialize(into coder: inout DER.Serializer, withIdentifier identifier: ASN1Identifier) throws {
        try coder.appendConstructedNode(identifier: identifier) { coder in
            try coder.serialize(algorithm)
            if let parameters { try coder.serialize(parameters) }
        }
    }

    /// rsaEncryption with its NULL parameters (RFC 8017 appendix A.1).
    static let rsaEncryption = AlgorithmIdentifier(algorithm: .rsaEncryption, parameters: try! ASN1Any(erasing: ASN1Null()))
}

/// RFC 5280 section 4.1.2.7:
/// `SubjectPublicKeyInfo ::= SEQUENCE { algorithm AlgorithmIdentifier, subjectPublicKey BIT STRING }`
struct SubjectPublicKeyInfo: DERImplicitlyTaggable, Hashable {
    static var defaultIdentifier: ASN1Identifier { .sequence }

    var algorithm: AlgorithmIdentifier
    var subjectPublicKey: ASN1BitString

    init(algorithm: AlgorithmIdentifier, subjectPublicKey: ASN1BitString) {
        self.algorithm = algorithm
        self.subjectPublicKey = subjectPublicKey
    }

    init(derEncoded rootNode: ASN1Node, withIdentifier identifier: ASN1Identifier) throws {
        self = try DER.sequence(rootNode, identifier: identifier) { nodes in
            let algorithm = try AlgorithmIdentifier(derEncoded: &nodes)
            let key = try ASN1BitString(derEncoded: &nodes)
            return SubjectPublicKeyInfo(algorithm: algorithm, subjectPublicKey: key)
        }
    }

    func serialize(into coder: inout DER.Serializer, withIdentifier identifier: ASN1Identifier) throws {
        try coder.appendConstructedNode(identifier: identifier) { coder in
            try coder.serialize(algorithm)
            try coder.serialize(subjectPublicKey)
        }
    }
}

/// RFC 5280 section 4.1: only the path to the subject's key is read.
/// `Certificate ::= SEQUENCE { tbsCertificate TBSCertificate, signatureAlgorithm, signatureValue }`,
/// `TBSCertificate ::= SEQUENCE { version [0] EXPLICIT OPTIONAL, serialNumber, signature, issuer,
/// validity, subject, subjectPublicKeyInfo, ... }`
struct CertificateSubjectKey: DERImplicitlyTaggable {
    static var defaultIdentifier: ASN1Identifier { .sequence }

    var subjectPublicKeyInfo: SubjectPublicKeyInfo

    init(derEncoded rootNode: ASN1Node, withIdentifier identifier: ASN1Identifier) throws {
        self = try DER.sequence(rootNode, identifier: identifier) { nodes in
            guard let tbs = nodes.next() else { throw ASN1Error.invalidASN1Object(reason: "certificate without tbsCertificate") }
            let spki = try DER.sequence(tbs, identifier: .sequence) { fields -> SubjectPublicKeyInfo in
                var remaining: [ASN1Node] = []
                while let node = fields.next() { remaining.append(node) }
                if let first = remaining.first, first.identifier == ASN1Identifier(tagWithNumber: 0, tagClass: .contextSpecific) {
                    remaining.removeFirst()
                }
                // serialNumber, signature, issuer, validity, subject, then subjectPublicKeyInfo
                guard remaining.count >= 6 else { throw ASN1Error.invalidASN1Object(reason: "truncated tbsCertificate") }
                return try SubjectPublicKeyInfo(derEncoded: remaining[5])
            }
            _ = try AlgorithmIdentifier(derEncoded: &nodes)
            _ = try ASN1BitString(derEncoded: &nodes)
            return CertificateSubjectKey(subjectPublicKeyInfo: spki)
        }
    }

    init(subjectPublicKeyInfo: SubjectPublicKeyInfo) { self.subjectPublicKeyInfo = subjectPublicKeyInfo }

    func serialize(into coder: inout DER.Serializer, withIdentifier identifier: ASN1Identifier) throws {
        throw ASN1Error.invalidASN1Object(reason: "certificates are read, never written, by xsig")
    }
}

/// RFC 5208 section 5: `PrivateKeyInfo ::= SEQUENCE { version INTEGER, privateKeyAlgorithm
/// AlgorithmIdentifier, privateKey OCTET STRING, attributes [0] IMPLICIT OPTIONAL }`
struct PrivateKeyInfo: DERImplicitlyTaggable {
    static var defaultIdentifier: ASN1Identifier { .sequence }

    var version: Int
    var algorithm: AlgorithmIdentifier
    var privateKey: ASN1OctetString

    init(version: Int, algorithm: AlgorithmIdentifier, privateKey: ASN1OctetString) {
        self.version = version
        self.algorithm = algorithm
        self.privateKey = privateKey
    }

    init(derEncoded rootNode: ASN1Node, withIdentifier identifier: ASN1Identifier) throws {
        self = try DER.sequence(rootNode, identifier: identifier) { nodes in
            let version = try Int(derEncoded: &nodes)
            let algorithm = try AlgorithmIdentifier(derEncoded: &nodes)
            let key = try ASN1OctetString(derEncoded: &nodes)
            while nodes.next() != nil {}
            return PrivateKeyInfo(version: version, algorithm: algorithm, privateKey: key)
        }
    }

    func serialize(into coder: inout DER.Serializer, withIdentifier identifier: ASN1Identifier) throws {
        try coder.appendConstructedNode(identifier: identifier) { coder in
            try coder.serialize(version)
            try coder.serialize(algorithm)
            try coder.serialize(privateKey)
        }
    }
}

/// RFC 8017 appendix A.1.2: `RSAPrivateKey ::= SEQUENCE { version, modulus, publicExponent,
/// privateExponent, prime1, prime2, exponent1, exponent2, coefficient, otherPrimeInfos OPTIONAL }`
struct RSAPKCS1PrivateKey: DERImplicitlyTaggable {
    static var defaultIdentifier: ASN1Identifier { .sequence }

    var version: Int
    var modulus, publicExponent, privateExponent: ArraySlice<UInt8>
    var prime1, prime2, exponent1, exponent2, coefficient: ArraySlice<UInt8>

    init(derEncoded rootNode: ASN1Node, withIdentifier identifier: ASN1Identifier) throws {
        self = try DER.sequence(rootNode, identifier: identifier) { nodes in
            let version = try Int(derEncoded: &nodes)
            var members: [ArraySlice<UInt8>] = []
            for _ in 0..<8 { members.append(try ArraySlice<UInt8>(derEncoded: &nodes)) }
            while nodes.next() != nil {}
            return RSAPKCS1PrivateKey(version: version, members: members)
        }
    }

    /// From the eight INTEGER members in RFC 8017 order; version 0 is two primes.
    init(version: Int = 0, members: [ArraySlice<UInt8>]) {
        precondition(members.count == 8)
        self.version = version
        (modulus, publicExponent, privateExponent) = (members[0], members[1], members[2])
        (prime1, prime2, exponent1, exponent2, coefficient) = (members[3], members[4], members[5], members[6], members[7])
    }

    func serialize(into coder: inout DER.Serializer, withIdentifier identifier: ASN1Identifier) throws {
        try coder.appendConstructedNode(identifier: identifier) { coder in
            try coder.serialize(version)
            for member in [modulus, publicExponent, privateExponent, prime1, prime2, exponent1, exponent2, coefficient] {
                try coder.serialize(member)
            }
        }
    }
}

extension ASN1ObjectIdentifier {
    static let rsaEncryption: ASN1ObjectIdentifier = "1.2.840.113549.1.1.1"
    static let rsassaPSS: ASN1ObjectIdentifier = "1.2.840.113549.1.1.10"
    static let rsaesOAEP: ASN1ObjectIdentifier = "1.2.840.113549.1.1.7"

    /// A readable name for the algorithms a user is likely to paste by mistake.
    var keyAlgorithmName: String {
        switch self {
        case "1.2.840.10045.2.1": return "EC (id-ecPublicKey)"
        case "1.3.101.112": return "Ed25519"
        case "1.3.101.113": return "Ed448"
        case "1.3.101.110": return "X25519"
        case "1.3.101.111": return "X448"
        case "1.2.840.10040.4.1": return "DSA"
        case "1.2.840.10046.2.1": return "Diffie-Hellman (X9.42)"
        case "1.2.156.10197.1.301": return "SM2"
        case .rsaEncryption: return "RSA"
        case .rsassaPSS: return "RSASSA-PSS"
        case .rsaesOAEP: return "RSAES-OAEP"
        default: return "OID \(self)"
        }
    }
}
