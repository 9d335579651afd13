//! The `SETTINGS` clause: setting values and their checked rendering.

use std::fmt::Write;

use crate::error::{Error, Result};
use crate::literal;

/// A setting's value in a `SETTINGS` clause.
#[derive(Debug, Clone, PartialEq)]
#[non_exhaustive]
pub enum SettingValue {
    /// An integer.
    Int(i64),
    /// A number.
    Float(f64),
    /// A boolean (`1`/`0`).
    Bool(bool),
    /// Text, written as an escaped string literal.
    String(String),
}

impl From<i64> for SettingValue {
    fn from(v: i64) -> Self {
        SettingValue::Int(v)
    }
}
impl From<i32> for SettingValue {
    fn from(v: i32) -> Self {
        SettingValue::Int(i64::from(v))
    }
}
impl From<u32> for SettingValue {
    fn from(v: u32) -> Self {
        SettingValue::Int(i64::from(v))
    }
}
impl From<f64> for SettingValue {
    fn from(v: f64) -> Self {
        SettingValue::Float(v)
    }
}
impl From<bool> for SettingValue {
    fn from(v: bool) -> Self {
        SettingValue::Bool(v)
    }
}
impl From<&str> for SettingValue {
    fn from(v: &str) -> Self {
        SettingValue::String(v.to_owned())
    }
}
impl From<String> for SettingValue {
    fn from(v: String) -> Self {
        SettingValue::String(v)
    }
}

/// Whether `name` is a plain identifier (`[A-Za-z_][A-Za-z0-9_]*`).
pub(crate) fn is_identifier(name: &str) -> bool {
    let mut bytes = name.bytes();
    matches!(bytes.next(), Some(b) if b.is_ascii_alphabetic() || b == b'_')
        && bytes.all(|b| b.is_ascii_alphanumeric() || b == b'_')
}

/// Writes ` SETTINGS a = 1, b = 'x'`, checking the names.
pub(crate) fn write_settings(
    out: &mut impl Write,
    settings: &[(String, SettingValue)],
) -> Result<()> {
    for (i, (name, value)) in settings.iter().enumerate() {
        if !is_identifier(name) {
            return Err(Error::InvalidInput(format!(
                "{name:?} is not a setting name"
            )));
        }
        let _ = out.write_str(if i == 0 { " SETTINGS " } else { ", " });
        let _ = match value {
            SettingValue::Int(v) => write!(out, "{name} = {v}"),
            SettingValue::Float(v) if v.is_finite() => write!(out, "{name} = {v:?}"),
            SettingValue::Float(v) => {
                return Err(Error::InvalidInput(format!("setting {name} = {v}")));
            }
            SettingValue::Bool(v) => write!(out, "{name} = {}", u8::from(*v)),
            SettingValue::String(v) => write!(out, "{name} = {}", literal::quote(v)),
        };
    }
    Ok(())
}
