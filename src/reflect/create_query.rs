//! Reads the `CREATE` statement the server keeps for each table (`create_table_query`) for
//! what no system table lists: column TTLs, constraints, a view's `TO` target and query, a
//! dictionary's source and layout, and (on servers without the system tables for them) skip
//! indexes and projections. It also lists the columns the statement declares, which is how
//! columns hidden from `system.columns` are found.
//!
//! The server writes these statements itself, in one canonical form per version, so the
//! parser follows that form: clauses in the server's order, expressions cut out of the text as
//! written. Anything else is an error that names the statement, never a guess.

use super::lexer::{self, Kind, Tokens};
use super::schema::{
    ColumnDefault, Constraint, ConstraintKind, DefaultKind, Dictionary, DictionaryAttribute,
    DictionaryCall, Projection, SkipIndex, TableSetting,
};
use crate::error::{Error, Result};

/// What a `CREATE` statement creates.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum Creates {
    Table,
    View,
    MaterializedView,
    Dictionary,
    /// Something else (`LIVE VIEW`, `WINDOW VIEW`, ...): the words after `CREATE`.
    Other(String),
}

/// One column as the statement declares it.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub(crate) struct DeclaredColumn {
    pub(crate) name: String,
    pub(crate) type_text: String,
    pub(crate) default: Option<ColumnDefault>,
    pub(crate) comment: Option<String>,
    pub(crate) codec: Option<String>,
    pub(crate) ttl: Option<String>,
    pub(crate) dictionary: DictionaryAttribute,
}

/// What reflection reads from a `CREATE` statement.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Statement {
    pub(crate) creates: Creates,
    /// `REFRESH ...` of a refreshable materialized view.
    pub(crate) refresh: Option<String>,
    /// `TO [db.]table` of a materialized view.
    pub(crate) to: Option<(Option<String>, String)>,
    pub(crate) columns: Vec<DeclaredColumn>,
    pub(crate) skip_indexes: Vec<SkipIndex>,
    pub(crate) projections: Vec<Projection>,
    pub(crate) constraints: Vec<Constraint>,
    /// `ENGINE = ...` with its clauses, without `ENGINE =`.
    pub(crate) engine: Option<String>,
    /// A view's `SELECT`.
    pub(crate) query: Option<String>,
    pub(crate) comment: Option<String>,
    pub(crate) dictionary: Option<Dictionary>,
    /// `AS table` or `AS function(...)` of a table created like another.
    pub(crate) as_other: Option<String>,
}

/// Keywords that end a column's type.
const AFTER_TYPE: [&str; 17] = [
    "NULL",
    "NOT",
    "DEFAULT",
    "MATERIALIZED",
    "ALIAS",
    "EPHEMERAL",
    "COMMENT",
    "CODEC",
    "STATISTICS",
    "TTL",
    "PRIMARY",
    "SETTINGS",
    "EXPRESSION",
    "HIERARCHICAL",
    "BIDIRECTIONAL",
    "INJECTIVE",
    "IS_OBJECT_ID",
];

/// Keywords after `ENGINE = ...` that end the storage clauses.
const AFTER_ENGINE: [&str; 6] = ["AS", "COMMENT", "POPULATE", "EMPTY", "DEFINER", "SQL"];

struct Parser<'a> {
    all: Tokens<'a>,
    /// What the statement is, for error messages.
    what: &'a str,
}

impl<'a> Parser<'a> {
    fn error(&self, why: &str) -> Error {
        let head: String = self.all.text.chars().take(120).collect();
        Error::protocol(format!(
            "cannot read the CREATE statement of {} ({why}): {head}",
            self.what
        ))
    }

    fn len(&self) -> usize {
        self.all.tokens.len()
    }

    fn kind(&self, i: usize) -> Option<Kind> {
        self.all.tokens.get(i).map(|t| t.kind)
    }

    fn is_open(&self, i: usize) -> bool {
        self.kind(i) == Some(Kind::Open) && self.all.text_of(i) == "("
    }

