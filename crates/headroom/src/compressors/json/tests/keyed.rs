//! Keyed maps in lossy mode: entries the question names (by key or value) and anomalies stay
//! verbatim, every dropped entry is counted by one marker per map and named in the key list,
//! nested maps are cut within their own budget, and lossless output keeps maps whole.

use serde_json::{json, Map, Value};

use super::{lossless, lossy, outline, tokens};
use crate::marker::Marker;

/// A `dependencies` map like `npm ls --json --long` prints: package.json records by name.
fn package_map(n: usize) -> Value {
    let mut deps = Map::new();
    for i in 0..n {
        let name = format!("pkg-{i:02}");
        let license = match i {
            7 => "Apache-2.0",
            19 => "BSD-3-Clause",
            _ if i % 3 == 0 => "ISC",
            _ => "MIT",
        };
        deps.insert(
            name.clone(),
            json!({
                "version": format!("{}.{}.{}", 1 + i % 4, i % 7, i % 3),
                "name": name,
                "description": format!("Utility number {i} for streams, paths and caching"),
                "license": license,
                "repository": {"type": "git", "url": format!("git+https://github.com/example/{name}.git")},
                "scripts": {"test": "tap", "lint": "eslint \"**/*.js\"", "postlint": "template-oss-check"},
                "engines": {"node": "^20.17.0 || >=22.9.0"},
                "_id": format!("{name}@{}.{}.{}", 1 + i % 4, i % 7, i % 3),
                "path": format!("/usr/lib/node_modules/tool/node_modules/{name}"),
            }),
        );
    }
    deps.insert(
        "left-pad".into(),
        json!({"version": "1.3.0", "name": "left-pad", "license": "WTFPL", "_id": "left-pad@1.3.0",
               "path": "/usr/lib/node_modules/tool/node_modules/left-pad"}),
    );
    Value::Object(deps)
}

fn saved(text: &str, out: &str) -> f64 {
    1.0 - tokens(out) as f64 / tokens(text) as f64
}

#[test]
fn package_map_keeps_named_and_off_licence_entries_and_counts_the_rest() {
    let doc = json!({"name": "tool", "version": "2.0.0", "dependencies": package_map(40)});
    let text = serde_json::to_string_pretty(&doc).unwrap();
    let q = "Licence audit: which dependencies are not MIT or ISC (name@version)? And which left-pad is installed?";
    let out = lossy(&text, q);
    for must in ["pkg-07@4.0.1", "pkg-19@4.5.1", "left-pad@1.3.0", "WTFPL", "Apache-2.0", "BSD-3-Clause"] {
        assert!(out.contains(must), "{must} missing:\n{out}");
    }
    assert!(saved(&text, &out) >= 0.6, "saved {:.3}\n{out}", saved(&text, &out));
    let read = outline::decode(&out).unwrap_or_else(|e| panic!("{e}\n{out}"));
    outline::check(&doc, &read, "$").unwrap();
    // One marker counts the dropped packages exactly, and the key list names each of them.
    let (n, kept, dropped) = outline::map_cut(&read["dependencies"]).expect("dependencies cut");
    let marker = Marker::find_all(&out).into_iter().find(|m| m.unit == "entries").expect("marker");
    assert_eq!((n, kept.len() + marker.count), (41, 41), "{out}");
    let dropped = dropped.expect("dropped keys listed");
    assert_eq!(dropped.len(), marker.count);
    assert!(["pkg-07", "pkg-19", "left-pad"].iter().all(|k| kept.iter().any(|x| x == k)), "{kept:?}");
}

