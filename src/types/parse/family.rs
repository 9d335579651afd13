//! From a family name and its arguments to a [`DataType`]: alias resolution, parameter
//! checks and the normalisations the server applies (sorted enums, variants and JSON paths).

use super::lexer::{Parsed, Parser};
use crate::types::data_type::{
    AggregateFunction, DataType, IntervalUnit, JsonType, NamedType, TupleElement,
};
use crate::types::families::{ALIASES, FAMILIES};

/// The deepest nesting of types accepted (the server's own limit is far below).
const MAX_DEPTH: usize = 128;

impl Parser<'_> {
    /// The family word(s) at the current position, resolved to a canonical family name.
    fn family(&mut self) -> Parsed<&'static str> {
        self.skip_ws();
        let start = self.pos;
        let Some(first) = self.word() else {
            return Err(self.error("expected a type name"));
        };
        // Multi-word aliases (`DOUBLE PRECISION`, `NATIONAL CHARACTER LARGE OBJECT`): take the
        // longest run of words that names an alias.
        let mut words = first.to_owned();
        let mut best = resolve_family(&words).map(|family| (family, self.pos));
        while let Some(next) = self.word() {
            words.push(' ');
            words.push_str(next);
            if !ALIASES
                .iter()
                .any(|(alias, _, _)| starts_with_words(alias, &words))
            {
                break;
            }
            if let Some(family) = resolve_family(&words) {
                best = Some((family, self.pos));
            }
        }
        match best {
            Some((family, end)) => {
                self.pos = end;
                Ok(family)
            }
            None => {
                self.pos = start;
                Err(self.error(format!("unknown data type family `{first}`")))
            }
        }
    }

    pub(super) fn data_type(&mut self) -> Parsed<DataType> {
        if self.depth >= MAX_DEPTH {
            return Err(self.error(format!("types nested more than {MAX_DEPTH} deep")));
        }
        self.depth += 1;
        let data_type = self.data_type_here();
        self.depth -= 1;
        data_type
    }

    fn data_type_here(&mut self) -> Parsed<DataType> {
        let start = self.pos;
        let family = self.family()?;
        let has_args = self.peek() == Some(b'(');
        if has_args {
            self.pos += 1;
        }
        let data_type = self.family_type(family, has_args, start)?;
        Ok(data_type)
    }

    fn no_args(&self, family: &str, has_args: bool, start: usize) -> Parsed<()> {
        if has_args {
            Err(self.error_at(start, format!("data type {family} cannot have arguments")))
        } else {
            Ok(())
        }
    }

    /// Numbers in parentheses that the family accepts and ignores (`INT(11)`, `VARCHAR(255)`).
    fn ignored_args(&mut self, has_args: bool) -> Parsed<()> {
        if has_args {
            self.list(|p| p.integer())?;
        }
        Ok(())
    }

    fn one_type(&mut self, family: &str, has_args: bool, start: usize) -> Parsed<Box<DataType>> {
        if !has_args {
            return Err(self.error_at(start, format!("data type {family} needs an argument")));
        }
        let inner = self.data_type()?;
        self.expect(b')')?;
        Ok(Box::new(inner))
    }

    fn family_type(
        &mut self,
        family: &'static str,
        has_args: bool,
        start: usize,
    ) -> Parsed<DataType> {
        let simple = match family {
            "UInt8" => Some(DataType::UInt8),
            "UInt16" => Some(DataType::UInt16),
            "UInt32" => Some(DataType::UInt32),
            "UInt64" => Some(DataType::UInt64),
            "UInt128" => Some(DataType::UInt128),
            "UInt256" => Some(DataType::UInt256),
            "Int8" => Some(DataType::Int8),
            "Int16" => Some(DataType::Int16),
            "Int32" => Some(DataType::Int32),
            "Int64" => Some(DataType::Int64),
            "Int128" => Some(DataType::Int128),
            "Int256" => Some(DataType::Int256),
            "Float32" => Some(DataType::Float32),
            "Float64" => Some(DataType::Float64),
            "String" => Some(DataType::String),
            _ => None,
        };
        if let Some(data_type) = simple {
            // Display widths and lengths (`INT(11)`, `VARCHAR(255)`, `FLOAT(10)`) are ignored,
            // and MySQL's `INT(11) UNSIGNED` is honoured, as on the server.
            self.ignored_args(has_args)?;
            return Ok(self.signedness(data_type));
        }
        if let Some(unit) = family
            .strip_prefix("Interval")
            .and_then(|u| IntervalUnit::ALL.into_iter().find(|x| x.name() == u))
        {
            self.no_args(family, has_args, start)?;
            return Ok(DataType::Interval(unit));
        }
        let parameterless = match family {
            "BFloat16" => Some(DataType::BFloat16),
            "Bool" => Some(DataType::Bool),
            "UUID" => Some(DataType::Uuid),
            "IPv4" => Some(DataType::IPv4),
            "IPv6" => Some(DataType::IPv6),
            "Date" => Some(DataType::Date),
            "Date32" => Some(DataType::Date32),
            "Time" => Some(DataType::Time),
            "Nothing" => Some(DataType::Nothing),
            "Point" => Some(DataType::Point),
            "Ring" => Some(DataType::Ring),
            "LineString" => Some(DataType::LineString),
            "MultiPoint" => Some(DataType::MultiPoint),
            "MultiLineString" => Some(DataType::MultiLineString),
            "Polygon" => Some(DataType::Polygon),
            "MultiPolygon" => Some(DataType::MultiPolygon),
            "Geometry" => Some(DataType::Geometry),
            _ => None,
        };
        if let Some(data_type) = parameterless {
            self.no_args(family, has_args, start)?;
            return Ok(data_type);
        }
        match family {
            "FixedString" => {
                if !has_args {
                    return Err(self.error_at(start, "FixedString needs its size in bytes"));
                }
                let max = DataType::MAX_FIXED_STRING_SIZE as i128;
                let n = self.integer_in("FixedString size", 1, max)?;
                self.expect(b')')?;
                Ok(DataType::FixedString(n))
            }
            "DateTime" | "DateTime32" => self.date_time(has_args),
            "DateTime64" => self.date_time64(has_args),
            "Time64" => {
                let precision = if has_args {
                    let p = self.integer_in("Time64 precision", 0, 9)?;
                    self.expect(b')')?;
                    p
                } else {
                    3
                };
                Ok(DataType::Time64 { precision })
            }
            "Decimal" => self.decimal(has_args),
            "Decimal32" => self.sized_decimal(9, has_args, start),
            "Decimal64" => self.sized_decimal(18, has_args, start),
            "Decimal128" => self.sized_decimal(38, has_args, start),
            "Decimal256" => self.sized_decimal(76, has_args, start),
            "Enum" | "Enum8" | "Enum16" => self.enumeration(family, has_args, start),
            "Nullable" => {
                let inner = self.one_type(family, has_args, start)?;
                if !crate::types::rules::can_be_inside_nullable(&inner) {
                    return Err(self.error_at(
                        start,
                        format!("nested type {inner} cannot be inside Nullable type"),
                    ));
                }
                Ok(DataType::Nullable(inner))
            }
            "LowCardinality" => Ok(DataType::LowCardinality(
                self.one_type(family, has_args, start)?,
            )),
            "Array" => Ok(DataType::Array(self.one_type(family, has_args, start)?)),
            "Map" => {
                if !has_args {
                    return Err(self.error_at(start, "Map needs a key and a value type"));
                }
                let key = self.data_type()?;
                self.expect(b',')?;
                let value = self.data_type()?;
                self.expect(b')')?;
                Ok(DataType::Map(Box::new(key), Box::new(value)))
            }
            "Tuple" => self.tuple(has_args, start),
            "Nested" => {
                if !has_args {
                    return Err(self.error_at(start, "Nested needs at least one field"));
                }
                let fields = self.list(|p| p.named_type())?;
                if fields.is_empty() {
                    return Err(self.error_at(start, "Nested needs at least one field"));
                }
                crate::types::rules::unique_names(fields.iter().map(|f| f.name.as_str()))
                    .map_err(|e| self.error_at(start, e))?;
                Ok(DataType::Nested(fields))
            }
            "Variant" => {
                let mut variants = if has_args {
                    self.list(|p| p.data_type())?
                } else {
                    Vec::new()
                };
                variants.sort_by_cached_key(DataType::to_string);
                crate::types::rules::variant(&variants).map_err(|e| self.error_at(start, e))?;
                Ok(DataType::Variant(variants))
            }
            "Dynamic" => {
                let mut max_types = None;
                if has_args && !self.eat(b')') {
                    if !self.eat_keyword("max_types") {
                        return Err(self.error("expected `max_types=N`"));
                    }
                    self.expect(b'=')?;
                    max_types = Some(self.integer_in("max_types", 0, 254)?);
                    self.expect(b')')?;
                }
                Ok(DataType::Dynamic { max_types })
            }
            "JSON" => self.json(has_args),
            "QBit" => {
                if !has_args {
                    return Err(self.error_at(start, "QBit needs an element type and a dimension"));
                }
                let element = Box::new(self.data_type()?);
                self.expect(b',')?;
                let dimension = self.integer_in("QBit dimension", 1, i128::from(u32::MAX))?;
                self.expect(b')')?;
                Ok(DataType::QBit { element, dimension })
            }
            "AggregateFunction" => {
                let function = self.aggregate_function(family, has_args, start, true)?;
                Ok(DataType::AggregateFunction(Box::new(function)))
            }
            "SimpleAggregateFunction" => {
                let function = self.aggregate_function(family, has_args, start, false)?;
                if function.arguments.len() != 1 {
                    return Err(self.error_at(
                        start,
                        "SimpleAggregateFunction needs a function and exactly one type",
                    ));
                }
                Ok(DataType::SimpleAggregateFunction(Box::new(function)))
            }
            other => Err(self.error_at(
                start,
                format!("data type family `{other}` is not supported"),
            )),
        }
    }

    /// `INT(11) UNSIGNED`: a trailing `SIGNED` / `UNSIGNED` word after an integer type.
    fn signedness(&mut self, data_type: DataType) -> DataType {
        let unsigned = match data_type {
            DataType::Int8 => DataType::UInt8,
            DataType::Int16 => DataType::UInt16,
            DataType::Int32 => DataType::UInt32,
            DataType::Int64 => DataType::UInt64,
            other => return other,
        };
        if self.eat_keyword("UNSIGNED") {
            unsigned
        } else {
            self.eat_keyword("SIGNED");
            data_type
        }
    }

    fn date_time(&mut self, has_args: bool) -> Parsed<DataType> {
        if !has_args {
            return Ok(DataType::DateTime { timezone: None });
        }
        if self.peek() == Some(b'\'') {
            let timezone = Some(self.string_literal()?);
            self.expect(b')')?;
            return Ok(DataType::DateTime { timezone });
        }
        // `DateTime(3)` / `TIMESTAMP(3, 'UTC')` mean DateTime64, as on the server.
        self.date_time64(true)
    }

    fn date_time64(&mut self, has_args: bool) -> Parsed<DataType> {
        if !has_args {
            return Ok(DataType::DateTime64 {
                precision: 3,
                timezone: None,
            });
        }
        let precision = self.integer_in("DateTime64 precision", 0, 9)?;
        let timezone = if self.eat(b',') {
            Some(self.string_literal()?)
        } else {
            None
        };
        self.expect(b')')?;
        Ok(DataType::DateTime64 {
            precision,
            timezone,
        })
    }

    fn decimal(&mut self, has_args: bool) -> Parsed<DataType> {
        if !has_args {
            return Ok(DataType::Decimal {
                precision: 10,
                scale: 0,
            });
        }
        let precision: u8 = self.integer_in("Decimal precision", 1, 76)?;
        let scale = if self.eat(b',') {
            self.integer_in("Decimal scale", 0, i128::from(precision))?
        } else {
            0
        };
        self.expect(b')')?;
        Ok(DataType::Decimal { precision, scale })
    }

    fn sized_decimal(&mut self, precision: u8, has_args: bool, start: usize) -> Parsed<DataType> {
        if !has_args {
            return Err(self.error_at(start, "Decimal32..Decimal256 need a scale"));
        }
        let scale = self.integer_in("Decimal scale", 0, i128::from(precision))?;
        self.expect(b')')?;
        Ok(DataType::Decimal { precision, scale })
    }

    fn enumeration(&mut self, family: &str, has_args: bool, start: usize) -> Parsed<DataType> {
        let items = if has_args {
            let mut previous = 0i128;
            self.list(|p| {
                let name = p.string_literal()?;
                // Items without a value continue from the previous one, starting at 1.
                let value = if p.eat(b'=') {
                    p.integer_in("enum value", i128::from(i16::MIN), i128::from(i16::MAX))?
                } else {
                    previous + 1
                };
                previous = value;
                Ok((name, value))
            })?
        } else {
            Vec::new()
        };
        if items.is_empty() {
            return Err(self.error_at(start, "Enum data type cannot be empty"));
        }
        let fits_i8 = items.iter().all(|(_, v)| i8::try_from(*v).is_ok());
        let data_type = match family {
            "Enum8" if !fits_i8 => {
                return Err(self.error_at(start, "a value exceeds the range of Enum8"));
            }
            "Enum8" => DataType::Enum8(enum_items(items, |v| i8::try_from(v).ok())),
            "Enum" if fits_i8 => DataType::Enum8(enum_items(items, |v| i8::try_from(v).ok())),
            _ => DataType::Enum16(enum_items(items, |v| i16::try_from(v).ok())),
        };
        let checked = match &data_type {
            DataType::Enum8(items) => crate::types::rules::enum_items(items),
            DataType::Enum16(items) => crate::types::rules::enum_items(items),
            _ => Ok(()),
        };
        checked.map_err(|e| self.error_at(start, e))?;
        Ok(data_type)
    }

    fn named_type(&mut self) -> Parsed<NamedType> {
        let name = match self.identifier() {
            Some(name) => name?,
            None => return Err(self.error("expected a field name")),
        };
        let data_type = self.data_type()?;
        Ok(NamedType { name, data_type })
    }

    fn tuple(&mut self, has_args: bool, start: usize) -> Parsed<DataType> {
        if !has_args {
            return Ok(DataType::Tuple(Vec::new()));
        }
        let elements = self.list(|p| {
            // `name Type` when that parses and is followed by `,` or `)`; else a bare type.
            let before = p.pos;
            if let Some(Ok(name)) = p.identifier() {
                if let Ok(data_type) = p.data_type() {
                    if matches!(p.peek(), Some(b',' | b')')) {
                        return Ok(TupleElement {
                            name: Some(name),
                            data_type,
                        });
                    }
                }
            }
            p.pos = before;
            Ok(TupleElement {
                name: None,
                data_type: p.data_type()?,
            })
        })?;
        let named = elements.iter().filter(|e| e.name.is_some()).count();
        if named != 0 && named != elements.len() {
            return Err(self.error_at(
                start,
                "names are specified not for all elements of Tuple type",
            ));
        }
        crate::types::rules::unique_names(elements.iter().filter_map(|e| e.name.as_deref()))
            .map_err(|e| self.error_at(start, e))?;
        Ok(DataType::Tuple(elements))
    }

    fn json(&mut self, has_args: bool) -> Parsed<DataType> {
        let mut json = JsonType::default();
        if has_args {
            self.list(|p| {
                let at = p.pos;
                if p.eat_keyword("SKIP") {
                    if p.eat_keyword("REGEXP") {
                        json.skip_regexps.push(p.string_literal()?);
                    } else {
                        json.skip_paths.push(p.path()?);
                    }
                    return Ok(());
                }
                for (key, slot) in [
                    ("max_dynamic_paths", &mut json.max_dynamic_paths),
                    ("max_dynamic_types", &mut json.max_dynamic_types),
                ] {
                    if p.eat_keyword(key) {
                        if p.eat(b'=') {
                            *slot = Some(p.integer_in(key, 0, i128::from(u64::MAX))?);
                            return Ok(());
                        }
                        p.pos = at;
                        break;
                    }
                }
                let name = p.path()?;
                let data_type = p.data_type()?;
                json.typed_paths.push(NamedType { name, data_type });
                Ok(())
            })?;
        }
        json.typed_paths.sort_by(|a, b| a.name.cmp(&b.name));
        json.skip_paths.sort();
        json.skip_regexps.sort();
        Ok(DataType::Json(Box::new(json)))
    }

    fn aggregate_function(
        &mut self,
        family: &str,
        has_args: bool,
        start: usize,
        versioned: bool,
    ) -> Parsed<AggregateFunction> {
        if !has_args {
            return Err(self.error_at(start, format!("{family} needs a function name")));
        }
        let mut version = None;
        if versioned && self.peek().is_some_and(|b| b.is_ascii_digit()) {
            let v: u32 = self.integer_in("aggregate function version", 0, i128::from(u32::MAX))?;
            // Version 0 is the default, which the server prints as no version at all.
            version = (v != 0).then_some(v);
            self.expect(b',')?;
        }
        let Some(name) = self.word().map(str::to_owned) else {
            return Err(self.error("expected an aggregate function name"));
        };
        let parameters = if self.eat(b'(') {
            self.list(|p| p.parameter_literal())?
        } else {
            Vec::new()
        };
        let mut arguments = Vec::new();
        while self.eat(b',') {
            arguments.push(self.data_type()?);
        }
        self.expect(b')')?;
        Ok(AggregateFunction {
            version,
            name,
            parameters,
            arguments,
        })
    }
}

