//! [`diff`]: what turns one table into another, change by change, each classified as a
//! metadata change, a mutation (rewrites data) or impossible without rebuilding the table.
//!
//! The changes come in an order they can be applied in: indexes, projections and constraints
//! that go away first, then columns added, changed and moved, then the table's keys and TTL,
//! then columns dropped, then the new indexes, projections and constraints, then settings and
//! the comment. The dialect renders them as `ALTER TABLE` statements
//! (`sea_query_clickhouse::AlterPlan`); the driver only describes them.
//!
//! Two schemas cannot say that a column was renamed: a column dropped and one added with the
//! same type at the same place are reported as a drop and an add, each with a note that it
//! may be a rename (`RENAME COLUMN` would keep the data).

use std::collections::HashSet;

use super::schema::{
    ColumnDefault, ColumnSchema, Constraint, DefaultKind, Projection, SkipIndex, TableKind,
    TableSchema, TableSetting,
};
use crate::types::DataType;

/// How a change reaches the table's data.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
#[non_exhaustive]
pub enum ChangeClass {
    /// Only the table's metadata changes; no data is read or written.
    MetadataOnly,
    /// A mutation: the server rewrites (or deletes) data in the background, part by part.
    Mutation,
    /// No `ALTER` can do it: the table must be created anew and its data copied.
    Rebuild,
}

/// One change.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum ChangeKind {
    /// `ADD COLUMN column AFTER after` (`FIRST` when `after` is `None`); a comment follows as
    /// a [`ChangeKind::CommentColumn`] of its own.
    AddColumn {
        /// The column as it should be.
        column: ColumnSchema,
        /// The column it follows.
        after: Option<String>,
    },
    /// `DROP COLUMN name`.
    DropColumn {
        /// The column.
        name: String,
    },
    /// `MODIFY COLUMN`: the column's type, default, codec or TTL change to `column`'s (whose
    /// comment is left out: a comment change is a [`ChangeKind::CommentColumn`]).
    ModifyColumn {
        /// The column as it should be.
        column: ColumnSchema,
    },
    /// `MODIFY COLUMN name REMOVE <property>`.
    RemoveColumnProperty {
        /// The column.
        name: String,
        /// What goes.
        property: ColumnProperty,
    },
    /// `COMMENT COLUMN name 'comment'` (empty to remove it).
    CommentColumn {
        /// The column.
        name: String,
        /// The new comment.
        comment: String,
    },
    /// `MODIFY COLUMN name type AFTER after` (`FIRST` when `after` is `None`).
    MoveColumn {
        /// The column as it is.
        column: ColumnSchema,
        /// The column it should follow.
        after: Option<String>,
    },
    /// `ADD INDEX`.
    AddIndex(SkipIndex),
    /// `DROP INDEX name`.
    DropIndex {
        /// The index.
        name: String,
    },
    /// `ADD PROJECTION`.
    AddProjection(Projection),
    /// `DROP PROJECTION name`.
    DropProjection {
        /// The projection.
        name: String,
    },
    /// `ADD CONSTRAINT`.
    AddConstraint(Constraint),
    /// `DROP CONSTRAINT name`.
    DropConstraint {
        /// The constraint.
        name: String,
    },
    /// `MODIFY TTL ttl`.
    ModifyTtl {
        /// The new table TTL.
        ttl: String,
    },
    /// `REMOVE TTL`.
    RemoveTtl,
    /// `MODIFY ORDER BY order_by`: the sorting key grows by columns added in the same
    /// statement (the only change the server allows it).
    ModifyOrderBy {
        /// The new `ORDER BY`.
        order_by: String,
        /// The columns added with it.
        added: Vec<String>,
    },
    /// `MODIFY SAMPLE BY sampling_key`.
    ModifySampleBy {
        /// The new sampling key.
        sampling_key: String,
    },
    /// `REMOVE SAMPLE BY`.
    RemoveSampleBy,
    /// `MODIFY SETTING name = value`.
    ModifySetting(TableSetting),
    /// `RESET SETTING name`.
    ResetSetting {
        /// The setting.
        name: String,
    },
    /// `MODIFY COMMENT 'comment'`.
    ModifyComment {
        /// The new comment (empty to remove it).
        comment: String,
    },
    /// What no `ALTER` does: a different engine, partition key, sorting-key prefix, primary
    /// key, kind, view query or dictionary definition.
    Rebuild {
        /// What differs.
        what: String,
    },
}

