//! `TableBuilder` for ClickHouse: sea-query's CREATE/DROP/RENAME/TRUNCATE TABLE with
//! ClickHouse column types. What sea-query's statements cannot say (engine parameters,
//! ORDER BY, column codecs, ...) lives on [`CreateTable`](crate::CreateTable); ALTER TABLE on
//! [`AlterTable`](crate::AlterTable). Constructs ClickHouse lacks are written so the server
//! rejects them rather than dropped.

use sea_query::{
    ColumnDef, ColumnType, MysqlQueryBuilder, SqlWriter, TableAlterStatement, TableBuilder,
    TableCreateStatement, TableRenameStatement,
};

use super::ClickHouseQueryBuilder;
use crate::ddl::ChColumn;
use crate::literal;
use crate::types::column_type;

fn unsupported(message: &str) -> String {
    format!("UNSUPPORTED({})", literal::quote(message))
}

impl TableBuilder for ClickHouseQueryBuilder {
    fn prepare_column_def(&self, column_def: &ColumnDef, sql: &mut impl SqlWriter) {
        let mut out = String::new();
        if let Err(e) = ChColumn::from(column_def.clone()).write(&mut out) {
            out = format!(
                "{} {}",
                column_def.get_column_name(),
                unsupported(&e.to_string())
            );
        }
        let _ = sql.write_str(&out);
    }

    fn prepare_column_type(&self, ty: &ColumnType, sql: &mut impl SqlWriter) {
        let text = column_type(ty).unwrap_or_else(|e| unsupported(&e.to_string()));
        let _ = sql.write_str(&text);
    }

    fn column_spec_auto_increment_keyword(&self) -> &str {
        "AUTO_INCREMENT"
    }

    fn prepare_table_opt(&self, create: &TableCreateStatement, sql: &mut impl SqlWriter) {
        self.prepare_table_opt_def(create, sql);
        if let (Some(comment), None) = (create.get_comment(), create.get_extra()) {
            let _ = sql.write_str(" COMMENT ");
            let _ = literal::write_string(sql, comment.as_bytes());
        }
    }

    fn prepare_table_alter_statement(&self, _: &TableAlterStatement, sql: &mut impl SqlWriter) {
        let _ = sql.write_str(
            "SELECT throwError('sea-query TableAlterStatement cannot be rendered for ClickHouse; use sea_query_clickhouse::AlterTable')",
        );
    }

    fn prepare_table_rename_statement(
        &self,
        rename: &TableRenameStatement,
        sql: &mut impl SqlWriter,
    ) {
        // The statement's names are private to sea-query; MySQL writes the same
        // `RENAME TABLE a TO b` with back-quoted names.
        MysqlQueryBuilder.prepare_table_rename_statement(rename, sql);
    }
}
