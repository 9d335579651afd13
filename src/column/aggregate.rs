//! `AggregateFunction(f, T)` states whose size the client can tell: `sum` (an 8-byte sum for
//! integers and floats), `count` (a VarUInt), and `min`, `max`, `any`, `anyLast` of a fixed-width
//! type (a flag byte, then the value when the flag is set). The states are kept as raw bytes,
//! read and written unchanged. Other functions' states carry no length: reading them is refused
//! with advice to select `finalizeAggregation(col)` or use the `-Merge` combinator.

use super::StringColumn;
use super::fixed::FixedKind;
use crate::error::{Error, Result};
use crate::types::{AggregateFunction, DataType};
use crate::wire::{ReadError, ReadResult, Reader};

/// How a supported state is laid out.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum StateLayout {
    /// A fixed number of bytes.
    Fixed(usize),
    /// A VarUInt.
    VarUInt,
    /// A flag byte, then `n` bytes when the flag is set.
    Optional(usize),
}

/// The layout of `f`'s state, if the client can read it.
pub(crate) fn layout(f: &AggregateFunction) -> Option<StateLayout> {
    let argument_width = || {
        f.arguments
            .first()
            .and_then(FixedKind::of)
            .map(FixedKind::width)
    };
    let numeric = |t: &DataType| {
        matches!(
            t,
            DataType::UInt8
                | DataType::UInt16
                | DataType::UInt32
                | DataType::UInt64
                | DataType::Int8
                | DataType::Int16
                | DataType::Int32
                | DataType::Int64
                | DataType::Float32
                | DataType::Float64
        )
    };
    if !f.parameters.is_empty() {
        return None;
    }
    match f.name.as_str() {
        "sum" if f.arguments.len() == 1 && numeric(&f.arguments[0]) => Some(StateLayout::Fixed(8)),
        "count" => Some(StateLayout::VarUInt),
        "min" | "max" | "any" | "anyLast" if f.arguments.len() == 1 => {
            argument_width().map(StateLayout::Optional)
        }
        _ => None,
    }
}

/// Raw aggregate states, one per row.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AggregateStateColumn {
    layout: StateLayout,
    /// The states back to back, one row each.
    states: StringColumn,
}

impl AggregateStateColumn {
    pub(crate) fn new(layout: StateLayout) -> Self {
        AggregateStateColumn {
            layout,
            states: StringColumn::default(),
        }
    }

    /// The number of rows.
    pub fn len(&self) -> usize {
        self.states.len()
    }

    /// Whether there are no rows.
    pub fn is_empty(&self) -> bool {
        self.states.is_empty()
    }

    /// The state bytes of row `i`.
    pub fn get(&self, i: usize) -> Option<&[u8]> {
        self.states.get(i)
    }

    pub(crate) fn byte_size(&self) -> usize {
        self.states.byte_size()
    }

    /// The length of the state at the start of `bytes`, `None` if it has not fully arrived.
    fn state_len(layout: StateLayout, r: &mut Reader<'_>) -> ReadResult<usize> {
        let start = r.position();
        match layout {
            StateLayout::Fixed(n) => {
                r.take(n)?;
            }
            StateLayout::VarUInt => {
                r.varuint()?;
            }
            StateLayout::Optional(n) => {
                if r.u8()? != 0 {
                    r.take(n)?;
                }
            }
        }
        Ok(r.position() - start)
    }

    pub(crate) fn read(layout: StateLayout, rows: usize, r: &mut Reader<'_>) -> ReadResult<Self> {
        let mut column = AggregateStateColumn {
            layout,
            states: StringColumn::with_capacity(rows.min(r.remaining()), 0),
        };
        for _ in 0..rows {
            let before = r.rest();
            let n = Self::state_len(layout, r)?;
            column.states.push(&before[..n]);
        }
        Ok(column)
    }

    /// Reads one state (its RowBinary form is the same as in Native) and appends it.
    pub(crate) fn read_row_binary(&mut self, r: &mut Reader<'_>) -> ReadResult<()> {
        let before = r.rest();
        let n = Self::state_len(self.layout, r)?;
        self.states.push(&before[..n]);
        Ok(())
    }

    /// Appends a state, checking that it is one whole state of this layout.
    pub(crate) fn push(&mut self, state: &[u8]) -> Result<()> {
        let mut r = Reader::new(state, 0);
        match Self::state_len(self.layout, &mut r) {
            Ok(n) if n == state.len() => {
                self.states.push(state);
                Ok(())
            }
            Ok(_) | Err(ReadError::Incomplete) | Err(ReadError::Invalid(_)) => {
                Err(Error::invalid_input(format!(
                    "{} bytes are not one aggregate state of this function",
                    state.len()
                )))
            }
        }
    }

    pub(crate) fn write(&self, out: &mut Vec<u8>) {
        // States carry their own lengths: no prefixes between them.
        for state in self.states.iter() {
            out.extend_from_slice(state);
        }
    }

    pub(crate) fn slice(&self, start: usize, end: usize) -> Self {
        AggregateStateColumn {
            layout: self.layout,
            states: self.states.slice(start, end),
        }
    }
}