/// A column property `MODIFY COLUMN ... REMOVE` takes away.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum ColumnProperty {
    /// `DEFAULT`, `MATERIALIZED`, `EPHEMERAL` (the server's `REMOVE` keyword for each).
    Default(DefaultKind),
    /// `CODEC`.
    Codec,
    /// `TTL`.
    Ttl,
}

impl ColumnProperty {
    /// The keyword after `REMOVE`.
    pub fn keyword(self) -> &'static str {
        match self {
            ColumnProperty::Default(kind) => kind.keyword(),
            ColumnProperty::Codec => "CODEC",
            ColumnProperty::Ttl => "TTL",
        }
    }
}

/// One change with its class and, where it matters, a note on what it does or why it cannot
/// be done.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct Change {
    /// What changes.
    pub kind: ChangeKind,
    /// How it reaches the data.
    pub class: ChangeClass,
    /// What to know: why a rebuild is needed, what a mutation rewrites, a possible rename.
    pub note: Option<String>,
}

impl Change {
    fn new(kind: ChangeKind, class: ChangeClass, note: Option<String>) -> Self {
        Change { kind, class, note }
    }
}

/// The changes from one table to another, in an order they can be applied in.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
#[non_exhaustive]
pub struct SchemaDiff {
    /// The changes.
    pub changes: Vec<Change>,
}

impl SchemaDiff {
    /// Whether the two tables have the same definition.
    pub fn is_empty(&self) -> bool {
        self.changes.is_empty()
    }

    /// The changes no `ALTER` can make.
    pub fn rebuilds(&self) -> impl Iterator<Item = &Change> {
        self.changes
            .iter()
            .filter(|c| c.class == ChangeClass::Rebuild)
    }

    /// The heaviest class among the changes (`None` when there are none).
    pub fn class(&self) -> Option<ChangeClass> {
        self.changes.iter().map(|c| c.class).max()
    }
}

/// MergeTree settings the server does not let an `ALTER` change.
const READONLY_SETTINGS: [&str; 2] = ["index_granularity", "index_granularity_bytes"];

