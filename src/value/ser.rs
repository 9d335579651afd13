//! Typed rows for inserts: serde serialization of a struct into named [`Value`]s.
//!
//! A struct's fields become `(column name, value)` pairs; nested structs and tuples become
//! `Tuple` values, sequences `Array`, maps `Map`, `None` NULL, unit enum variants their name
//! (for `Enum` and `String` columns). The insert path itself writes rows straight into the
//! columns (`ser_columns`), using these only for the first row's names and for the shapes it
//! has no direct path for.

use serde::ser::{self, Serialize};

use super::Value;
use super::serde_error::SerdeError;
use crate::error::{Error, Result};

type SerResult<T> = std::result::Result<T, SerdeError>;

/// The fields of `row` (a struct) as column names and values, in declaration order.
pub(crate) fn to_named_values<T: Serialize>(row: &T) -> Result<Vec<(String, Value)>> {
    match row
        .serialize(ValueSerializer { top: true })
        .map_err(|e| Error::invalid_input(e.into_message()))?
    {
        Value::Map(pairs) => pairs
            .into_iter()
            .map(|(k, v)| match k {
                Value::String(name) => String::from_utf8(name)
                    .map(|n| (n, v))
                    .map_err(|_| Error::invalid_input("a field name is not UTF-8")),
                other => Err(Error::invalid_input(format!(
                    "a row key must be a field name, got {other}"
                ))),
            })
            .collect(),
        other => Err(Error::invalid_input(format!(
            "a typed row must be a struct (or a map of column names), got {}",
            other.kind()
        ))),
    }
}

/// Serializes any value into a [`Value`]. The top-level struct becomes a map from field name
/// to value (the named columns); nested structs become `Tuple`s.
#[derive(Clone, Copy)]
pub(super) struct ValueSerializer {
    top: bool,
}

pub(super) const NESTED: ValueSerializer = ValueSerializer { top: false };

macro_rules! simple {
    ($($method:ident($ty:ty) => $variant:ident),* $(,)?) => {
        $(fn $method(self, v: $ty) -> SerResult<Value> { Ok(Value::$variant(v)) })*
    };
}

impl ser::Serializer for ValueSerializer {
    type Ok = Value;
    type Error = SerdeError;
    type SerializeSeq = Collect;
    type SerializeTuple = Collect;
    type SerializeTupleStruct = Collect;
    type SerializeTupleVariant = Collect;
    type SerializeMap = CollectMap;
    type SerializeStruct = CollectMap;
    type SerializeStructVariant = CollectMap;

    simple! {
        serialize_bool(bool) => Bool, serialize_i8(i8) => Int8, serialize_i16(i16) => Int16,
        serialize_i32(i32) => Int32, serialize_i64(i64) => Int64, serialize_i128(i128) => Int128,
        serialize_u8(u8) => UInt8, serialize_u16(u16) => UInt16, serialize_u32(u32) => UInt32,
        serialize_u64(u64) => UInt64, serialize_u128(u128) => UInt128, serialize_f32(f32) => Float32,
        serialize_f64(f64) => Float64,
    }

    fn serialize_char(self, v: char) -> SerResult<Value> {
        Ok(Value::from(v.to_string()))
    }
    fn serialize_str(self, v: &str) -> SerResult<Value> {
        Ok(Value::from(v))
    }
    fn serialize_bytes(self, v: &[u8]) -> SerResult<Value> {
        Ok(Value::String(v.to_vec()))
    }
    fn serialize_none(self) -> SerResult<Value> {
        Ok(Value::Null)
    }
    fn serialize_some<T: ?Sized + Serialize>(self, value: &T) -> SerResult<Value> {
        value.serialize(NESTED)
    }
    fn serialize_unit(self) -> SerResult<Value> {
        Ok(Value::Null)
    }
    fn serialize_unit_struct(self, _name: &'static str) -> SerResult<Value> {
        Ok(Value::Null)
    }
    fn serialize_unit_variant(
        self,
        _name: &'static str,
        _index: u32,
        variant: &'static str,
    ) -> SerResult<Value> {
        Ok(Value::from(variant))
    }
    fn serialize_newtype_struct<T: ?Sized + Serialize>(
        self,
        _name: &'static str,
        value: &T,
    ) -> SerResult<Value> {
        value.serialize(NESTED)
    }
    fn serialize_newtype_variant<T: ?Sized + Serialize>(
        self,
        _name: &'static str,
        _index: u32,
        _variant: &'static str,
        value: &T,
    ) -> SerResult<Value> {
        value.serialize(NESTED)
    }
    fn serialize_seq(self, len: Option<usize>) -> SerResult<Collect> {
        Ok(Collect {
            items: Vec::with_capacity(len.unwrap_or(0)),
            tuple: false,
        })
    }
    fn serialize_tuple(self, len: usize) -> SerResult<Collect> {
        Ok(Collect {
            items: Vec::with_capacity(len),
            tuple: true,
        })
    }
    fn serialize_tuple_struct(self, _name: &'static str, len: usize) -> SerResult<Collect> {
        self.serialize_tuple(len)
    }
    fn serialize_tuple_variant(
        self,
        _name: &'static str,
        _index: u32,
        _variant: &'static str,
        len: usize,
    ) -> SerResult<Collect> {
        self.serialize_tuple(len)
    }
    fn serialize_map(self, _len: Option<usize>) -> SerResult<CollectMap> {
        Ok(CollectMap {
            pairs: Vec::new(),
            key: None,
            structure: false,
        })
    }
    fn serialize_struct(self, _name: &'static str, len: usize) -> SerResult<CollectMap> {
        Ok(CollectMap {
            pairs: Vec::with_capacity(len),
            key: None,
            structure: !self.top,
        })
    }
    fn serialize_struct_variant(
        self,
        _name: &'static str,
        _index: u32,
        _variant: &'static str,
        len: usize,
    ) -> SerResult<CollectMap> {
        self.serialize_struct("", len)
    }
}

