//! Which files of a diff collapse to a one-line summary: lockfiles, generated / minified /
//! vendored output, and encoded data (keys, certificates, base64 blobs). A file the question
//! names, or whose changes carry a question identifier, never collapses.

use super::parse::File;
use crate::relevance::Query;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Collapse {
    /// `Cargo.lock`, `package-lock.json`, `go.sum`, ...
    Lockfile,
    /// Minified, vendored, snapshot or code-generated output.
    Generated,
    /// Keys, certificates and other encoded blobs.
    Data,
}

impl Collapse {
    pub(super) fn label(self) -> &'static str {
        match self {
            Self::Lockfile => "lockfile",
            Self::Generated => "generated",
            Self::Data => "encoded data",
        }
    }
}

const LOCKFILES: &[&str] = &[
    "cargo.lock",
    "package-lock.json",
    "npm-shrinkwrap.json",
    "yarn.lock",
    "pnpm-lock.yaml",
    "bun.lockb",
    "go.sum",
    "poetry.lock",
    "pipfile.lock",
    "uv.lock",
    "pdm.lock",
    "composer.lock",
    "gemfile.lock",
    "podfile.lock",
    "pubspec.lock",
    "mix.lock",
    "flake.lock",
    "packages.lock.json",
    "gradle.lockfile",
    "deno.lock",
];

const GENERATED_MARKS: &[&str] = &[
    ".min.js",
    ".min.css",
    ".js.map",
    ".css.map",
    ".pb.go",
    "_pb2.py",
    "_pb2_grpc.py",
    ".pb.h",
    ".pb.cc",
    ".generated.",
    "_generated.",
    ".g.dart",
    ".freezed.dart",
    ".snap",
    "__snapshots__/",
    "node_modules/",
    "/vendor/",
    ".bundle.js",
];

const DATA_EXTENSIONS: &[&str] =
    &[".pem", ".crt", ".cer", ".key", ".csr", ".srl", ".der", ".p12", ".pfx", ".jks", ".asc", ".gpg", ".sig"];

/// Finders for the question's identifiers of 4 bytes or more, built once per diff.
pub(super) fn identifier_finders(query: &Query) -> Vec<memchr::memmem::Finder<'_>> {
    query
        .identifiers
        .iter()
        .filter(|id| id.len() >= 4)
        .map(|id| memchr::memmem::Finder::new(id.as_bytes()))
        .collect()
}

/// Should `file` collapse, and why? Never when the question names the file or one of its
/// changed lines carries a question identifier (`ids`: [`identifier_finders`]).
pub(super) fn classify(
    file: &File<'_>,
    query: &Query,
    ids: &[memchr::memmem::Finder<'_>],
) -> Option<Collapse> {
    let path = file.path.to_ascii_lowercase();
    let base = path.rsplit('/').next().unwrap_or(&path);
    // Most files are ordinary source: only a file that would collapse needs the (costlier)
    // check that the question asks about it.
    let verdict = kind_of(file, &path, base)?;
    let asked = query.identifiers.iter().any(|id| {
        let id = id.to_ascii_lowercase();
        id.contains(base) || base.contains(&id) && id.len() >= 4
    }) || file.hunks.iter().any(|h| {
        h.lines
            .iter()
            .filter(|l| h.is_change(l))
            .any(|l| ids.iter().any(|id| id.find(l.as_bytes()).is_some()))
    });
    (!asked).then_some(verdict)
}

/// What `file` (lowercased `path`, file name `base`) would collapse as, asked about or not.
fn kind_of(file: &File<'_>, path: &str, base: &str) -> Option<Collapse> {
    if LOCKFILES.contains(&base)
        || base.ends_with(".lock")
        || base.ends_with("-lock.json")
        || base.ends_with("-lock.yaml")
    {
        return Some(Collapse::Lockfile);
    }
    if GENERATED_MARKS.iter().any(|m| path.contains(m))
        || path.starts_with("vendor/")
        || path.starts_with("dist/")
    {
        return Some(Collapse::Generated);
    }
    if DATA_EXTENSIONS.iter().any(|e| base.ends_with(e)) {
        return Some(Collapse::Data);
    }
    let changed: Vec<&str> = file
        .hunks
        .iter()
        .flat_map(|h| h.lines.iter().filter(|l| h.is_change(l)).map(|l| h.text(l)))
        .collect();
    if changed.len() >= 8 {
        let encoded = changed.iter().filter(|l| is_encoded(l)).count();
        if encoded * 10 >= changed.len() * 8 {
            return Some(Collapse::Data);
        }
        let bytes: usize = changed.iter().map(|l| l.len()).sum();
        if bytes / changed.len() > 300 {
            return Some(Collapse::Generated);
        }
    } else if changed.iter().any(|l| l.len() > 2000) {
        return Some(Collapse::Generated);
    }
    None
}

/// A base64 / hex body line (key, certificate, blob).
fn is_encoded(l: &str) -> bool {
    let t = l.trim();
    t.len() >= 40
        && !t.contains(' ')
        && t.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'+' || b == b'/' || b == b'=')
}