/// The changes that turn table `old` into table `new`.
///
/// Names are compared as they are: to compare tables of two databases, move one to the other's
/// database first ([`TableSchema::in_database`]), so that the queries and engine arguments that
/// name the database agree. The tables' own names do not matter.
pub fn diff(old: &TableSchema, new: &TableSchema) -> SchemaDiff {
    let mut out = Differ::default();
    if let Some(what) = structural(old, new) {
        out.rebuild(what.0, what.1);
        return SchemaDiff {
            changes: out.changes,
        };
    }
    // Indexes, projections and constraints that go or change, first.
    let (index_gone, index_new) = by_name(&old.skip_indexes, &new.skip_indexes, |i| &i.name);
    for i in index_gone {
        out.metadata(
            ChangeKind::DropIndex {
                name: i.name.clone(),
            },
            None,
        );
    }
    let (proj_gone, proj_new) = by_name(&old.projections, &new.projections, |p| &p.name);
    for p in proj_gone {
        out.metadata(
            ChangeKind::DropProjection {
                name: p.name.clone(),
            },
            None,
        );
    }
    let (cons_gone, cons_new) = by_name(&old.constraints, &new.constraints, |c| &c.name);
    for c in cons_gone {
        out.metadata(
            ChangeKind::DropConstraint {
                name: c.name.clone(),
            },
            None,
        );
    }

    let columns = columns(old, new, &mut out);

    // Keys and TTL.
    if old.partition_key != new.partition_key {
        out.rebuild(
            format!(
                "the partition key ({} to {})",
                shown(&old.partition_key),
                shown(&new.partition_key)
            ),
            "data is stored by partition; a new partition key needs a new table".into(),
        );
    }
    let (old_sort, new_sort) = (old.sorting_key(), new.sorting_key());
    if old_sort != new_sort {
        let grows = new_sort.len() > old_sort.len() && new_sort.starts_with(&old_sort);
        let extra_added = new_sort[old_sort.len().min(new_sort.len())..]
            .iter()
            .all(|e| columns.added.contains(e.trim_matches('`')));
        if grows && extra_added && old.effective_primary_key() == new.effective_primary_key() {
            out.metadata(
                ChangeKind::ModifyOrderBy {
                    order_by: new.order_by.clone().unwrap_or_else(|| "tuple()".into()),
                    added: new_sort[old_sort.len()..].to_vec(),
                },
                None,
            );
        } else {
            out.rebuild(
                format!(
                    "the sorting key ({} to {})",
                    shown(&old.order_by),
                    shown(&new.order_by)
                ),
                "an ALTER can only append columns added in the same statement to the sorting key, \
                 keeping its prefix and the primary key; data is sorted by it"
                    .into(),
            );
        }
    } else if old.effective_primary_key() != new.effective_primary_key() {
        out.rebuild(
            format!(
                "the primary key ({} to {})",
                old.effective_primary_key().join(", "),
                new.effective_primary_key().join(", ")
            ),
            "the primary index is built from it when parts are written".into(),
        );
    }
    if old.sampling_key != new.sampling_key {
        match &new.sampling_key {
            Some(key) => out.metadata(
                ChangeKind::ModifySampleBy {
                    sampling_key: key.clone(),
                },
                None,
            ),
            None => out.metadata(ChangeKind::RemoveSampleBy, None),
        }
    }
    if old.ttl != new.ttl {
        match &new.ttl {
            Some(ttl) => out.push(
                ChangeKind::ModifyTtl { ttl: ttl.clone() },
                ChangeClass::Mutation,
                Some(
                    "existing parts are checked against the new TTL (materialize_ttl_after_modify), \
                     which rewrites or deletes data"
                        .into(),
                ),
            ),
            None => out.metadata(ChangeKind::RemoveTtl, None),
        }
    }

    // Columns that go, last among the column changes.
    for change in columns.drops {
        out.changes.push(change);
    }

    for i in index_new {
        out.metadata(
            ChangeKind::AddIndex(i.clone()),
            Some(format!(
                "parts written before get the index only after MATERIALIZE INDEX {} (a mutation)",
                i.name
            )),
        );
    }
    for p in proj_new {
        out.metadata(
            ChangeKind::AddProjection(p.clone()),
            Some(format!(
                "parts written before get the projection only after MATERIALIZE PROJECTION {} \
                 (a mutation)",
                p.name
            )),
        );
    }
    for c in cons_new {
        out.metadata(
            ChangeKind::AddConstraint(c.clone()),
            Some("checked on inserts from now on; existing rows are not checked".into()),
        );
    }

    // Settings and comment.
    for setting in &new.settings {
        if !old.settings.contains(setting) {
            if READONLY_SETTINGS.contains(&setting.name.as_str()) {
                out.rebuild(
                    format!("setting {} (to {})", setting.name, setting.value),
                    format!("the server does not let an ALTER change {}", setting.name),
                );
            } else {
                out.metadata(ChangeKind::ModifySetting(setting.clone()), None);
            }
        }
    }
    for setting in &old.settings {
        if !new.settings.iter().any(|s| s.name == setting.name) {
            if READONLY_SETTINGS.contains(&setting.name.as_str()) {
                out.rebuild(
                    format!("setting {} (reset)", setting.name),
                    format!("the server does not let an ALTER change {}", setting.name),
                );
            } else {
                out.metadata(
                    ChangeKind::ResetSetting {
                        name: setting.name.clone(),
                    },
                    None,
                );
            }
        }
    }
    if old.comment != new.comment {
        out.metadata(
            ChangeKind::ModifyComment {
                comment: new.comment.clone().unwrap_or_default(),
            },
            None,
        );
    }
    SchemaDiff {
        changes: out.changes,
    }
}

