//! The rules a type obeys however it was read (from text or from its binary encoding): the
//! server refuses types that break them, and a type read either way must print as text that
//! reads back as the same type. Each check takes time in proportion to n log n, not n².

use super::DataType;

/// Enum items: at least one; names and values each unique.
pub(crate) fn enum_items<V: Ord + Copy>(items: &[(String, V)]) -> Result<(), &'static str> {
    if items.is_empty() {
        return Err("Enum data type cannot be empty");
    }
    let mut names: Vec<&str> = items.iter().map(|(n, _)| n.as_str()).collect();
    names.sort_unstable();
    let mut values: Vec<V> = items.iter().map(|(_, v)| *v).collect();
    values.sort_unstable();
    if names.windows(2).any(|w| w[0] == w[1]) || values.windows(2).any(|w| w[0] == w[1]) {
        return Err("enum names and values must be unique");
    }
    Ok(())
}

/// Variant members, sorted by name: at least one, all distinct.
pub(crate) fn variant(sorted: &[DataType]) -> Result<(), &'static str> {
    if sorted.is_empty() {
        return Err("Variant needs at least one type");
    }
    if sorted.windows(2).any(|w| w[0] == w[1]) {
        return Err("Variant types must be distinct");
    }
    Ok(())
}

/// Names of tuple elements or nested fields: each unique.
pub(crate) fn unique_names<'a>(names: impl Iterator<Item = &'a str>) -> Result<(), &'static str> {
    let mut names: Vec<&str> = names.collect();
    names.sort_unstable();
    if names.windows(2).any(|w| w[0] == w[1]) {
        return Err("names of tuple elements must be unique");
    }
    Ok(())
}

/// An aggregate function's name: a word (letters, digits and `_`, not starting with a digit).
pub(crate) fn function_name(name: &str) -> Result<(), &'static str> {
    let mut bytes = name.bytes();
    let first_ok = bytes
        .next()
        .is_some_and(|b| b.is_ascii_alphabetic() || b == b'_');
    if !first_ok || !bytes.all(|b| b.is_ascii_alphanumeric() || b == b'_') {
        return Err("an aggregate function name is a word of letters, digits and `_`");
    }
    Ok(())
}

/// What `Nullable` may hold: no composite, no `LowCardinality`, no `Nullable`.
pub(crate) fn can_be_inside_nullable(inner: &DataType) -> bool {
    !matches!(
        inner,
        DataType::Nullable(_)
            | DataType::LowCardinality(_)
            | DataType::Array(_)
            | DataType::Map(..)
            | DataType::Tuple(_)
            | DataType::Nested(_)
            | DataType::Variant(_)
            | DataType::Dynamic { .. }
            | DataType::Json(_)
            | DataType::AggregateFunction(_)
            | DataType::Point
            | DataType::Ring
            | DataType::LineString
            | DataType::MultiPoint
            | DataType::MultiLineString
            | DataType::Polygon
            | DataType::MultiPolygon
            | DataType::Geometry
            | DataType::QBit { .. }
    )
}

/// The canonical spelling of a numeric aggregate function parameter, or `None` when `text` is
/// not a number: integers (to 256 bits) in decimal digits, any other number as the shortest
/// float that reads back the same (`0.50` is `0.5`, `-0` is `0`). A type read from text and one
/// read from its binary encoding both spell their parameters this way, so they compare equal.
pub(crate) fn number_parameter(text: &str) -> Option<String> {
    if let Ok(int) = text.parse::<ethnum::I256>() {
        Some(int.to_string())
    } else if let Ok(int) = text.parse::<ethnum::U256>() {
        Some(int.to_string())
    } else {
        // A negative zero (`-0e-253`, say) is spelled `0`: `-0` would read back as the integer 0.
        let zero_unsigned = |float: f64| if float == 0.0 { 0.0 } else { float };
        text.parse::<f64>()
            .ok()
            .map(|float| zero_unsigned(float).to_string())
    }
}