#[test]
fn schema_definitions_keep_the_types_the_question_spells() {
    let mut defs = Map::new();
    // Every description speaks of logs and severity, and the asked-for types sit mid-map
    // among look-alikes: only their keys name them.
    let enums =
        ["Colour", "Shape", "Border", "Anchor", "Cursor", "Easing", "Overflow", "Wrap", "Align", "Fill"];
    for i in 0..50 {
        defs.insert(
            format!("Widget{i}Params"),
            json!({
                "description": format!("Parameters for widget operation {i}; failures are logged with their severity."),
                "type": "object",
                "properties": {
                    "id": {"type": "string", "description": "Opaque widget identifier."},
                    "size": {"type": ["integer", "null"], "format": "uint32", "minimum": 0},
                    "meta": {"description": "Free-form metadata.", "anyOf": [{"$ref": "#/definitions/Meta"}, {"type": "null"}]}
                },
                "required": ["id"]
            }),
        );
        if let Some(name) = enums.get(i / 5).filter(|_| i % 5 == 0) {
            defs.insert(
                format!("{name}Mode"),
                json!({"description": format!("How a widget picks its {}; failures are logged with their severity.", name.to_lowercase()),
                       "type": "string", "enum": [format!("auto{i}"), format!("manual{i}"), format!("inherit{i}")]}),
            );
        }
        if i == 22 {
            defs.insert(
                "LogSeverity".into(),
                json!({"description": "Severity levels a server may log at, from RFC 5424.", "type": "string",
                       "enum": ["debug", "info", "notice", "warning", "error", "critical", "alert", "emergency"]}),
            );
        }
        if i == 37 {
            defs.insert(
                "ResultKind".into(),
                json!({"description": "How to read the result. When the field is missing, clients must assume \"complete\".",
                       "type": "string"}),
            );
        }
    }
    let doc = json!({"$schema": "http://json-schema.org/draft-07/schema#", "title": "Message", "definitions": defs});
    let text = serde_json::to_string_pretty(&doc).unwrap();
    let q = "Which log severity values exist? What must a client assume when `resultKind` is missing?";
    let out = lossy(&text, q);
    for must in ["\"emergency\"", "Severity levels a server may log at", "clients must assume"] {
        assert!(out.contains(must), "{must} missing:\n{out}");
    }
    assert!(saved(&text, &out) >= 0.6, "saved {:.3}\n{out}", saved(&text, &out));
    let read = outline::decode(&out).unwrap_or_else(|e| panic!("{e}\n{out}"));
    outline::check(&doc, &read, "$").unwrap();
}

#[test]
fn nested_maps_are_cut_level_by_level() {
    // A dependency tree two levels deep: each package of the outer map has its own map.
    let mut outer = Map::new();
    for i in 0..30 {
        let mut inner = Map::new();
        for j in 0..20 {
            let name = format!("lib-{i}-{j}");
            inner.insert(
                name.clone(),
                json!({"version": format!("0.{j}.{i}"), "resolved": format!("https://registry.example.org/{name}/-/{name}-0.{j}.{i}.tgz"),
                       "integrity": format!("sha512-{:040x}", (i * 100 + j) as u64 * 0x9e37_79b9_7f4a), "overridden": false}),
            );
        }
        outer.insert(format!("app-{i}"), json!({"version": format!("1.{i}.0"), "dependencies": inner}));
    }
    let doc = json!({"name": "root", "dependencies": outer});
    let text = doc.to_string();
    let out = lossy(&text, "Which version of lib-17-11 is installed, and where was it resolved from?");
    assert!(out.contains("https://registry.example.org/lib-17-11/-/lib-17-11-0.11.17.tgz"), "{out}");
    let read = outline::decode(&out).unwrap_or_else(|e| panic!("{e}\n{out}"));
    let (_, kept, _) = outline::map_cut(&read["dependencies"]).expect("outer map cut");
    assert!(kept.contains(&"app-17".to_owned()), "{kept:?}");
    let markers = Marker::find_all(&out);
    assert!(markers.len() >= 2, "outer and inner maps both cut:\n{out}");
    assert!(markers.iter().all(|m| m.unit == "entries"), "{out}");
    assert!(saved(&text, &out) >= 0.8, "saved {:.3}", saved(&text, &out));
    outline::check(&doc, &read, "$").unwrap();
}