    /// The index after a `[db.]name` at `i`, and the name.
    fn qualified_name(&self, i: usize) -> Result<(usize, Option<String>, String)> {
        let first = self.all.name(i).ok_or_else(|| self.error("no name"))?;
        if self.kind(i + 1) == Some(Kind::Dot) {
            let second = self
                .all
                .name(i + 2)
                .ok_or_else(|| self.error("no name after `.`"))?;
            Ok((i + 3, Some(first), second))
        } else {
            Ok((i + 1, None, first))
        }
    }

    /// The text inside the brackets opened at `open`, and the index after them.
    fn bracketed(&self, open: usize) -> Result<(&'a str, usize)> {
        let close = self
            .all
            .closing(open)
            .ok_or_else(|| self.error("an unclosed bracket"))?;
        Ok((self.all.slice(open + 1, close), close + 1))
    }

    fn string(&self, i: usize) -> Option<String> {
        (self.kind(i) == Some(Kind::String)).then(|| lexer::unquote(self.all.text_of(i)))
    }
}

/// Parses a statement; `what` names it in errors (`db.table`). Tables of some database
/// engines (`MySQL`, `PostgreSQL`, ...) have no statement: they are `Other`.
pub(crate) fn parse(text: &str, what: &str) -> Result<Statement> {
    if text.trim().is_empty() {
        return Ok(Statement::other(Creates::Other(String::new())));
    }
    let tokens = lexer::tokenize(text).map_err(|e| {
        Error::protocol(format!(
            "cannot read the CREATE statement of {what}: {}",
            e.0
        ))
    })?;
    let p = Parser {
        all: Tokens {
            text,
            tokens: &tokens,
        },
        what,
    };
    let all = p.all;
    if !all.is_word(0, "CREATE") && !all.is_word(0, "ATTACH") {
        return Err(p.error("it does not start with CREATE"));
    }
    let mut i = 1;
    if all.are_words(i, &["OR", "REPLACE"]) {
        i += 2;
    }
    if all.is_word(i, "TEMPORARY") {
        i += 1;
    }
    let creates = if all.is_word(i, "TABLE") {
        i += 1;
        Creates::Table
    } else if all.is_word(i, "VIEW") {
        i += 1;
        Creates::View
    } else if all.are_words(i, &["MATERIALIZED", "VIEW"]) {
        i += 2;
        Creates::MaterializedView
    } else if all.is_word(i, "DICTIONARY") {
        i += 1;
        Creates::Dictionary
    } else {
        let words: Vec<&str> = (i..p.len())
            .take_while(|&j| p.kind(j) == Some(Kind::Word) && !all.is_word(j, "IF"))
            .map(|j| all.text_of(j))
            .take(2)
            .collect();
        return Ok(Statement::other(Creates::Other(words.join(" "))));
    };
    if all.are_words(i, &["IF", "NOT", "EXISTS"]) {
        i += 3;
    }
    let (next, _, _) = p.qualified_name(i)?;
    i = next;
    if all.is_word(i, "UUID") && p.kind(i + 1) == Some(Kind::String) {
        i += 2;
    }
    if all.are_words(i, &["ON", "CLUSTER"]) {
        i += 3;
    }
    let mut statement = Statement::other(creates.clone());
    if creates == Creates::MaterializedView && all.is_word(i, "REFRESH") {
        let start = i;
        while i < p.len()
            && !(all.tokens[i].depth == 0
                && (all.is_word(i, "TO")
                    || all.is_word(i, "ENGINE")
                    || all.is_word(i, "AS")
                    || all.is_word(i, "EMPTY")
                    || all.is_word(i, "DEFINER")
                    || all.is_word(i, "SQL")
                    || all.is_word(i, "COMMENT")
                    || p.is_open(i)))
        {
            i += 1;
        }
        statement.refresh = Some(all.slice(start, i).to_owned());
    }
    if creates == Creates::MaterializedView && all.is_word(i, "TO") {
        if all.is_word(i + 1, "INNER") {
            return Err(p.error("`TO INNER UUID` is not supported"));
        }
        let (next, db, table) = p.qualified_name(i + 1)?;
        statement.to = Some((db, table));
        i = next;
    }
    if p.is_open(i) {
        let (_, after) = p.bracketed(i)?;
        for (a, b) in all.split_commas(i + 1, after - 1) {
            element(&p, a, b, &creates, &mut statement)?;
        }
        i = after;
    }
    // The clauses after the column list.
    while i < p.len() {
        if all.is_word(i, "ENGINE") {
            let start = if all.text_of(i + 1) == "=" {
                i + 2
            } else {
                i + 1
            };
            let end = (start..p.len())
                .find(|&j| {
                    all.tokens[j].depth == 0
                        && AFTER_ENGINE.iter().any(|w| all.is_word(j, w))
                        && !(all.is_word(j, "COMMENT") && p.kind(j + 1) != Some(Kind::String))
                })
                .unwrap_or(p.len());
            statement.engine = Some(all.slice(start, end).to_owned());
            i = end;
        } else if all.is_word(i, "COMMENT") && p.kind(i + 1) == Some(Kind::String) {
            statement.comment = p.string(i + 1);
            i += 2;
        } else if all.is_word(i, "AS") {
            let mut end = p.len();
            // A comment the server writes after the query.
            if end >= 2 && all.is_word(end - 2, "COMMENT") && p.kind(end - 1) == Some(Kind::String)
            {
                statement.comment = p.string(end - 1);
                end -= 2;
            }
            let body = all.slice(i + 1, end).to_owned();
            if matches!(creates, Creates::View | Creates::MaterializedView) {
                statement.query = Some(body);
            } else {
                statement.as_other = Some(body);
            }
            i = p.len();
        } else if all.is_word(i, "POPULATE") || all.is_word(i, "EMPTY") {
            i += 1;
        } else if all.is_word(i, "DEFINER") {
            // `DEFINER = name`.
            i += 3;
        } else if all.are_words(i, &["SQL", "SECURITY"]) {
            i += 3;
        } else if creates == Creates::Dictionary {
            i = dictionary_clause(&p, i, &mut statement)?;
        } else {
            return Err(p.error(&format!("unexpected `{}`", all.text_of(i))));
        }
    }
    if let Some(dictionary) = &mut statement.dictionary {
        dictionary.attributes = statement
            .columns
            .iter()
            .filter(|c| c.dictionary != DictionaryAttribute::default_for(&c.name))
            .map(|c| c.dictionary.clone())
            .collect();
    }
    Ok(statement)
}

