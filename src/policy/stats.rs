//! Small statistics the policies need: median, MAD, IQR, straight-line fits (ordinary and
//! robust) and the coefficient of determination of a multiple regression.
//!
//! Hand-written rather than pulled from a linear-algebra crate: the inputs are at most a few
//! dozen values, and the exact conventions (CloudSim's quartile rule, bisquare weights) matter.

/// Median of `values`, sorting them in place; 0 for an empty slice.
pub fn median_in_place(values: &mut [f64]) -> f64 {
    let n = values.len();
    if n == 0 {
        return 0.0;
    }
    values.sort_by(f64::total_cmp);
    if n % 2 == 1 {
        values[n / 2]
    } else {
        (values[n / 2 - 1] + values[n / 2]) / 2.0
    }
}

/// Median absolute deviation: the median of `|x - median(x)|`, without the 1.4826 factor
/// (as Beloglazov & Buyya use it). `scratch` must be at least as long as `values`.
pub fn mad(values: &[f64], scratch: &mut [f64]) -> f64 {
    let buf = &mut scratch[..values.len()];
    buf.copy_from_slice(values);
    let m = median_in_place(buf);
    for (b, v) in buf.iter_mut().zip(values) {
        *b = (v - m).abs();
    }
    median_in_place(buf)
}

/// Interquartile range with CloudSim's rule: sort, then `Q1 = x[round(0.25 (n+1)) - 1]` and
/// `Q3 = x[round(0.75 (n+1)) - 1]` (1-based ranks rounded half up, no interpolation).
/// `scratch` must be at least as long as `values`; 0 for fewer than 3 values.
pub fn iqr(values: &[f64], scratch: &mut [f64]) -> f64 {
    let n = values.len();
    if n < 3 {
        return 0.0;
    }
    let buf = &mut scratch[..n];
    buf.copy_from_slice(values);
    buf.sort_by(f64::total_cmp);
    let rank = |p: f64| ((p * (n as f64 + 1.0) + 0.5).floor() as usize).clamp(1, n) - 1;
    buf[rank(0.75)] - buf[rank(0.25)]
}

/// A straight line `y = intercept + slope x`.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Line {
    /// Value at x = 0.
    pub intercept: f64,
    /// Change per unit of x.
    pub slope: f64,
}

impl Line {
    /// The line's value at `x`.
    pub fn at(&self, x: f64) -> f64 {
        self.intercept + self.slope * x
    }
}

/// Weighted least-squares line through `(i + 1, y[i])` (x = 1, 2, ..., n); `weight(i)` gives
/// each point's weight. `None` when fewer than two points carry weight or all their x are equal.
pub fn weighted_line(y: &[f64], weight: impl Fn(usize) -> f64) -> Option<Line> {
    let (mut sw, mut sx, mut sy) = (0.0, 0.0, 0.0);
    let mut points = 0;
    for (i, &v) in y.iter().enumerate() {
        let w = weight(i);
        if w > 0.0 {
            points += 1;
            sw += w;
            sx += w * (i + 1) as f64;
            sy += w * v;
        }
    }
    if points < 2 {
        return None;
    }
    let (mx, my) = (sx / sw, sy / sw);
    let (mut sxx, mut sxy) = (0.0, 0.0);
    for (i, &v) in y.iter().enumerate() {
        let w = weight(i);
        if w > 0.0 {
            let dx = (i + 1) as f64 - mx;
            sxx += w * dx * dx;
            sxy += w * dx * (v - my);
        }
    }
    if sxx <= 0.0 {
        return None;
    }
    let slope = sxy / sxx;
    Some(Line {
        intercept: my - slope * mx,
        slope,
    })
}

/// Ordinary least-squares line through `(1, y[0]), ..., (n, y[n-1])`.
pub fn ols_line(y: &[f64]) -> Option<Line> {
    weighted_line(y, |_| 1.0)
}

/// Robustness iterations of [`robust_line`] (Cleveland 1979 uses a few; 4 is loess's default).
pub const ROBUST_ITERATIONS: usize = 4;

/// Robust straight-line fit (Cleveland 1979): start from the least-squares line, then
/// repeatedly re-fit with bisquare weights `(1 - (r / 6s)^2)^2` of each residual `r`, where `s`
/// is the median absolute residual; points beyond `6s` get weight 0. An outlier thus stops
/// pulling the line. `scratch` must be at least as long as `y`.
pub fn robust_line(y: &[f64], scratch: &mut [f64]) -> Option<Line> {
    let mut line = ols_line(y)?;
    let n = y.len();
    for _ in 0..ROBUST_ITERATIONS {
        let residual = |i: usize| y[i] - line.at((i + 1) as f64);
        for (i, s) in scratch[..n].iter_mut().enumerate() {
            *s = residual(i).abs();
        }
        let s = median_in_place(&mut scratch[..n]);
        // Residual scale relative to the data, so an exact fit of the majority is recognised.
        let scale = y.iter().fold(0.0_f64, |a, v| a.max(v.abs())).max(1e-300);
        let weight = |i: usize| {
            let r = residual(i);
            if s <= 1e-12 * scale {
                // Most points lie on the line: keep those, drop the others.
                if r.abs() <= 1e-9 * scale { 1.0 } else { 0.0 }
            } else {
                let u = r / (6.0 * s);
                if u.abs() < 1.0 {
                    (1.0 - u * u).powi(2)
                } else {
                    0.0
                }
            }
        };
        match weighted_line(y, weight) {
            Some(next) if next == line => break,
            Some(next) => line = next,
            None => break,
        }
    }
    Some(line)
}

