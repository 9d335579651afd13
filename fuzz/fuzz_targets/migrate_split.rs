//! The migrations statement splitter (`migrate::split`): on any text it returns statements or
//! an error, never panics, and what it returns holds together: each statement is the text at
//! its offset, on its line and column, statements come in order without overlapping, none is
//! blank, and its normalized form and hash are stable.

#![no_main]

use clickhouse_connect::migrate::split;
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Ok(sql) = std::str::from_utf8(data) else {
        return;
    };
    let statements = match split(sql) {
        Ok(statements) => statements,
        Err(e) => {
            std::hint::black_box(format!("{e} {e:?}"));
            return;
        }
    };
    let mut end = 0;
    for statement in &statements {
        let text = statement.sql();
        let offset = statement.offset();
        assert!(offset >= end, "statements overlap at byte {offset}");
        assert_eq!(
            sql.get(offset..offset + text.len()),
            Some(text),
            "a statement is not the text at its offset"
        );
        assert!(
            !text.trim_matches(server_space).is_empty(),
            "a blank statement at byte {offset}"
        );
        let before = &sql[..offset];
        let line = 1 + before.matches('\n').count();
        let column = 1 + before.rsplit('\n').next().unwrap_or("").chars().count();
        assert_eq!(
            (statement.line(), statement.column()),
            (line, column),
            "the position of the statement at byte {offset}"
        );
        assert!(!statement.normalized().is_empty());
        assert_eq!(statement.hash().len(), 64);
        end = offset + text.len();
    }
    // A statement split again is itself (a `;` inside it would have cut it).
    for statement in &statements {
        if let Ok(again) = split(statement.sql()) {
            assert_eq!(again.len(), 1, "{:?} splits again", statement.sql());
            assert_eq!(again[0].normalized(), statement.normalized());
        }
    }
});

/// Whitespace as the server's lexer skips it: the ASCII six and some Unicode spaces (not all:
/// not U+1680, for one). Written out again from the server's `skipWhitespacesUTF8` on purpose,
/// not taken from the splitter's `is_server_space`: an oracle that calls the code it judges
/// cannot catch an edit to it.
fn server_space(c: char) -> bool {
    matches!(
        c,
        ' ' | '\t' | '\n' | '\r' | '\x0c' | '\x0b' | '\u{85}' | '\u{a0}' | '\u{180e}'
    ) || matches!(c, '\u{2000}'..='\u{200d}')
        || matches!(
            c,
            '\u{2028}'
                | '\u{2029}'
                | '\u{202f}'
                | '\u{205f}'
                | '\u{2060}'
                | '\u{3000}'
                | '\u{feff}'
        )
}
