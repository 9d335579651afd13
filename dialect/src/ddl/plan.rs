//! [`AlterPlan`]: the `ALTER TABLE` statements for a schema diff
//! ([`clickhouse_connect::reflect::diff`]), each with its class, or a refusal that says why a
//! change needs a rebuild.

use clickhouse_connect::reflect::{
    Change, ChangeClass, ChangeKind, ColumnProperty as Property, DefaultKind, SchemaDiff,
    TableSchema, diff,
};
use sea_query::{Expr, IntoIden};

use super::ChColumn;
use super::alter::{AlterTable, ColumnProperty};
use super::from_schema::{setting_value, sql};
use crate::error::{Error, Result};
use crate::statement::ChStatement;

/// One `ALTER TABLE` statement of a plan.
#[derive(Debug, Clone)]
#[non_exhaustive]
pub struct AlterStep {
    /// The statement.
    pub statement: AlterTable,
    /// How it reaches the data: the heaviest class among its changes.
    pub class: ChangeClass,
    /// What to know about it (what a mutation rewrites, a possible rename, an index that
    /// existing parts get only once materialized).
    pub notes: Vec<String>,
}

/// The `ALTER TABLE` statements that turn a table into another definition, in order: the
/// draft of a migration.
///
/// ```no_run
/// # async fn run() -> Result<(), Box<dyn std::error::Error>> {
/// use clickhouse_connect::Client;
/// use sea_query_clickhouse::{AlterPlan, ChStatement};
///
/// let client = Client::builder().url("http://localhost:8123").build()?;
/// let live = client.reflect().table("app", "events").await?;
/// let wanted = client.reflect().table("staging", "events").await?.in_database("app")?;
/// for step in AlterPlan::between(&live, &wanted)?.steps() {
///     println!("-- {:?} {}\n{};", step.class, step.notes.join(" "), step.statement.to_sql()?);
/// }
/// # Ok(())
/// # }
/// ```
#[derive(Debug, Clone, Default)]
pub struct AlterPlan {
    steps: Vec<AlterStep>,
}

impl AlterPlan {
    /// The plan that turns `old` into `new` (see [`diff`] on comparing tables of two
    /// databases); the statements name `old`'s table.
    pub fn between(old: &TableSchema, new: &TableSchema) -> Result<AlterPlan> {
        Self::new(old, &diff(old, new))
    }

    /// The statements for `diff` on `table`. Changes no `ALTER` can make are refused with an
    /// [`Error::Unsupported`] that lists each and why.
    pub fn new(table: &TableSchema, diff: &SchemaDiff) -> Result<AlterPlan> {
        let refused: Vec<String> = diff
            .rebuilds()
            .map(|c| match (&c.kind, &c.note) {
                (ChangeKind::Rebuild { what }, Some(why)) => format!("{what}: {why}"),
                (ChangeKind::Rebuild { what }, None) => what.clone(),
                (other, _) => format!("{other:?}"),
            })
            .collect();
        if !refused.is_empty() {
            return Err(Error::Unsupported(format!(
                "{}.{} cannot be altered into the new definition; it must be rebuilt (created \
                 anew and its data copied) because of {}",
                table.database,
                table.name,
                refused.join("; ")
            )));
        }
        let name = || (table.database.clone(), table.name.clone());
        let order_by = diff.changes.iter().find_map(|c| match &c.kind {
            ChangeKind::ModifyOrderBy { order_by, .. } => Some(order_by.clone()),
            _ => None,
        });
        let mut steps: Vec<AlterStep> = Vec::new();
        let mut adds: Option<usize> = None;
        for change in &diff.changes {
            // With a new sorting key, every added column goes into one statement with it.
            if let (ChangeKind::AddColumn { .. }, Some(key)) = (&change.kind, &order_by) {
                match adds {
                    Some(i) => {
                        let step = &mut steps[i];
                        step.statement = apply(step.statement.clone(), change)?;
                        merge(step, change);
                    }
                    None => {
                        let mut step = AlterStep {
                            statement: apply(AlterTable::new(name()), change)?,
                            class: change.class,
                            notes: Vec::new(),
                        };
                        merge(&mut step, change);
                        step.statement = step.statement.modify_order_by(key);
                        adds = Some(steps.len());
                        steps.push(step);
                    }
                }
                continue;
            }
            if matches!(change.kind, ChangeKind::ModifyOrderBy { .. }) {
                continue;
            }
            let mut step = AlterStep {
                statement: apply(AlterTable::new(name()), change)?,
                class: change.class,
                notes: Vec::new(),
            };
            merge(&mut step, change);
            steps.push(step);
        }
        Ok(AlterPlan { steps })
    }