impl DictionaryAttribute {
    fn default_for(column: &str) -> Self {
        DictionaryAttribute {
            column: column.to_owned(),
            ..DictionaryAttribute::default()
        }
    }
}

impl Statement {
    fn other(creates: Creates) -> Self {
        Statement {
            creates,
            refresh: None,
            to: None,
            columns: Vec::new(),
            skip_indexes: Vec::new(),
            projections: Vec::new(),
            constraints: Vec::new(),
            engine: None,
            query: None,
            comment: None,
            dictionary: None,
            as_other: None,
        }
    }
}

/// One element of the column list: a column, an index, a projection or a constraint.
fn element(
    p: &Parser<'_>,
    a: usize,
    b: usize,
    creates: &Creates,
    out: &mut Statement,
) -> Result<()> {
    let all = p.all;
    let depth = all.tokens[a].depth;
    let at_depth = |j: usize| all.tokens[j].depth == depth;
    if all.is_word(a, "INDEX") && (a..b).any(|j| at_depth(j) && all.is_word(j, "TYPE")) {
        let name = all
            .name(a + 1)
            .ok_or_else(|| p.error("an index without a name"))?;
        let ty = (a + 2..b)
            .find(|&j| at_depth(j) && all.is_word(j, "TYPE"))
            .ok_or_else(|| p.error("an index without TYPE"))?;
        let granularity = (ty..b).find(|&j| at_depth(j) && all.is_word(j, "GRANULARITY"));
        let type_end = granularity.unwrap_or(b);
        let granularity = match granularity {
            Some(g) => all
                .slice(g + 1, b)
                .parse::<u64>()
                .map_err(|_| p.error("an index granularity that is not a number"))?,
            None => 1,
        };
        out.skip_indexes.push(SkipIndex {
            name,
            expression: all.slice(a + 2, ty).to_owned(),
            index_type: all.slice(ty + 1, type_end).to_owned(),
            granularity,
        });
        return Ok(());
    }
    if all.is_word(a, "PROJECTION") && p.is_open(a + 2) {
        let name = all
            .name(a + 1)
            .ok_or_else(|| p.error("a projection without a name"))?;
        let (query, after) = p.bracketed(a + 2)?;
        if after != b {
            return Err(p.error(&format!("text after projection {name}'s query")));
        }
        out.projections.push(Projection {
            name,
            query: query.to_owned(),
        });
        return Ok(());
    }
    if all.is_word(a, "CONSTRAINT") && (all.is_word(a + 2, "CHECK") || all.is_word(a + 2, "ASSUME"))
    {
        let name = all
            .name(a + 1)
            .ok_or_else(|| p.error("a constraint without a name"))?;
        out.constraints.push(Constraint {
            name,
            kind: if all.is_word(a + 2, "CHECK") {
                ConstraintKind::Check
            } else {
                ConstraintKind::Assume
            },
            expression: all.slice(a + 3, b).to_owned(),
        });
        return Ok(());
    }
    if all.are_words(a, &["PRIMARY", "KEY"]) && *creates != Creates::Dictionary {
        // Written apart from the columns; the engine clauses carry it too.
        return Ok(());
    }
    out.columns.push(column(p, a, b)?);
    Ok(())
}

