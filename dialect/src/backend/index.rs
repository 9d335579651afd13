//! `IndexBuilder` and `ForeignKeyBuilder` for ClickHouse. ClickHouse has data-skipping
//! indexes and no foreign keys: primary-key indexes inside CREATE TABLE become `PRIMARY KEY
//! (..)`, everything else is written so the server rejects it.

use sea_query::{
    ForeignKeyBuilder, ForeignKeyCreateStatement, ForeignKeyDropStatement, IndexBuilder,
    IndexCreateStatement, IndexDropStatement, Mode, SqlWriter, TableRef, TableRefBuilder,
};

use super::ClickHouseQueryBuilder;

const NO_INDEX: &str = "SELECT throwError('sea-query index statements are not supported for ClickHouse; use ALTER TABLE ... ADD INDEX')";
const NO_FK: &str = "SELECT throwError('ClickHouse has no foreign keys')";

impl IndexBuilder for ClickHouseQueryBuilder {
    fn prepare_table_index_expression(
        &self,
        create: &IndexCreateStatement,
        sql: &mut impl SqlWriter,
    ) {
        if create.is_primary_key() {
            let _ = sql.write_str("PRIMARY KEY ");
            let columns = &create.get_index_spec().get_column_names();
            let _ = sql.write_str("(");
            for (i, c) in columns.iter().enumerate() {
                if i > 0 {
                    let _ = sql.write_str(", ");
                }
                let _ = crate::literal::write_identifier(sql, c);
            }
            let _ = sql.write_str(")");
        } else {
            let _ = sql.write_str("INDEX UNSUPPORTED");
        }
    }

    fn prepare_index_create_statement(&self, _: &IndexCreateStatement, sql: &mut impl SqlWriter) {
        let _ = sql.write_str(NO_INDEX);
    }

    fn prepare_table_ref_index_stmt(&self, table_ref: &TableRef, sql: &mut impl SqlWriter) {
        self.prepare_table_ref_iden(table_ref, sql);
    }

    fn prepare_index_drop_statement(&self, _: &IndexDropStatement, sql: &mut impl SqlWriter) {
        let _ = sql.write_str(NO_INDEX);
    }

    fn prepare_index_prefix(&self, _: &IndexCreateStatement, _: &mut impl SqlWriter) {}
}

impl ForeignKeyBuilder for ClickHouseQueryBuilder {
    fn prepare_table_ref_fk_stmt(&self, table_ref: &TableRef, sql: &mut impl SqlWriter) {
        self.prepare_table_ref_iden(table_ref, sql);
    }

    fn prepare_foreign_key_drop_statement_internal(
        &self,
        _: &ForeignKeyDropStatement,
        sql: &mut impl SqlWriter,
        _: Mode,
    ) {
        let _ = sql.write_str(NO_FK);
    }

    fn prepare_foreign_key_create_statement_internal(
        &self,
        _: &ForeignKeyCreateStatement,
        sql: &mut impl SqlWriter,
        mode: Mode,
    ) {
        if matches!(mode, Mode::Creation) {
            let _ = sql.write_str("FOREIGN KEY UNSUPPORTED");
        } else {
            let _ = sql.write_str(NO_FK);
        }
    }
}