    /// The statements with their classes and notes.
    pub fn steps(&self) -> &[AlterStep] {
        &self.steps
    }

    /// Whether there is nothing to do.
    pub fn is_empty(&self) -> bool {
        self.steps.is_empty()
    }

    /// The heaviest class among the steps.
    pub fn class(&self) -> Option<ChangeClass> {
        self.steps.iter().map(|s| s.class).max()
    }

    /// The statements as SQL, in order.
    pub fn to_sql(&self) -> Result<Vec<String>> {
        self.steps.iter().map(|s| s.statement.to_sql()).collect()
    }
}

fn merge(step: &mut AlterStep, change: &Change) {
    step.class = step.class.max(change.class);
    if let Some(note) = &change.note {
        step.notes.push(note.clone());
    }
}

fn expr(text: &str) -> Result<Expr> {
    sql(text, "an expression")
}

/// Adds the operation for `change` to `alter`.
fn apply(alter: AlterTable, change: &Change) -> Result<AlterTable> {
    Ok(match &change.kind {
        ChangeKind::AddColumn { column, after } => {
            let alter = alter.add_column(ChColumn::from(column), false);
            match after {
                Some(a) => alter.after(a.clone()),
                None => alter.first(),
            }
        }
        ChangeKind::DropColumn { name } => alter.drop_column(name.clone(), false),
        ChangeKind::ModifyColumn { column } => alter.modify_column(ChColumn::from(column), false),
        ChangeKind::RemoveColumnProperty { name, property } => {
            let property = match property {
                Property::Default(DefaultKind::Materialized) => ColumnProperty::Materialized,
                Property::Default(DefaultKind::Ephemeral) => ColumnProperty::Ephemeral,
                Property::Default(DefaultKind::Alias) => ColumnProperty::Alias,
                Property::Default(_) => ColumnProperty::Default,
                Property::Codec => ColumnProperty::Codec,
                Property::Ttl => ColumnProperty::Ttl,
                other => {
                    return Err(Error::Unsupported(format!(
                        "removing {} from a column",
                        other.keyword()
                    )));
                }
            };
            alter.remove_column_property(name.clone(), property)
        }
        ChangeKind::CommentColumn { name, comment } => {
            alter.comment_column(name.clone(), comment, false)
        }
        ChangeKind::MoveColumn { column, after } => alter.move_column(
            column.name.clone(),
            &column.data_type.to_string(),
            after.clone().map(IntoIden::into_iden),
        ),
        ChangeKind::AddIndex(index) => alter.add_index(
            &index.name,
            expr(&index.expression)?,
            &index.index_type,
            index.granularity,
        ),
        ChangeKind::DropIndex { name } => alter.drop_index(name),
        ChangeKind::AddProjection(p) => alter.add_projection(&p.name, &p.query),
        ChangeKind::DropProjection { name } => alter.drop_projection(name),
        ChangeKind::AddConstraint(c) => alter.add_constraint(
            &c.name,
            expr(&c.expression)?,
            c.kind == clickhouse_connect::reflect::ConstraintKind::Assume,
        ),
        ChangeKind::DropConstraint { name } => alter.drop_constraint(name),
        ChangeKind::ModifyTtl { ttl } => alter.modify_ttl(expr(ttl)?),
        ChangeKind::RemoveTtl => alter.remove_ttl(),
        ChangeKind::ModifyOrderBy { order_by, .. } => alter.modify_order_by(order_by),
        ChangeKind::ModifySampleBy { sampling_key } => alter.modify_sample_by(expr(sampling_key)?),
        ChangeKind::RemoveSampleBy => alter.remove_sample_by(),
        ChangeKind::ModifySetting(setting) => {
            alter.modify_setting(&setting.name, setting_value(&setting.name, &setting.value)?)
        }
        ChangeKind::ResetSetting { name } => alter.reset_setting(name),
        ChangeKind::ModifyComment { comment } => alter.modify_comment(comment),
        other => {
            return Err(Error::Unsupported(format!(
                "a change the dialect cannot write: {other:?}"
            )));
        }
    })
}