#[derive(Default)]
struct Differ {
    changes: Vec<Change>,
}

impl Differ {
    fn push(&mut self, kind: ChangeKind, class: ChangeClass, note: Option<String>) {
        self.changes.push(Change::new(kind, class, note));
    }
    fn metadata(&mut self, kind: ChangeKind, note: Option<String>) {
        self.push(kind, ChangeClass::MetadataOnly, note);
    }
    fn rebuild(&mut self, what: String, why: String) {
        self.push(
            ChangeKind::Rebuild { what },
            ChangeClass::Rebuild,
            Some(why),
        );
    }
}

fn shown(text: &Option<String>) -> &str {
    text.as_deref().unwrap_or("none")
}

/// Differences no `ALTER` makes to a table of this kind: kind, engine, view or dictionary
/// definitions. Returns what and why.
fn structural(old: &TableSchema, new: &TableSchema) -> Option<(String, String)> {
    if std::mem::discriminant(&old.kind) != std::mem::discriminant(&new.kind) {
        return Some((
            format!("the kind ({} to {})", old.kind.name(), new.kind.name()),
            "a table, view and dictionary are different objects".into(),
        ));
    }
    match (&old.kind, &new.kind) {
        (TableKind::Table, _) => {}
        (TableKind::Dictionary(_), _) => {
            return (!same_definition(old, new)).then(|| {
                (
                    "the dictionary's definition".into(),
                    "dictionaries are not altered; recreate it (CREATE OR REPLACE DICTIONARY)"
                        .into(),
                )
            });
        }
        _ => {
            return (!same_definition(old, new)).then(|| {
                (
                    format!("the {}'s definition", old.kind.name()),
                    "views are recreated, not altered (CREATE OR REPLACE VIEW; a materialized \
                     view's storage is its inner or TO table)"
                        .into(),
                )
            });
        }
    }
    let engine = |t: &TableSchema| t.engine.as_ref().map(|e| e.to_sql());
    if engine(old) != engine(new) {
        return Some((
            format!(
                "the engine ({} to {})",
                engine(old).unwrap_or_default(),
                engine(new).unwrap_or_default()
            ),
            "a table's engine is fixed when it is created".into(),
        ));
    }
    None
}

/// Whether two schemas define the same object, whatever their names.
fn same_definition(old: &TableSchema, new: &TableSchema) -> bool {
    let mut a = old.definition();
    a.database.clone_from(&new.database);
    a.name.clone_from(&new.name);
    a == new.definition()
}

/// Items of `old` not in `new` (or changed), and items of `new` not in `old` (or changed).
fn by_name<'a, T: PartialEq>(
    old: &'a [T],
    new: &'a [T],
    name: impl Fn(&T) -> &String,
) -> (Vec<&'a T>, Vec<&'a T>) {
    let gone = old
        .iter()
        .filter(|o| !new.iter().any(|n| name(n) == name(o) && n == *o))
        .collect();
    let added = new
        .iter()
        .filter(|n| !old.iter().any(|o| name(n) == name(o) && **n == *o))
        .collect();
    (gone, added)
}

/// The column changes: adds, modifications and moves go into `out` at once; drops are
/// returned to go after the key changes.
struct ColumnChanges {
    added: HashSet<String>,
    drops: Vec<Change>,
}

fn key_names(column: &ColumnSchema) -> Vec<&'static str> {
    let k = column.keys;
    [
        (k.partition, "partition"),
        (k.sorting, "sorting"),
        (k.primary, "primary"),
        (k.sampling, "sampling"),
    ]
    .into_iter()
    .filter(|(on, _)| *on)
    .map(|(_, n)| n)
    .collect()
}