#[test]
fn root_maps_and_scalar_maps_read_back() {
    // `{"id": {...}}` API responses: the whole document is the map.
    let users: Map<String, Value> = (0..60)
        .map(|i| {
            let status = if i == 42 { "suspended" } else { "active" };
            (
                format!("u{:05}", 1000 + i),
                json!({"login": format!("user{i}"), "status": status, "plan": "pro"}),
            )
        })
        .collect();
    let text = Value::Object(users.clone()).to_string();
    let out = lossy(&text, "Is any account suspended?");
    assert!(out.starts_with("(60 entries, "), "{out}");
    assert!(out.contains("u01042") && out.contains("suspended"), "{out}");
    outline::check(&Value::Object(users), &outline::decode(&out).unwrap(), "$").unwrap();

    // A message catalog: one string per key.
    let catalog: Map<String, Value> = (0..200)
        .map(|i| {
            (
                format!("settings.section{}.label{i}", i / 10),
                json!(format!("Label text number {i} for the settings page")),
            )
        })
        .collect();
    let doc = json!({"locale": "en-GB", "messages": catalog});
    let text = doc.to_string();
    let out = lossy(&text, "What does settings.section13.label137 say?");
    assert!(out.contains("Label text number 137 for the settings page"), "{out}");
    assert!(saved(&text, &out) >= 0.6, "saved {:.3}", saved(&text, &out));
    outline::check(&doc, &outline::decode(&out).unwrap(), "$").unwrap();
}

#[test]
fn lossless_keeps_maps_whole() {
    let doc = json!({"dependencies": package_map(40)});
    let out = lossless(&doc.to_string());
    assert!(Marker::find_all(&out).is_empty());
    assert_eq!(outline::decode(&out).unwrap(), doc);
}

#[test]
fn a_field_the_question_names_keeps_the_few_entries_that_have_it() {
    // A registry document: one record per published version, four carry a `deprecated` notice
    // (too many to be rare by themselves).
    let mut versions = Map::new();
    for i in 0..60 {
        let v = format!("2.{}.{}", i / 10, i % 10);
        let mut rec = json!({
            "name": "fetchit",
            "version": v,
            "dist": {"tarball": format!("https://registry.example.org/fetchit/-/fetchit-{v}.tgz"),
                     "shasum": format!("{:040x}", (i as u64 + 7) * 0x1f2e_3d4c_5b6a)},
            "engines": {"node": ">=18"},
            "_npmUser": {"name": "maintainer", "email": "maintainer@example.org"},
        });
        if [17, 18, 41, 52].contains(&i) {
            rec["deprecated"] = json!(format!("Use 2.4.2 instead: {v} was built from the wrong commit"));
        }
        versions.insert(v, rec);
    }
    let doc = json!({"name": "fetchit", "dist-tags": {"latest": "2.5.9"}, "versions": versions});
    let text = doc.to_string();
    let out = lossy(&text, "Which releases are deprecated, and what do their notices say?");
    for v in ["2.1.7", "2.1.8", "2.4.1", "2.5.2"] {
        assert!(
            out.contains(&format!("Use 2.4.2 instead: {v} was built from the wrong commit")),
            "{v} missing:\n{out}"
        );
    }
    assert!(saved(&text, &out) >= 0.6, "saved {:.3}", saved(&text, &out));
    outline::check(&doc, &outline::decode(&out).unwrap(), "$").unwrap();
}

