//! Special functions: log-gamma ratios and the hypergeometric continued fraction.

use super::*;

// ---------------------------------------------------------------------------------------------
// Numerics
// ---------------------------------------------------------------------------------------------

/// `ln(1 + x / y)` for `x, y > 0`, without overflow in `x / y`.
pub(super) fn ln_1p_ratio(x: f64, y: f64) -> f64 {
    if x <= y {
        (x / y).ln_1p()
    } else {
        (x + y).ln() - y.ln()
    }
}

/// `ln Γ(x + h) - ln Γ(x)` for `x, h > 0`, accurate in absolute terms.
///
/// Shifts `x` up to 16 with `Γ(x + 1) = x Γ(x)`, then uses the difference of Stirling's series.
pub(super) fn ln_gamma_ratio(x: f64, h: f64) -> f64 {
    let mut x = x;
    let mut shift = 0.0;
    while x < 16.0 {
        shift += ln_1p_ratio(h, x);
        x += 1.0;
    }
    // (x + h - 1/2) ln(x + h) - (x - 1/2) ln x - h, rearranged to avoid cancellation.
    let main = (x - 0.5) * ln_1p_ratio(h, x) + h * (x + h).ln() - h;
    main + stirling_correction(x + h) - stirling_correction(x) - shift
}

/// `ln Γ(z) - [(z - 1/2) ln z - z + ln(2π)/2]` for `z >= 16` (error below 1e-19).
pub(super) fn stirling_correction(z: f64) -> f64 {
    const C: [f64; 7] = [
        1.0 / 12.0,
        -1.0 / 360.0,
        1.0 / 1260.0,
        -1.0 / 1680.0,
        1.0 / 1188.0,
        -691.0 / 360_360.0,
        1.0 / 156.0,
    ];
    let w = 1.0 / (z * z);
    let mut sum = 0.0;
    for c in C.iter().rev() {
        sum = sum * w + c;
    }
    sum / z
}

/// `2F1(1, b; b + a; 1 / (1 + d))` for `a, b > 0`, `d >= MIN_DISCOUNT_RATE`.
///
/// Gauss's continued fraction for `2F1(1, b; c; z)` (`c = a + b`),
/// `1 / (1 - e1 z / (1 - e2 z / (1 - ...)))` with `e1 = b / c`,
/// `e(2i) = i (a + i - 1) / ((c + 2i - 2)(c + 2i - 1))` and
/// `e(2i + 1) = (c + i - 1)(b + i) / ((c + 2i - 1)(c + 2i))`, all positive. It is summed as the
/// series of differences of successive convergents (Euler's equivalence), whose terms are
/// products of ratios and so lose no precision. The term ratio tends to `(1 - s) / (1 + s)`
/// with `s = sqrt(d / (1 + d))`; the remainder is bounded by the last term times
/// `ρ / (1 - ρ)` with `ρ` the larger of that limit and the last ratio. Near `z = 1` this needs
/// about `1 / sqrt(d)` terms where the power series needs `1 / d`.
pub(super) fn hyp_one(b: f64, a: f64, d: f64) -> std::result::Result<f64, RetentionError> {
    let z = 1.0 / (1.0 + d);
    let c = a + b;
    let s = (d / (1.0 + d)).sqrt();
    let rho_limit = (1.0 - s) / (1.0 + s);
    let mut sum = 1.0;
    let mut term = 1.0;
    let mut beta_prev = 1.0;
    let mut j: u64 = 1;
    while j <= MAX_FRACTION_TERMS {
        #[allow(clippy::cast_precision_loss)]
        let e = if j == 1 {
            b / c
        } else if j % 2 == 0 {
            let i = (j / 2) as f64;
            i * (a + (i - 1.0)) / ((c + (2.0 * i - 2.0)) * (c + (2.0 * i - 1.0)))
        } else {
            let i = ((j - 1) / 2) as f64;
            (c + (i - 1.0)) * (b + i) / ((c + (2.0 * i - 1.0)) * (c + 2.0 * i))
        };
        let ez = e * z;
        let beta_next = 1.0 - ez / beta_prev;
        if !(beta_next > 0.0 && beta_next.is_finite()) {
            return Err(numerical("hypergeometric series"));
        }
        let ratio = ez / (beta_prev * beta_next);
        term *= ratio;
        sum += term;
        if !sum.is_finite() {
            return Err(numerical("hypergeometric series"));
        }
        let rho = ratio.max(rho_limit);
        if rho < 1.0 && term * rho <= 1e-16 * sum * (1.0 - rho) {
            return Ok(sum);
        }
        beta_prev = beta_next;
        j += 1;
    }
    Err(numerical("hypergeometric series"))
}