/// Whether a type change rewrites nothing: an enum that only gains items.
fn metadata_only_type_change(old: &DataType, new: &DataType) -> bool {
    match (old, new) {
        (DataType::Enum8(a), DataType::Enum8(b)) => a.iter().all(|x| b.contains(x)),
        (DataType::Enum16(a), DataType::Enum16(b)) => a.iter().all(|x| b.contains(x)),
        (DataType::LowCardinality(a), DataType::LowCardinality(b))
        | (DataType::Nullable(a), DataType::Nullable(b)) => metadata_only_type_change(a, b),
        _ => false,
    }
}

fn is_stored(default: &Option<ColumnDefault>) -> bool {
    !matches!(
        default.as_ref().map(|d| d.kind),
        Some(DefaultKind::Alias | DefaultKind::Ephemeral)
    )
}

fn columns(old: &TableSchema, new: &TableSchema, out: &mut Differ) -> ColumnChanges {
    let old_names: HashSet<&str> = old.columns.iter().map(|c| c.name.as_str()).collect();
    let new_names: HashSet<&str> = new.columns.iter().map(|c| c.name.as_str()).collect();
    let dropped: Vec<&ColumnSchema> = old
        .columns
        .iter()
        .filter(|c| !new_names.contains(c.name.as_str()))
        .collect();
    let mut added = HashSet::new();
    // The order as the server will see it after each step: old columns, then each added one
    // after its predecessor in the new order.
    let mut order: Vec<String> = old.columns.iter().map(|c| c.name.clone()).collect();
    let rename_note = |gone: &ColumnSchema, came: &ColumnSchema| {
        format!(
            "{} and {} have the same type and place: if this is a rename, RENAME COLUMN {} TO {} \
             keeps the data that dropping and adding loses",
            gone.name, came.name, gone.name, came.name
        )
    };
    for (i, column) in new.columns.iter().enumerate() {
        if old_names.contains(column.name.as_str()) {
            continue;
        }
        let after = i.checked_sub(1).map(|p| new.columns[p].name.clone());
        let renamed = dropped
            .iter()
            .find(|d| d.position == column.position && d.data_type == column.data_type);
        let at = match &after {
            Some(a) => order
                .iter()
                .position(|n| n == a)
                .map_or(order.len(), |p| p + 1),
            None => 0,
        };
        order.insert(at, column.name.clone());
        added.insert(column.name.clone());
        // The comment goes in a statement of its own: 18.x servers drop it from ADD COLUMN.
        let mut bare = column.clone();
        bare.comment = None;
        out.metadata(
            ChangeKind::AddColumn {
                column: bare,
                after,
            },
            renamed.map(|d| rename_note(d, column)),
        );
        if let Some(comment) = &column.comment {
            out.metadata(
                ChangeKind::CommentColumn {
                    name: column.name.clone(),
                    comment: comment.clone(),
                },
                None,
            );
        }
    }
    for column in &new.columns {
        let Some(was) = old.column(&column.name) else {
            continue;
        };
        modify_column(was, column, out);
    }
    // Moves: walk the new order, placing each column right after its predecessor (columns
    // about to be dropped do not count).
    let dropped_names: HashSet<&str> = dropped.iter().map(|c| c.name.as_str()).collect();
    for (i, column) in new.columns.iter().enumerate() {
        let kept: Vec<&String> = order
            .iter()
            .filter(|n| !dropped_names.contains(n.as_str()))
            .collect();
        let here = kept.iter().position(|n| **n == column.name);
        let want = i;
        if here == Some(want) {
            continue;
        }
        let after = i.checked_sub(1).map(|p| new.columns[p].name.clone());
        order.retain(|n| *n != column.name);
        let at = match &after {
            Some(a) => order
                .iter()
                .position(|n| n == a)
                .map_or(order.len(), |p| p + 1),
            None => 0,
        };
        order.insert(at, column.name.clone());
        out.metadata(
            ChangeKind::MoveColumn {
                column: column.clone(),
                after,
            },
            None,
        );
    }
    let mut drops = Vec::new();
    for column in dropped {
        let keys = key_names(column);
        if !keys.is_empty() {
            drops.push(Change::new(
                ChangeKind::Rebuild {
                    what: format!("dropping column {}", column.name),
                },
                ChangeClass::Rebuild,
                Some(format!(
                    "{} is part of the {} key",
                    column.name,
                    keys.join(" and ")
                )),
            ));
            continue;
        }
        let renamed = new.columns.iter().find(|c| {
            c.position == column.position
                && c.data_type == column.data_type
                && !old_names.contains(c.name.as_str())
        });
        let note = match renamed {
            Some(came) => format!("deletes the column's data; {}", rename_note(column, came)),
            None => "deletes the column's data".into(),
        };
        drops.push(Change::new(
            ChangeKind::DropColumn {
                name: column.name.clone(),
            },
            ChangeClass::Mutation,
            Some(note),
        ));
    }
    ColumnChanges { added, drops }
}