#[test]
fn nested_keys_that_are_data_match_the_question() {
    // Packages with their own dependency maps: the question names a dependency, which is only
    // ever a key.
    let pool = ["chalk", "debug", "semver", "glob", "yargs", "rimraf", "mkdirp", "ms"];
    let mut pkgs = Map::new();
    for i in 0..40usize {
        let mut deps = Map::new();
        for j in 0..3 {
            deps.insert(pool[(i + j * 3) % pool.len()].to_owned(), json!(format!("^{}.{}.0", 1 + j, i % 5)));
        }
        if i == 13 || i == 29 {
            deps.insert("minimist".into(), json!("^1.2.8"));
        }
        pkgs.insert(
            format!("tool-{i:02}"),
            json!({"version": format!("3.{i}.1"), "license": "MIT", "dependencies": deps,
                   "description": format!("Command line helper {i} for build scripts"),
                   "_resolved": format!("https://registry.example.org/tool-{i:02}/-/tool-{i:02}-3.{i}.1.tgz")}),
        );
    }
    let doc = json!({"dependencies": pkgs});
    let text = serde_json::to_string_pretty(&doc).unwrap();
    let out = lossy(&text, "Which of these packages depend on minimist, and at which version?");
    let read = outline::decode(&out).unwrap_or_else(|e| panic!("{e}\n{out}"));
    outline::check(&doc, &read, "$").unwrap();
    let (_, kept, _) = outline::map_cut(&read["dependencies"]).expect("dependencies cut");
    assert!(kept.contains(&"tool-13".to_owned()) && kept.contains(&"tool-29".to_owned()), "{kept:?}\n{out}");
    assert!(out.contains("^1.2.8"), "{out}");
    assert!(saved(&text, &out) >= 0.5, "saved {:.3}", saved(&text, &out));
}

#[test]
fn a_categorical_value_the_question_spells_in_several_words_is_named() {
    // Crates by name with SPDX expressions; two are `Unlicense OR MIT`.
    let mut crates = Map::new();
    for i in 0..80 {
        let license = match i {
            19 | 53 => "Unlicense OR MIT",
            4 => "MIT",
            _ if i % 7 == 0 => "Apache-2.0 OR MIT",
            _ => "MIT OR Apache-2.0",
        };
        crates.insert(
            format!("crate{i}"),
            json!({"version": format!("0.{i}.3"), "license": license, "edition": "2021",
                   "manifest_path": format!("/home/dev/.cargo/registry/src/crate{i}-0.{i}.3/Cargo.toml"),
                   // Many descriptions mention the licences too: only the licence field tells.
                   "description": if i % 3 == 0 { format!("Block {i}, formerly Unlicense, now MIT") } else { format!("Building block number {i} for parsers and text search") }}),
        );
    }
    let doc = json!({"packages": crates});
    let text = doc.to_string();
    let out = lossy(&text, "Which of these crates are licensed Unlicense OR MIT?");
    for must in ["crate19-0.19.3/Cargo.toml", "crate53-0.53.3/Cargo.toml"] {
        assert!(out.contains(must), "{must} missing:\n{out}");
    }
    assert!(saved(&text, &out) >= 0.5, "saved {:.3}", saved(&text, &out));
}

#[test]
fn uniform_maps_become_tables_with_a_key_column() {
    // A lockfile-like `packages` map: the same four fields under every path key.
    let packages: Map<String, Value> = (0..24)
        .map(|i| {
            let key = if i == 0 { String::new() } else { format!("node_modules/dep-{i}") };
            let rec = json!({"version": format!("1.{i}.0"), "resolved": format!("https://registry.example.org/dep-{i}/-/dep-{i}-1.{i}.0.tgz"),
                             "integrity": format!("sha512-{:032x}", i as u64 * 0x5bd1_e995), "dev": i % 4 == 0});
            (key, rec)
        })
        .collect();
    let doc = json!({"lockfileVersion": 3, "packages": packages});
    let text = serde_json::to_string_pretty(&doc).unwrap();
    let out = lossless(&text);
    assert!(out.contains("packages: (24 entries) (key),version,resolved,integrity,dev\n"), "{out}");
    assert!(out.contains("\n  \"\",1.0.0,"), "the empty key is quoted:\n{out}");
    assert_eq!(outline::decode(&out).unwrap(), doc);
    let (t, c) = (tokens(&out), tokens(&doc.to_string()));
    assert!(t * 100 < c * 90, "table {t} vs compact {c} tokens\n{out}");
    assert!(Marker::find_all(&out).is_empty());
}