/// Whether a column clause starts at `j`.
fn clause_starts(p: &Parser<'_>, j: usize) -> bool {
    let all = p.all;
    let next = |k: usize| p.kind(j + k);
    (all.is_word(j, "COMMENT") && next(1) == Some(Kind::String))
        || ((all.is_word(j, "CODEC") || all.is_word(j, "STATISTICS") || all.is_word(j, "SETTINGS"))
            && p.is_open(j + 1))
        || all.is_word(j, "TTL")
        || all.are_words(j, &["PRIMARY", "KEY"])
        || all.is_word(j, "EXPRESSION")
        || all.is_word(j, "HIERARCHICAL")
        || all.is_word(j, "BIDIRECTIONAL")
        || all.is_word(j, "INJECTIVE")
        || all.is_word(j, "IS_OBJECT_ID")
}

fn column(p: &Parser<'_>, a: usize, b: usize) -> Result<DeclaredColumn> {
    let all = p.all;
    let depth = all.tokens[a].depth;
    let name = all
        .name(a)
        .ok_or_else(|| p.error("a column without a name"))?;
    let mut column = DeclaredColumn {
        dictionary: DictionaryAttribute::default_for(&name),
        name,
        ..DeclaredColumn::default()
    };
    let at_depth = |j: usize| all.tokens[j].depth == depth;
    let type_end = (a + 1..b)
        .find(|&j| at_depth(j) && AFTER_TYPE.iter().any(|w| all.is_word(j, w)))
        .unwrap_or(b);
    column.type_text = all.slice(a + 1, type_end).to_owned();
    let mut i = type_end;
    let section_end = |from: usize| {
        (from..b)
            .find(|&j| at_depth(j) && clause_starts(p, j))
            .unwrap_or(b)
    };
    while i < b {
        let word = all.text_of(i).to_ascii_uppercase();
        if word == "NULL" {
            i += 1;
        } else if all.are_words(i, &["NOT", "NULL"]) {
            i += 2;
        } else if let Some(kind) = DefaultKind::parse(&word) {
            let end = section_end(i + 1);
            let expression = all.slice(i + 1, end);
            column.default = Some(ColumnDefault::new(
                kind,
                (!expression.is_empty()).then(|| expression.to_owned()),
            ));
            i = end;
        } else if word == "COMMENT" {
            column.comment = p.string(i + 1);
            i += 2;
        } else if word == "CODEC" {
            let (codec, after) = p.bracketed(i + 1)?;
            column.codec = Some(codec.to_owned());
            i = after;
        } else if word == "STATISTICS" || word == "SETTINGS" {
            return Err(p.error(&format!(
                "column {}'s {word} clause, which reflection does not read yet",
                column.name
            )));
        } else if word == "TTL" {
            let end = section_end(i + 1);
            column.ttl = Some(all.slice(i + 1, end).to_owned());
            i = end;
        } else if word == "EXPRESSION" {
            let end = section_end(i + 1);
            column.dictionary.expression = Some(all.slice(i + 1, end).to_owned());
            i = end;
        } else if word == "HIERARCHICAL" {
            column.dictionary.hierarchical = true;
            i += 1;
        } else if word == "BIDIRECTIONAL" {
            column.dictionary.bidirectional = true;
            i += 1;
        } else if word == "INJECTIVE" {
            column.dictionary.injective = true;
            i += 1;
        } else if word == "IS_OBJECT_ID" {
            column.dictionary.is_object_id = true;
            i += 1;
        } else if all.are_words(i, &["PRIMARY", "KEY"]) {
            i += 2;
        } else {
            return Err(p.error(&format!(
                "unexpected `{}` in column {}",
                all.text_of(i),
                column.name
            )));
        }
    }
    Ok(column)
}