/// Elements of a sequence (`Array`) or a tuple (`Tuple`).
pub(super) struct Collect {
    items: Vec<Value>,
    tuple: bool,
}

impl Collect {
    fn push<T: ?Sized + Serialize>(&mut self, value: &T) -> SerResult<()> {
        self.items.push(value.serialize(NESTED)?);
        Ok(())
    }
    fn done(self) -> SerResult<Value> {
        Ok(if self.tuple {
            Value::Tuple(self.items)
        } else {
            Value::Array(self.items)
        })
    }
}

/// The four sequence-like serde traits all push an element.
macro_rules! collect_impl {
    ($($trait:ident :: $method:ident),*) => {$(
        impl ser::$trait for Collect {
            type Ok = Value;
            type Error = SerdeError;
            fn $method<T: ?Sized + Serialize>(&mut self, value: &T) -> SerResult<()> {
                self.push(value)
            }
            fn end(self) -> SerResult<Value> {
                self.done()
            }
        }
    )*};
}

collect_impl!(
    SerializeSeq::serialize_element,
    SerializeTuple::serialize_element,
    SerializeTupleStruct::serialize_field,
    SerializeTupleVariant::serialize_field
);

/// Key-value pairs of a map, or the fields of a struct (keys are the field names).
pub(super) struct CollectMap {
    pairs: Vec<(Value, Value)>,
    key: Option<Value>,
    /// Whether these are a nested struct's fields (a `Tuple`; at the top, named columns).
    structure: bool,
}

impl CollectMap {
    fn done(self) -> SerResult<Value> {
        Ok(Value::Map(self.pairs))
    }
}

impl ser::SerializeMap for CollectMap {
    type Ok = Value;
    type Error = SerdeError;
    fn serialize_key<T: ?Sized + Serialize>(&mut self, key: &T) -> SerResult<()> {
        self.key = Some(key.serialize(NESTED)?);
        Ok(())
    }
    fn serialize_value<T: ?Sized + Serialize>(&mut self, value: &T) -> SerResult<()> {
        let key = self
            .key
            .take()
            .ok_or_else(|| SerdeError::new("a map value without its key"))?;
        self.pairs.push((key, value.serialize(NESTED)?));
        Ok(())
    }
    fn end(self) -> SerResult<Value> {
        self.done()
    }
}

impl ser::SerializeStruct for CollectMap {
    type Ok = Value;
    type Error = SerdeError;
    fn serialize_field<T: ?Sized + Serialize>(
        &mut self,
        key: &'static str,
        value: &T,
    ) -> SerResult<()> {
        self.pairs
            .push((Value::from(key), value.serialize(NESTED)?));
        Ok(())
    }
    fn end(self) -> SerResult<Value> {
        if self.structure {
            return Ok(Value::Tuple(
                self.pairs.into_iter().map(|(_, v)| v).collect(),
            ));
        }
        self.done()
    }
}

impl ser::SerializeStructVariant for CollectMap {
    type Ok = Value;
    type Error = SerdeError;
    fn serialize_field<T: ?Sized + Serialize>(
        &mut self,
        key: &'static str,
        value: &T,
    ) -> SerResult<()> {
        ser::SerializeStruct::serialize_field(self, key, value)
    }
    fn end(self) -> SerResult<Value> {
        self.done()
    }
}