/// Coefficient of determination R² of regressing `y` on the columns `x` plus an intercept
/// (least squares): the squared multiple correlation of `y` with the columns. Collinear columns
/// are handled (the fit is the projection onto their span). `None` when `y` is constant (R² is
/// undefined) or when there are not more observations than fitted parameters.
pub fn r_squared(y: &[f64], x: &[&[f64]]) -> Option<f64> {
    let m = y.len();
    if m == 0 || x.iter().any(|c| c.len() != m) {
        return None;
    }
    let mean = y.iter().sum::<f64>() / m as f64;
    let mut resid: Vec<f64> = y.iter().map(|v| v - mean).collect();
    let sst: f64 = resid.iter().map(|r| r * r).sum();
    let scale = y.iter().fold(0.0_f64, |a, v| a.max(v.abs()));
    if sst <= (1e-12 * scale).powi(2) * m as f64 {
        return None;
    }
    // Orthonormal basis of the centred columns (modified Gram-Schmidt); centring accounts for
    // the intercept. Columns (nearly) dependent on earlier ones are dropped.
    let mut basis: Vec<Vec<f64>> = Vec::with_capacity(x.len());
    for col in x {
        let cm = col.iter().sum::<f64>() / m as f64;
        let mut v: Vec<f64> = col.iter().map(|c| c - cm).collect();
        let norm0 = v.iter().map(|a| a * a).sum::<f64>().sqrt();
        for q in &basis {
            let d: f64 = v.iter().zip(q).map(|(a, b)| a * b).sum();
            v.iter_mut().zip(q).for_each(|(a, b)| *a -= d * b);
        }
        let norm = v.iter().map(|a| a * a).sum::<f64>().sqrt();
        if norm > 1e-10 * norm0.max(1e-300) && norm > 0.0 {
            v.iter_mut().for_each(|a| *a /= norm);
            basis.push(v);
        }
    }
    // Parameters: one per independent column plus the intercept.
    if m <= basis.len() + 1 {
        return None;
    }
    for q in &basis {
        let d: f64 = resid.iter().zip(q).map(|(a, b)| a * b).sum();
        resid.iter_mut().zip(q).for_each(|(a, b)| *a -= d * b);
    }
    let ssr: f64 = resid.iter().map(|r| r * r).sum();
    Some((1.0 - ssr / sst).clamp(0.0, 1.0))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn median_of_odd_and_even_counts() {
        assert_eq!(median_in_place(&mut [3.0, 1.0, 2.0]), 2.0);
        assert_eq!(median_in_place(&mut [4.0, 1.0, 3.0, 2.0]), 2.5);
        assert_eq!(median_in_place(&mut []), 0.0);
    }

    #[test]
    fn mad_of_a_known_series() {
        // Median 2; absolute deviations 1, 1, 0, 0, 2, 4, 7 -> sorted 0 0 1 1 2 4 7 -> MAD 1.
        let x = [1.0, 1.0, 2.0, 2.0, 4.0, 6.0, 9.0];
        assert_eq!(mad(&x, &mut [0.0; 7]), 1.0);
    }

    #[test]
    fn iqr_uses_cloudsims_rounded_ranks() {
        // n = 12: Q1 rank round(3.25) = 3, Q3 rank round(9.75) = 10 -> x[9] - x[2] = 10 - 3.
        let x: Vec<f64> = (1..=12).rev().map(f64::from).collect();
        assert_eq!(iqr(&x, &mut [0.0; 12]), 7.0);
        // n = 30: ranks round(7.75) = 8 and round(23.25) = 23 -> 23 - 8 = 15.
        let y: Vec<f64> = (1..=30).map(f64::from).collect();
        assert_eq!(iqr(&y, &mut [0.0; 30]), 15.0);
    }

    #[test]
    fn ols_recovers_a_line() {
        let y: Vec<f64> = (1..=10).map(|x| 0.1 + 0.05 * x as f64).collect();
        let l = ols_line(&y).unwrap();
        assert!((l.intercept - 0.1).abs() < 1e-12 && (l.slope - 0.05).abs() < 1e-12);
        assert_eq!(ols_line(&[1.0]), None);
    }

    #[test]
    fn robust_line_ignores_one_outlier() {
        let mut y: Vec<f64> = (1..=10).map(|x| 0.1 + 0.05 * x as f64).collect();
        y[6] = 1.5;
        let l = robust_line(&y, &mut [0.0; 10]).unwrap();
        assert!((l.intercept - 0.1).abs() < 1e-9, "{l:?}");
        assert!((l.slope - 0.05).abs() < 1e-9, "{l:?}");
    }

    #[test]
    fn r_squared_of_exact_and_unrelated_series() {
        let y = [1.0, 2.0, 3.0, 4.0, 5.0];
        let twice = [2.0, 4.0, 6.0, 8.0, 10.0];
        assert!((r_squared(&y, &[&twice]).unwrap() - 1.0).abs() < 1e-12);
        // x orthogonal to y after centring: R^2 = 0.
        let flat = [1.0, -1.0, 0.0, -1.0, 1.0];
        assert!(r_squared(&y, &[&flat]).unwrap().abs() < 1e-12);
        // Constant y: undefined.
        assert_eq!(r_squared(&[2.0; 5], &[&twice]), None);
        // Two observations cannot support intercept + slope with any residual freedom.
        assert_eq!(r_squared(&[1.0, 2.0], &[&[1.0, 3.0]]), None);
    }
}