/// Resolves a family name or alias (`BIGINT UNSIGNED`) to its canonical family.
fn resolve_family(words: &str) -> Option<&'static str> {
    let matches = |name: &str, case_insensitive: bool| {
        if case_insensitive {
            name.eq_ignore_ascii_case(words)
        } else {
            name == words
        }
    };
    if let Some((name, _)) = FAMILIES.iter().find(|(name, ci)| matches(name, *ci)) {
        return Some(name);
    }
    let (_, _, target) = ALIASES.iter().find(|(name, ci, _)| matches(name, *ci))?;
    FAMILIES
        .iter()
        .find(|(name, _)| name == target)
        .map(|(name, _)| *name)
}

/// Whether the words of `prefix` are the first words of `alias` (case-insensitive).
fn starts_with_words(alias: &str, prefix: &str) -> bool {
    alias.len() >= prefix.len()
        && alias[..prefix.len()].eq_ignore_ascii_case(prefix)
        && (alias.len() == prefix.len() || alias.as_bytes()[prefix.len()] == b' ')
}

/// Converts range-checked enum values to the enum's width and sorts the items by value.
fn enum_items<V: Ord>(
    items: Vec<(String, i128)>,
    to: impl Fn(i128) -> Option<V>,
) -> Vec<(String, V)> {
    let mut items: Vec<(String, V)> = items
        .into_iter()
        .filter_map(|(name, value)| to(value).map(|v| (name, v)))
        .collect();
    items.sort_by(|a, b| a.1.cmp(&b.1));
    items
}