/// `NAME(key value ...)` inside `SOURCE(...)` or `LAYOUT(...)`.
fn call(p: &Parser<'_>, text: &str) -> Result<DictionaryCall> {
    let tokens = lexer::tokenize(text).map_err(|e| p.error(&e.0))?;
    let all = Tokens {
        text,
        tokens: &tokens,
    };
    let name = all
        .name(0)
        .ok_or_else(|| p.error("a dictionary source or layout without a name"))?;
    let mut args = Vec::new();
    if tokens.get(1).is_some_and(|t| t.kind == Kind::Open) {
        let close = all
            .closing(1)
            .ok_or_else(|| p.error("an unclosed bracket"))?;
        let mut j = 2;
        while j < close {
            let key = all
                .name(j)
                .ok_or_else(|| p.error("a dictionary parameter without a name"))?;
            let start = j + 1;
            // A value is one token, or a name with brackets (`replica(host 'a')`).
            let mut end = start + 1;
            if tokens.get(start).is_some_and(|t| t.kind == Kind::Open) {
                end = all
                    .closing(start)
                    .ok_or_else(|| p.error("an unclosed bracket"))?
                    + 1;
            } else if tokens
                .get(start + 1)
                .is_some_and(|t| t.kind == Kind::Open && t.depth == tokens[start].depth)
            {
                end = all
                    .closing(start + 1)
                    .ok_or_else(|| p.error("an unclosed bracket"))?
                    + 1;
            } else if all.text_of(start) == "-" {
                end = start + 2;
            }
            let end = end.min(close);
            args.push((key, all.slice(start, end).to_owned()));
            j = end;
            if tokens.get(j).is_some_and(|t| t.kind == Kind::Comma) {
                j += 1;
            }
        }
    }
    Ok(DictionaryCall { name, args })
}

