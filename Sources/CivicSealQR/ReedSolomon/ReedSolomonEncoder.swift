/// Systematic Reed–Solomon encoding over GF(2⁸) (ISO/IEC 18004:2015 §7.5.2, Annex A).
///
/// The generator polynomial of degree n is g(x) = (x − α⁰)(x − α¹)…(x − αⁿ⁻¹); the error-correction
/// codewords are the remainder of data(x)·xⁿ divided by g(x).
enum ReedSolomonEncoder {
    /// Generator coefficients for degrees 0...30, highest power first with the leading 1 dropped,
    /// stored as logarithms (every coefficient is non-zero).
    static let generatorLogarithms: [[Int]] = (0...30).map { degree in
        // coefficients[k] multiplies x^(degree - k); start from g(x) = 1.
        var coefficients: [UInt8] = [1]
        for root in 0..<degree {
            let alpha = GaloisField.exponent[root]
            var next = [UInt8](repeating: 0, count: coefficients.count + 1)
            for (index, coefficient) in coefficients.enumerated() {
                next[index] ^= coefficient  // · x
                next[index + 1] ^= GaloisField.multiply(coefficient, alpha)  // · αʳ (minus is plus in GF(2⁸))
            }
            coefficients = next
        }
        return coefficients.dropFirst().map { GaloisField.logarithm[Int($0)] }
    }

    /// The generator polynomial of `degree` as plain coefficients, highest power first, leading 1 included.
    static func generator(degree: Int) -> [UInt8] {
        [1] + generatorLogarithms[degree].map { GaloisField.exponent[$0] }
    }

    /// The `degree` error-correction codewords for `data`, appended to `output`.
    static func appendErrorCorrection(for data: ArraySlice<UInt8>, degree: Int, to output: inout [UInt8]) {
        let generator = generatorLogarithms[degree]
        var remainder = [UInt8](repeating: 0, count: degree)
        remainder.withUnsafeMutableBufferPointer { remainder in
            generator.withUnsafeBufferPointer { generator in
                GaloisField.exponent.withUnsafeBufferPointer { exponent in
                    GaloisField.logarithm.withUnsafeBufferPointer { logarithm in
                        for byte in data {
                            let factor = byte ^ remainder[0]
                            for i in 0..<(degree - 1) { remainder[i] = remainder[i + 1] }
                            remainder[degree - 1] = 0
                            if factor == 0 { continue }
                            let factorLogarithm = logarithm[Int(factor)]
                            for i in 0..<degree { remainder[i] ^= exponent[generator[i] + factorLogarithm] }
                        }
                    }
                }
            }
        }
        output.append(contentsOf: remainder)
    }

    /// The error-correction codewords for `data` (convenience for tests).
    static func errorCorrection(for data: [UInt8], degree: Int) -> [UInt8] {
        var output: [UInt8] = []
        appendErrorCorrection(for: data[...], degree: degree, to: &output)
        return output
    }
}
