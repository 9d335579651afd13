//! [`ClickHouseArguments`]: bound values, sent as server-side parameters `{pN:Type}`.

use std::fmt::{self, Write};

use clickhouse_connect::{DataType, Value};
use sqlx_core::arguments::Arguments;
use sqlx_core::encode::{Encode, IsNull};
use sqlx_core::error::BoxDynError;
use sqlx_core::types::Type;

use crate::{ClickHouse, ClickHouseTypeInfo};

/// Where an `Encode` implementation writes its value.
#[derive(Debug, Default)]
pub struct ClickHouseArgumentBuffer {
    pub(crate) value: Option<Value>,
}

impl ClickHouseArgumentBuffer {
    /// Sets the bound value.
    pub fn set(&mut self, value: Value) {
        self.value = Some(value);
    }
}

/// The values bound to a statement, in order, with their ClickHouse types. They travel as the
/// server-side parameters `p1`, `p2`, ... (see [`clickhouse_connect::sql::bind_placeholders`]).
#[derive(Debug, Default, Clone)]
pub struct ClickHouseArguments {
    pub(crate) values: Vec<(Value, ClickHouseTypeInfo)>,
}

impl ClickHouseArguments {
    /// The bound values and their types.
    pub fn values(&self) -> &[(Value, ClickHouseTypeInfo)] {
        &self.values
    }
}

impl Arguments for ClickHouseArguments {
    type Database = ClickHouse;

    fn reserve(&mut self, additional: usize, _size: usize) {
        self.values.reserve(additional);
    }

    fn add<'t, T>(&mut self, value: T) -> Result<(), BoxDynError>
    where
        T: Encode<'t, ClickHouse> + Type<ClickHouse>,
    {
        let type_info = value.produces().unwrap_or_else(T::type_info);
        let mut buffer = ClickHouseArgumentBuffer::default();
        let value = match value.encode(&mut buffer)? {
            IsNull::Yes => Value::Null,
            IsNull::No => buffer
                .value
                .take()
                .ok_or("an Encode implementation wrote no value")?,
        };
        // A NULL travels as a NULL of the Nullable type.
        let type_info = match type_info.data_type() {
            t if value.is_null() && !t.is_nullable() => {
                ClickHouseTypeInfo::new(DataType::Nullable(Box::new(t.clone())))
            }
            _ => type_info,
        };
        self.values.push((value, type_info));
        Ok(())
    }

    fn len(&self) -> usize {
        self.values.len()
    }

    /// `{pN:Type}` for the value just added (what `QueryBuilder::push_bind` writes).
    fn format_placeholder<W: Write>(&self, writer: &mut W) -> fmt::Result {
        let n = self.values.len();
        match self.values.last() {
            Some((_, type_info)) => write!(writer, "{{p{n}:{type_info}}}"),
            None => writer.write_char('?'),
        }
    }
}
