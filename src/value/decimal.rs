//! An exact decimal number: a 256-bit integer mantissa and a scale, as ClickHouse stores them.

use std::fmt;
use std::str::FromStr;

use ethnum::I256;

use crate::error::Error;

/// `mantissa × 10^-scale`, exactly. Covers every `Decimal(P, S)` up to 76 digits.
///
/// ```
/// use clickhouse_connect::value::Decimal;
///
/// let d: Decimal = "-12.3450".parse().unwrap();
/// assert_eq!((d.mantissa().as_i128(), d.scale()), (-123450, 4));
/// assert_eq!(d.to_string(), "-12.3450");
/// assert_eq!(d.rescale(2), None, "would lose digits");
/// assert_eq!(d.rescale(5).unwrap().to_string(), "-12.34500");
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct Decimal {
    mantissa: I256,
    scale: u8,
}

fn power_of_ten(exponent: u8) -> Option<I256> {
    let mut value = I256::ONE;
    for _ in 0..exponent {
        value = value.checked_mul(I256::new(10))?;
    }
    Some(value)
}

impl Decimal {
    /// `mantissa × 10^-scale`.
    pub fn new(mantissa: impl Into<I256>, scale: u8) -> Decimal {
        Decimal {
            mantissa: mantissa.into(),
            scale,
        }
    }

    /// The integer of which this is a decimal fraction.
    pub fn mantissa(&self) -> I256 {
        self.mantissa
    }

    /// Digits after the point.
    pub fn scale(&self) -> u8 {
        self.scale
    }

    /// The same number with `scale` digits after the point, or `None` if that loses digits or
    /// overflows.
    pub fn rescale(&self, scale: u8) -> Option<Decimal> {
        if scale >= self.scale {
            let factor = power_of_ten(scale - self.scale)?;
            Some(Decimal {
                mantissa: self.mantissa.checked_mul(factor)?,
                scale,
            })
        } else {
            let factor = power_of_ten(self.scale - scale)?;
            if self.mantissa % factor != 0 {
                return None;
            }
            Some(Decimal {
                mantissa: self.mantissa / factor,
                scale,
            })
        }
    }

    /// The nearest `f64`.
    pub fn to_f64(&self) -> f64 {
        // Via text: exact up to f64's own rounding.
        self.to_string().parse().unwrap_or(f64::NAN)
    }
}

impl fmt::Display for Decimal {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let digits = self.mantissa.unsigned_abs().to_string();
        let sign = if self.mantissa < 0 { "-" } else { "" };
        let scale = self.scale as usize;
        if scale == 0 {
            return write!(f, "{sign}{digits}");
        }
        let padded = if digits.len() <= scale {
            format!("{}{digits}", "0".repeat(scale + 1 - digits.len()))
        } else {
            digits
        };
        let (int, frac) = padded.split_at(padded.len() - scale);
        write!(f, "{sign}{int}.{frac}")
    }
}

impl FromStr for Decimal {
    type Err = Error;

    /// Parses `[-+]digits[.digits]`; the scale is the number of digits after the point.
    fn from_str(text: &str) -> Result<Self, Self::Err> {
        let bad = || Error::conversion(format!("{text:?}"), "Decimal");
        let (negative, unsigned) = match text.as_bytes().first() {
            Some(b'-') => (true, &text[1..]),
            Some(b'+') => (false, &text[1..]),
            _ => (false, text),
        };
        let (int, frac) = unsigned.split_once('.').unwrap_or((unsigned, ""));
        if int.is_empty() && frac.is_empty()
            || !int.bytes().chain(frac.bytes()).all(|b| b.is_ascii_digit())
            || frac.len() > 76
        {
            return Err(bad());
        }
        let digits = format!("{int}{frac}");
        let magnitude = I256::from_str_radix(if digits.is_empty() { "0" } else { &digits }, 10)
            .map_err(|_| bad())?;
        let mantissa = if negative { -magnitude } else { magnitude };
        Ok(Decimal {
            mantissa,
            scale: frac.len() as u8,
        })
    }
}

/// `rust_decimal::Decimal` holds 96 bits of mantissa and up to 28 digits after the point: every
/// `Decimal(P <= 28, S)` fits, wider ones fit when their value does.
///
/// ```
/// use clickhouse_connect::value::Decimal;
///
/// let ours: Decimal = "-1234.5600".parse().unwrap();
/// let theirs = rust_decimal::Decimal::try_from(ours).unwrap();
/// assert_eq!(theirs.to_string(), "-1234.5600");
/// assert_eq!(Decimal::from(theirs), ours);
/// let too_wide: Decimal = "123456789012345678901234567890".parse().unwrap();
/// assert!(rust_decimal::Decimal::try_from(too_wide).is_err());
/// ```
impl TryFrom<Decimal> for rust_decimal::Decimal {
    type Error = Error;

    fn try_from(value: Decimal) -> Result<Self, Self::Error> {
        let bad = || {
            Error::conversion(
                format!("Decimal {value}"),
                "rust_decimal::Decimal (96-bit mantissa, at most 28 digits after the point)",
            )
        };
        // Trailing zeros beyond 28 digits may go; other digits may not.
        let fitted = if value.scale > 28 {
            value.rescale(28).ok_or_else(bad)?
        } else {
            value
        };
        let mantissa = i128::try_from(fitted.mantissa).map_err(|_| bad())?;
        rust_decimal::Decimal::try_from_i128_with_scale(mantissa, u32::from(fitted.scale))
            .map_err(|_| bad())
    }
}

impl From<rust_decimal::Decimal> for Decimal {
    fn from(value: rust_decimal::Decimal) -> Self {
        // rust_decimal's scale is at most 28.
        Decimal::new(value.mantissa(), value.scale() as u8)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn prints_exactly() {
        assert_eq!(Decimal::new(5, 3).to_string(), "0.005");
        assert_eq!(Decimal::new(-5, 3).to_string(), "-0.005");
        assert_eq!(Decimal::new(12345, 2).to_string(), "123.45");
        assert_eq!(Decimal::new(7, 0).to_string(), "7");
        assert_eq!(Decimal::new(I256::MAX, 10).to_string().len(), 78);
        let wide = "-1234567890123456789012345678901234567890123456789012345678.901234567890123456";
        assert_eq!(wide.parse::<Decimal>().unwrap().to_string(), wide);
    }

    #[test]
    fn parses_and_rejects() {
        assert_eq!("1.50".parse::<Decimal>().unwrap(), Decimal::new(150, 2));
        assert_eq!("-.5".parse::<Decimal>().unwrap(), Decimal::new(-5, 1));
        assert_eq!("+3".parse::<Decimal>().unwrap(), Decimal::new(3, 0));
        for bad in ["", "-", ".", "1e5", "1.2.3", "abc", " 1"] {
            assert!(bad.parse::<Decimal>().is_err(), "{bad:?}");
        }
    }
}