fn dictionary_clause(p: &Parser<'_>, i: usize, out: &mut Statement) -> Result<usize> {
    let all = p.all;
    let dictionary = out.dictionary.get_or_insert_with(|| Dictionary {
        primary_key: Vec::new(),
        source: DictionaryCall {
            name: String::new(),
            args: Vec::new(),
        },
        lifetime: None,
        layout: DictionaryCall {
            name: String::new(),
            args: Vec::new(),
        },
        range: None,
        settings: Vec::new(),
        attributes: Vec::new(),
    });
    if all.are_words(i, &["PRIMARY", "KEY"]) {
        let end = (i + 2..p.len())
            .find(|&j| {
                all.tokens[j].depth == 0 && p.kind(j) == Some(Kind::Word) && p.is_open(j + 1)
            })
            .unwrap_or(p.len());
        dictionary.primary_key = all
            .split_commas(i + 2, end)
            .into_iter()
            .map(|(a, b)| all.slice(a, b).to_owned())
            .collect();
        return Ok(end);
    }
    let word = all.text_of(i).to_ascii_uppercase();
    if !p.is_open(i + 1) {
        return Err(p.error(&format!("unexpected `{}`", all.text_of(i))));
    }
    let (inner, after) = p.bracketed(i + 1)?;
    match word.as_str() {
        "SOURCE" => dictionary.source = call(p, inner)?,
        "LAYOUT" => dictionary.layout = call(p, inner)?,
        "LIFETIME" => dictionary.lifetime = Some(inner.to_owned()),
        "RANGE" => dictionary.range = Some(inner.to_owned()),
        "SETTINGS" => {
            for part in lexer::split_top_level(inner).map_err(|e| p.error(&e.0))? {
                let (name, value) = part
                    .split_once('=')
                    .ok_or_else(|| p.error("a dictionary setting without `=`"))?;
                dictionary
                    .settings
                    .push(TableSetting::new(name.trim(), value.trim()));
            }
        }
        _ => return Err(p.error(&format!("unexpected `{}`", all.text_of(i)))),
    }
    Ok(after)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Found by fuzzing (reflect_sql, issue 20): a statement that ends right after `ENGINE`
    /// (or in the middle of a clause) looked one token past the end and panicked. Whatever a
    /// server sends is an answer or an error.
    #[test]
    fn statements_that_end_early_are_no_panic() {
        for text in [
            "CREATE TABLE t ENGINE",
            "CREATE TABLE t (`a` UInt8) ENGINE",
            "CREATE TABLE t (`a` UInt8) ENGINE =",
            "CREATE TABLE t (`a` UInt8, INDEX i a TYPE",
            "CREATE TABLE t (`a` UInt8, PROJECTION",
            "CREATE MATERIALIZED VIEW v TO",
            "CREATE TABLE t AS",
            "CREATE DICTIONARY d (`k` UInt64) PRIMARY KEY",
            "CREATE",
        ] {
            let _ = parse(text, "t");
        }
        let s = parse("CREATE TABLE t (`a` UInt8) ENGINE", "t").unwrap();
        assert_eq!(s.engine.as_deref(), Some(""));
    }

    #[test]
    fn table_with_everything() {
        let s = parse(
            "CREATE TABLE rp.n (`id` UInt64, `n.a` Array(UInt8) COMMENT 'nest', \
             `t` Tuple(a UInt8, b Nullable(String)), `x` UInt64 DEFAULT id IS NOT NULL COMMENT 'it''s' \
             CODEC(Delta(8), ZSTD(1)) TTL dt + toIntervalDay(1), `e` UInt8 EPHEMERAL, \
             `y` String DEFAULT toString(e), INDEX ix (x, id) TYPE set(100) GRANULARITY 4, \
             CONSTRAINT c1 CHECK id > 0, PROJECTION p (SELECT id, count() GROUP BY id)) \
             ENGINE = MergeTree ORDER BY id TTL dt + toIntervalMonth(1) SETTINGS index_granularity = 8192 \
             COMMENT 'table'",
            "rp.n",
        )
        .unwrap();
        assert_eq!(s.creates, Creates::Table);
        let names: Vec<&str> = s.columns.iter().map(|c| c.name.as_str()).collect();
        assert_eq!(names, ["id", "n.a", "t", "x", "e", "y"]);
        assert_eq!(s.columns[2].type_text, "Tuple(a UInt8, b Nullable(String))");
        let x = &s.columns[3];
        assert_eq!(
            x.default,
            Some(ColumnDefault::new(
                DefaultKind::Default,
                Some("id IS NOT NULL".into())
            ))
        );
        assert_eq!(x.comment.as_deref(), Some("it's"));
        assert_eq!(x.codec.as_deref(), Some("Delta(8), ZSTD(1)"));
        assert_eq!(x.ttl.as_deref(), Some("dt + toIntervalDay(1)"));
        assert_eq!(
            s.columns[4].default,
            Some(ColumnDefault::new(DefaultKind::Ephemeral, None))
        );
        assert_eq!(
            s.skip_indexes,
            [SkipIndex {
                name: "ix".into(),
                expression: "(x, id)".into(),
                index_type: "set(100)".into(),
                granularity: 4
            }]
        );
        assert_eq!(s.constraints[0].expression, "id > 0");
        assert_eq!(s.projections[0].query, "SELECT id, count() GROUP BY id");
        assert_eq!(
            s.engine.as_deref(),
            Some(
                "MergeTree ORDER BY id TTL dt + toIntervalMonth(1) SETTINGS index_granularity = 8192"
            )
        );
        assert_eq!(s.comment.as_deref(), Some("table"));
    }

    #[test]
    fn views_and_old_servers() {
        let s = parse(
            "CREATE MATERIALIZED VIEW rp.mv2 TO rp.local ( id UInt64) AS SELECT id FROM rp.src ",
            "rp.mv2",
        )
        .unwrap();
        assert_eq!(s.creates, Creates::MaterializedView);
        assert_eq!(s.to, Some((Some("rp".into()), "local".into())));
        assert_eq!(s.query.as_deref(), Some("SELECT id FROM rp.src"));
        let s = parse(
            "CREATE VIEW rp.v1 (`id` UInt64, `v` String) COMMENT 'a view' AS SELECT id, v FROM rp.src WHERE id > 3",
            "rp.v1",
        )
        .unwrap();
        assert_eq!(s.comment.as_deref(), Some("a view"));
        assert_eq!(
            s.query.as_deref(),
            Some("SELECT id, v FROM rp.src WHERE id > 3")
        );
        let s = parse(
            "CREATE MATERIALIZED VIEW rp.mv1 (`id` UInt64, `c` UInt64) ENGINE = SummingMergeTree ORDER BY id \
             SETTINGS index_granularity = 8192 AS SELECT id, count() AS c FROM rp.src GROUP BY id",
            "rp.mv1",
        )
        .unwrap();
        assert_eq!(
            s.engine.as_deref(),
            Some("SummingMergeTree ORDER BY id SETTINGS index_granularity = 8192")
        );
        assert_eq!(
            s.query.as_deref(),
            Some("SELECT id, count() AS c FROM rp.src GROUP BY id")
        );
        let s = parse("CREATE TABLE rp.lc ( id UInt64,  `n.a` Array(UInt8),  m UInt64 MATERIALIZED id * 2) ENGINE = Log", "rp.lc").unwrap();
        assert_eq!(
            s.columns[2].default,
            Some(ColumnDefault::new(
                DefaultKind::Materialized,
                Some("id * 2".into())
            ))
        );
    }

    #[test]
    fn dictionaries() {
        let s = parse(
            "CREATE DICTIONARY rp.dict (`id` UInt64, `parent` UInt64 DEFAULT 0 HIERARCHICAL, \
             `v` String DEFAULT 'x' EXPRESSION upper(v) INJECTIVE) PRIMARY KEY id \
             SOURCE(CLICKHOUSE(TABLE 'src' DB 'rp' PASSWORD '[HIDDEN]')) LIFETIME(MIN 0 MAX 300) \
             LAYOUT(HASHED()) COMMENT 'dic'",
            "rp.dict",
        )
        .unwrap();
        let d = s.dictionary.unwrap();
        assert_eq!(d.primary_key, ["id"]);
        assert_eq!(d.source.name, "CLICKHOUSE");
        assert_eq!(
            d.source.args,
            [
                ("TABLE".to_owned(), "'src'".to_owned()),
                ("DB".to_owned(), "'rp'".to_owned()),
                ("PASSWORD".to_owned(), "'[HIDDEN]'".to_owned())
            ]
        );
        assert_eq!(d.lifetime.as_deref(), Some("MIN 0 MAX 300"));
        assert_eq!(d.layout.name, "HASHED");
        assert_eq!(s.comment.as_deref(), Some("dic"));
        assert_eq!(d.attributes.len(), 2);
        assert!(d.attributes[0].hierarchical);
        assert_eq!(d.attributes[1].expression.as_deref(), Some("upper(v)"));
        assert!(d.attributes[1].injective);
    }

    #[test]
    fn unknown_shapes_are_errors_naming_the_table() {
        let err = parse(
            "CREATE TABLE a.b (x UInt8 NULL WHATEVER) ENGINE = Log",
            "a.b",
        )
        .unwrap_err();
        assert!(err.to_string().contains("a.b"), "{err}");
        assert!(parse("SELECT 1", "a.b").is_err());
        assert_eq!(
            parse("", "a.b").unwrap().creates,
            Creates::Other(String::new())
        );
        assert!(matches!(
            parse("CREATE LIVE VIEW a.lv AS SELECT 1", "a.lv").unwrap().creates,
            Creates::Other(ref w) if w == "LIVE VIEW"
        ));
    }
}
