//! Tests that cross layers: Native blocks and protocol packets (the `native` layer) decoded from
//! captured and golden bytes and checked as [`Value`](crate::Value)s (the layer above). The
//! layers' own unit tests sit in their files; these live apart so that `native` never imports
//! `value`.

mod native_blocks;
mod native_packets;