fn modify_column(was: &ColumnSchema, column: &ColumnSchema, out: &mut Differ) {
    let name = &column.name;
    let type_changed = was.data_type != column.data_type;
    let kind = |c: &ColumnSchema| c.default.as_ref().map(|d| d.kind);
    if is_stored(&was.default) != is_stored(&column.default) {
        out.rebuild(
            format!(
                "column {name} ({} to {})",
                kind(was).map_or("stored", |k| k.keyword()),
                kind(column).map_or("stored", |k| k.keyword())
            ),
            "a column cannot change between stored and ALIAS or EPHEMERAL; drop it and add it"
                .into(),
        );
        return;
    }
    let default_changed = was.default != column.default && column.default.is_some();
    let codec_changed = was.codec != column.codec && column.codec.is_some();
    let ttl_changed = was.ttl != column.ttl && column.ttl.is_some();
    if type_changed || default_changed || codec_changed || ttl_changed {
        let keys = key_names(was);
        let free = !is_stored(&column.default)
            || metadata_only_type_change(&was.data_type, &column.data_type);
        let (class, note) = if type_changed && !free && !keys.is_empty() {
            out.rebuild(
                format!(
                    "column {name}'s type ({} to {})",
                    was.data_type, column.data_type
                ),
                format!(
                    "{name} is part of the {} key, whose type only changes in ways that rewrite nothing",
                    keys.join(" and ")
                ),
            );
            return;
        } else if type_changed && !free {
            (
                ChangeClass::Mutation,
                Some(format!(
                    "rewrites column {name} from {} to {}",
                    was.data_type, column.data_type
                )),
            )
        } else if ttl_changed {
            (
                ChangeClass::Mutation,
                Some(
                    "existing parts are checked against the new TTL (materialize_ttl_after_modify)"
                        .into(),
                ),
            )
        } else if codec_changed {
            (
                ChangeClass::MetadataOnly,
                Some("parts written from now on use the codec; merges recompress the rest".into()),
            )
        } else {
            (ChangeClass::MetadataOnly, None)
        };
        // Without its comment, which `CommentColumn` sets (and `MODIFY COLUMN` keeps).
        let mut bare = column.clone();
        bare.comment = None;
        out.push(ChangeKind::ModifyColumn { column: bare }, class, note);
    }
    if let (Some(d), None) = (&was.default, &column.default) {
        out.metadata(
            ChangeKind::RemoveColumnProperty {
                name: name.clone(),
                property: ColumnProperty::Default(d.kind),
            },
            None,
        );
    }
    if was.codec.is_some() && column.codec.is_none() {
        out.metadata(
            ChangeKind::RemoveColumnProperty {
                name: name.clone(),
                property: ColumnProperty::Codec,
            },
            Some("parts written from now on use the table's default compression".into()),
        );
    }
    if was.ttl.is_some() && column.ttl.is_none() {
        out.metadata(
            ChangeKind::RemoveColumnProperty {
                name: name.clone(),
                property: ColumnProperty::Ttl,
            },
            None,
        );
    }
    if was.comment != column.comment {
        out.metadata(
            ChangeKind::CommentColumn {
                name: name.clone(),
                comment: column.comment.clone().unwrap_or_default(),
            },
            None,
        );
    }
}
