//! `chc database create|drop|exists`.

use crate::common::{engine, legacy, stderr};

#[test]
fn databases_are_created_tested_and_dropped() {
    for server in [engine(), legacy()] {
        let name = format!("chc_database_{}", std::process::id());
        server.run(&format!("DROP DATABASE IF EXISTS {name}"));
        let exists = |server: &crate::common::Server| {
            server
                .chc()
                .args(["database", "exists", &name])
                .output()
                .unwrap()
                .status
                .code()
        };
        assert_eq!(exists(&server), Some(1), "{}", server.name);
        server
            .chc()
            .args(["database", "create", &name])
            .assert()
            .success();
        assert_eq!(exists(&server), Some(0), "{}", server.name);
        // Again: no error.
        server
            .chc()
            .args(["database", "create", &name])
            .assert()
            .success();
        server
            .chc()
            .args(["database", "drop", &name])
            .assert()
            .success();
        assert_eq!(exists(&server), Some(1), "{}", server.name);
        // A name that needs quoting, and one that tries to escape its quotes.
        let odd = format!("chc odd-name `x` {}", std::process::id());
        server
            .chc()
            .args(["database", "create", &odd])
            .assert()
            .success();
        let out = server
            .chc()
            .args(["database", "exists", &odd])
            .output()
            .unwrap();
        assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
        server
            .chc()
            .args(["database", "drop", &odd])
            .assert()
            .success();
        let sneaky = "x' OR name = 'system";
        let out = server
            .chc()
            .args(["database", "exists", sneaky])
            .output()
            .unwrap();
        assert_eq!(
            out.status.code(),
            Some(1),
            "{}: {}",
            server.name,
            stderr(&out)
        );
    }
}
