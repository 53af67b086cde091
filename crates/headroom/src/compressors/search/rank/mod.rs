//! Line-level relevance cues shared by the search and diff compressors: word-form variants of
//! the question's terms, definition and test-name detection, path words, question identifiers
//! by rarity, and the near-duplicate key. BM25 with subword pieces is in [`terms`]; BM25
//! itself lives in `crate::relevance`.

use crate::relevance::Query;

mod terms;

pub(in crate::compressors) use terms::{bm25_with_subwords, term_set, Terms};

/// `query` with simple word-form variants of each term added (`enums` → `enum`, `print` →
/// `prints`/`printed`/`printing`), so BM25's exact word match also finds inflected forms.
pub(in crate::compressors) fn expanded(query: &Query) -> Query {
    let mut terms: Vec<String> = Vec::with_capacity(query.terms.len() * 4);
    let push = |w: &str, terms: &mut Vec<String>| {
        if w.len() >= 3 && !terms.iter().any(|x| x == w) {
            terms.push(w.to_owned());
        }
    };
    for t in &query.terms {
        push(t, &mut terms);
        for_each_variant(t, |v| push(v, &mut terms));
    }
    Query { terms, identifiers: query.identifiers.clone() }
}

/// Calls `f` with each word-form variant of `t` (never `t` itself), in a fixed order.
fn for_each_variant(t: &str, mut f: impl FnMut(&str)) {
    let mut bases: Vec<String> = vec![t.to_owned()];
    let n = t.len();
    let cut = |k: usize| t.get(..n - k).unwrap_or("").to_owned();
    if n > 5 && t.ends_with("ing") {
        bases.push(cut(3));
    }
    if n > 4 && (t.ends_with("ied") || t.ends_with("ies")) {
        bases.push(format!("{}y", cut(3)));
    } else if n > 4
        && (t.ends_with("ed")
            || t.ends_with("sses")
            || t.ends_with("xes")
            || t.ends_with("ches")
            || t.ends_with("shes"))
    {
        bases.push(cut(2));
    } else if n > 3 && t.ends_with('s') && !t.ends_with("ss") && !t.ends_with("us") && !t.ends_with("is") {
        bases.push(cut(1));
    }
    // `stripp(ed)` → `strip`, `defin(ed)` → `define`.
    let mut extra = Vec::new();
    for b in bases.iter().skip(1) {
        let c = b.as_bytes();
        if let [.., x, y] = c {
            if x == y && !is_vowel(*y) {
                extra.push(b.get(..b.len() - 1).unwrap_or("").to_owned());
            } else if !is_vowel(*y) {
                extra.push(format!("{b}e"));
            }
        }
    }
    bases.extend(extra);
    let mut form = String::new();
    let mut emit = |parts: &[&str]| {
        form.clear();
        parts.iter().for_each(|p| form.push_str(p));
        if form != t {
            f(&form);
        }
    };
    for b in bases.iter().map(String::as_str) {
        if b.len() < 3 || !b.bytes().all(|c| c.is_ascii_alphabetic()) {
            continue;
        }
        let stem = b.strip_suffix('e').unwrap_or(b);
        let sibilant = ["s", "x", "ch", "sh"].iter().any(|s| b.ends_with(s));
        emit(&[b]);
        emit(&[b, if sibilant { "es" } else { "s" }]);
        emit(&[stem, "ed"]);
        emit(&[stem, "ing"]);
        // Doubled final consonant: `strip` → `stripped`, `stripping`.
        let last = b.get(b.len() - 1..).unwrap_or("a");
        if !last.bytes().all(is_vowel) {
            emit(&[b, last, "ed"]);
            emit(&[b, last, "ing"]);
        }
    }
}

fn is_vowel(b: u8) -> bool {
    matches!(b, b'a' | b'e' | b'i' | b'o' | b'u')
}

const MODIFIERS: &[&str] = &[
    "pub ",
    "pub(crate) ",
    "pub(super) ",
    "pub(self) ",
    "export ",
    "default ",
    "async ",
    "unsafe ",
    "extern ",
    "public ",
    "private ",
    "protected ",
    "internal ",
    "static ",
    "final ",
    "abstract ",
    "override ",
    "virtual ",
    "inline ",
    "declare ",
    "open ",
    "sealed ",
    "data ",
];

const KEYWORDS: &[&str] = &[
    "fn ",
    "def ",
    "class ",
    "struct ",
    "enum ",
    "trait ",
    "type ",
    "interface ",
    "func ",
    "function ",
    "function* ",
    "impl ",
    "impl<",
    "mod ",
    "module ",
    "macro_rules! ",
    "union ",
    "const ",
    "static ",
    "var ",
    "#define ",
    "typedef ",
    "object ",
    "record ",
    "namespace ",
];

/// Bit `a << 8 | b` set when some modifier or keyword starts with bytes `a`, `b`.
static DEFINITION_PAIRS: [u64; 1024] = {
    let mut t = [0u64; 1024];
    let mut i = 0;
    while i < MODIFIERS.len() + KEYWORDS.len() {
        let w = if i < MODIFIERS.len() { MODIFIERS[i] } else { KEYWORDS[i - MODIFIERS.len()] }.as_bytes();
        let pair = (w[0] as usize) << 8 | w[1] as usize;
        t[pair / 64] |= 1 << (pair % 64);
        i += 1;
    }
    t
};

/// Does some modifier or keyword start with bytes `a`, `b`?
fn lead_pair(a: u8, b: u8) -> bool {
    let pair = usize::from(a) << 8 | usize::from(b);
    DEFINITION_PAIRS.get(pair / 64).is_some_and(|w| w & (1 << (pair % 64)) != 0)
}

/// What a definition defines.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(in crate::compressors) enum DefKind {
    /// struct, enum, class, interface, trait, type alias, impl block.
    Type,
    /// fn, def, func, function, method.
    Function,
    /// const, static, var, module-level constant.
    Constant,
    /// mod, module, namespace, macro.
    Other,
}

fn kind_of(keyword: &str) -> DefKind {
    match keyword.trim_end() {
        "fn" | "def" | "func" | "function" | "function*" => DefKind::Function,
        "class" | "struct" | "enum" | "trait" | "type" | "interface" | "union" | "typedef" | "object"
        | "record" => DefKind::Type,
        "const" | "static" | "var" | "#define" => DefKind::Constant,
        _ => DefKind::Other,
    }
}

/// Question words that ask for one kind of definition (`error types`, `which enums`, `the
/// function signature`).
pub(in crate::compressors) fn asked_kinds(query: &Query) -> Vec<DefKind> {
    let mut out = Vec::new();
    for t in &query.terms {
        let kind = match t.as_str() {
            "type" | "types" | "struct" | "structs" | "enum" | "enums" | "class" | "classes"
            | "interface" | "interfaces" | "trait" | "traits" => DefKind::Type,
            "function" | "functions" | "method" | "methods" | "constructor" | "constructors"
            | "signature" | "signatures" | "func" => DefKind::Function,
            "constant" | "constants" | "const" | "consts" => DefKind::Constant,
            _ => continue,
        };
        if !out.contains(&kind) {
            out.push(kind);
        }
    }
    out
}

/// If `content` (one source line, no diff/grep prefix) opens a definition, its kind and name.
/// Covers `fn x`, `pub fn x`, `func (r *T) X`, `def x`, `class X`, `type X`, `const X =`,
/// `export function x`, Go `Name Type = value` constants, Python `UPPER = value`, and Java/C#
/// `public Type name(`.
pub(in crate::compressors) fn definition(content: &str) -> Option<(DefKind, &str)> {
    let mut t = trim_start(content);
    let indent = content.len() - t.len();
    // Most lines start with two bytes no modifier or keyword starts with, and are no constant.
    let lead = match *t.as_bytes() {
        [a, ..] if a.is_ascii_uppercase() => true,
        [a, b, ..] => lead_pair(a, b),
        _ => false,
    };
    if !lead {
        return None;
    }
    // Only words that share `t`'s first byte can prefix it.
    let same_first = |t: &str, w: &str| t.as_bytes().first() == w.as_bytes().first();
    let mut modified = false;
    let mut stripped = true;
    while stripped {
        stripped = false;
        for m in MODIFIERS {
            if !same_first(t, m) {
                continue;
            }
            if let Some(r) = t.strip_prefix(m) {
                t = r.trim_start();
                modified = true;
                stripped = true;
            }
        }
        if t.starts_with("pub(in ") {
            if let Some(close) = t.find(") ") {
                t = t.get(close + 2..).unwrap_or("").trim_start();
                stripped = true;
                modified = true;
            }
        }
        if t.starts_with("extern \"") || t.starts_with('"') && modified {
            if let Some(close) = t.get(1..).and_then(|r| r.find("\" ")) {
                t = t.get(close + 3..).unwrap_or("").trim_start();
                stripped = true;
            }
        }
    }
    for k in KEYWORDS {
        if !same_first(t, k) {
            continue;
        }
        let Some(rest) = t.strip_prefix(k) else { continue };
        // Local `var` bindings are not definitions worth ranking.
        if k.starts_with("var") && indent > 0 && !modified {
            return None;
        }
        let mut rest = rest.trim_start();
        if *k == "func " && rest.starts_with('(') {
            rest = rest.find(')').and_then(|i| rest.get(i + 1..)).unwrap_or("").trim_start();
        }
        if k.starts_with("impl") {
            let name = rest.trim_end_matches(|c: char| c == '{' || c.is_whitespace());
            return (!name.is_empty()).then_some((DefKind::Type, name));
        }
        rest = rest.trim_start_matches(['*', '&']);
        rest = rest.strip_prefix("mut ").unwrap_or(rest);
        let name = ident_prefix(rest);
        return (!name.is_empty()).then_some((kind_of(k), name));
    }
    // Go constants in a const block / Python module constants: `Name [Type] = value`.
    if indent <= 4 && t.starts_with(|c: char| c.is_ascii_uppercase()) {
        let name = ident_prefix(t);
        let after = t.get(name.len()..).unwrap_or("");
        let after = after.trim_start();
        let ty = ident_prefix(after.trim_start_matches(['*', '[', ']']));
        let after_ty = if ty.is_empty() {
            after
        } else {
            after.get(after.find(ty).unwrap_or(0) + ty.len()..).unwrap_or("")
        };
        if !name.is_empty()
            && (after.starts_with("= ") || after_ty.trim_start().starts_with("= "))
            && !after.starts_with("==")
        {
            return Some((DefKind::Constant, name));
        }
    }
    // Java / C# / C++ methods: `public Type name(`.
    if modified {
        let ty = ident_prefix(t);
        let rest = t.get(ty.len()..).unwrap_or("");
        let rest = rest.trim_start_matches(['<', '>', '[', ']', ',']);
        let rest = rest.trim_start();
        let name = ident_prefix(rest);
        if !ty.is_empty() && !name.is_empty() && rest.get(name.len()..).is_some_and(|r| r.starts_with('(')) {
            return Some((DefKind::Function, name));
        }
    }
    None
}

/// `s.trim_start()`, sweeping ASCII whitespace bytes without decoding chars.
fn trim_start(s: &str) -> &str {
    let ascii =
        s.bytes().take_while(|b| matches!(b, b' ' | b'\t' | b'\n' | b'\x0B' | b'\x0C' | b'\r')).count();
    let rest = s.get(ascii..).unwrap_or("");
    if rest.as_bytes().first().is_some_and(|b| !b.is_ascii()) {
        rest.trim_start()
    } else {
        rest
    }
}

fn ident_prefix(s: &str) -> &str {
    let end = s
        .char_indices()
        .find(|&(_, c)| !(c.is_alphanumeric() || c == '_' || c == '$'))
        .map_or(s.len(), |(i, _)| i);
    s.get(..end).unwrap_or("")
}

/// Does `content` declare a test (`def test_x`, `fn test_x`, `func TestX`, `it('...')`,
/// `test("...")`, `describe(`, `#[test]`, `@Test`)?
pub(in crate::compressors) fn is_test_decl(content: &str) -> bool {
    let t = content.trim_start();
    let t = t.strip_prefix("async ").unwrap_or(t);
    t.starts_with("def test")
        || t.starts_with("fn test")
        || t.starts_with("func Test")
        || t.starts_with("it(")
        || t.starts_with("test(")
        || t.starts_with("describe(")
        || t.starts_with("it.each")
        || t.starts_with("test.each")
        || t.starts_with("#[test]")
        || t.starts_with("#[tokio::test")
        || t.starts_with("@Test")
        || t.starts_with("@pytest.mark")
}

/// Is `name` a test function's name (`TestX`, `test_x`, `testX`)?
pub(in crate::compressors) fn is_test_name(name: &str) -> bool {
    name.starts_with("Test")
        || name.starts_with("test_")
        || name.starts_with("test") && name.chars().nth(4).is_some_and(char::is_uppercase)
}

/// Words in a question that make tests / docs / examples first-class.
const PERIPHERAL_ASKS: &[&str] = &[
    "test",
    "tests",
    "doc",
    "docs",
    "example",
    "examples",
    "changelog",
    "history",
    "readme",
    "spec",
    "specs",
];

/// Does the question ask about tests, docs or examples?
pub(in crate::compressors) fn asks_peripheral(query: &Query) -> bool {
    query.terms.iter().any(|t| PERIPHERAL_ASKS.contains(&t.as_str()))
}

/// Score factor for tests / docs / examples when the question does not ask about them.
pub(in crate::compressors) const PERIPHERAL_WEIGHT: f64 = 0.6;

/// Lowercased words of a path, split on separators and `_`/`-`/`.` (`powershell_completions.go`
/// → `powershell`, `completions`, `go`).
pub(in crate::compressors) fn path_words(path: &str) -> impl Iterator<Item = String> + '_ {
    path.split(|c: char| !c.is_alphanumeric()).filter(|w| w.len() >= 2).map(str::to_lowercase)
}

/// Is `path` a test, doc or changelog file (usually less central than implementation)?
pub(in crate::compressors) fn is_peripheral_path(path: &str) -> bool {
    let p = path.to_ascii_lowercase();
    p.contains("test")
        || p.contains("spec/")
        || p.contains("docs/")
        || p.contains("doc/")
        || p.contains("example")
        || p.ends_with(".md")
        || p.ends_with(".rst")
        || p.ends_with(".txt")
        || p.contains("changelog")
        || p.contains("history")
}

/// Does `hay` contain `needle`? A plain scan, for short haystacks (a definition's name), where
/// building a substring searcher costs more than the search.
pub(in crate::compressors) fn contains_short(hay: &str, needle: &str) -> bool {
    let (hay, needle) = (hay.as_bytes(), needle.as_bytes());
    let Some((&first, rest)) = needle.split_first() else { return true };
    hay.windows(needle.len()).any(|w| w.first() == Some(&first) && w.get(1..) == Some(rest))
}

/// `x` rounded to 1e-6, so scores summed in hash-map order compare equal when they are equal.
pub(in crate::compressors) fn quantize(x: f64) -> f64 {
    (x * 1e6).round() / 1e6
}

/// Key under which near-identical lines collapse: whitespace dropped, digit runs folded.
pub(in crate::compressors) fn near_dup_key(content: &str) -> String {
    if content.is_ascii() {
        let mut out = Vec::with_capacity(content.len());
        let mut last_digit = false;
        for &b in content.as_bytes() {
            if matches!(b, b' ' | b'\t' | b'\n' | b'\x0B' | b'\x0C' | b'\r') {
                continue;
            }
            let digit = b.is_ascii_digit();
            if !digit {
                out.push(b);
            } else if !last_digit {
                out.push(b'#');
            }
            last_digit = digit;
        }
        return String::from_utf8(out).unwrap_or_default();
    }
    let mut out = String::with_capacity(content.len());
    let mut last_digit = false;
    for c in content.chars() {
        if c.is_whitespace() {
            continue;
        }
        if c.is_ascii_digit() {
            if !last_digit {
                out.push('#');
            }
            last_digit = true;
        } else {
            out.push(c);
            last_digit = false;
        }
    }
    out
}

/// The question's identifiers, weighted by rarity over some docs, with a finder for each
/// that counts.
pub(in crate::compressors) struct Identifiers {
    /// (finder, weight) of every identifier with a positive weight, in question order.
    weighted: Vec<(memchr::memmem::Finder<'static>, f64)>,
}

impl Identifiers {
    /// Weight of each query identifier: rare ones (few of `docs` contain them) weigh most;
    /// identifiers present in most docs (the searched pattern itself) weigh nothing.
    pub(in crate::compressors) fn new(query: &Query, docs: &[&str]) -> Self {
        let n = docs.len() as f64;
        let weighted = query
            .identifiers
            .iter()
            .filter(|id| id.len() >= 3)
            .filter_map(|id| {
                let finder = memchr::memmem::Finder::new(id.as_bytes()).into_owned();
                let df = docs.iter().filter(|d| finder.find(d.as_bytes()).is_some()).count() as f64;
                let weight =
                    if df == 0.0 || df > n * 0.5 { 0.0 } else { ((n + 1.0) / (df + 0.5)).ln().max(0.5) };
                (weight > 0.0).then_some((finder, weight))
            })
            .collect();
        Self { weighted }
    }

    /// Sum of the weights of identifiers that `text` contains verbatim (in question order).
    pub(in crate::compressors) fn score(&self, text: &str) -> f64 {
        self.weighted.iter().filter(|(f, _)| f.find(text.as_bytes()).is_some()).map(|(_, w)| *w).sum()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn def_name(content: &str) -> Option<&str> {
        definition(content).map(|(_, name)| name)
    }

    #[test]
    fn definitions() {
        assert_eq!(def_name("    pub fn with_state<S2>(self, state: S) -> Router<S2> {"), Some("with_state"));
        assert_eq!(def_name("pub(crate) async fn call(&self)"), Some("call"));
        assert_eq!(def_name("func (c *Command) getCompletions(args []string) {"), Some("getCompletions"));
        assert_eq!(
            def_name("\tShellCompDirectiveError ShellCompDirective = 1 << iota"),
            Some("ShellCompDirectiveError")
        );
        assert_eq!(def_name("DEFAULT_POOL_TIMEOUT = None"), Some("DEFAULT_POOL_TIMEOUT"));
        assert_eq!(def_name("pub enum LoginError {"), Some("LoginError"));
        assert_eq!(def_name("    def should_strip_auth(self, old_url, new_url):"), Some("should_strip_auth"));
        assert_eq!(def_name("export function withCleanErrors<T extends ArgsDef>("), Some("withCleanErrors"));
        assert_eq!(def_name("    public static void main(String[] args) {"), Some("main"));
        assert_eq!(def_name("    let x = 1;"), None);
        assert_eq!(def_name("        return nil, ShellCompDirectiveDefault"), None);
        assert_eq!(def_name("    if x == 1 {"), None);
    }

    #[test]
    fn kinds_asked_and_defined() {
        assert_eq!(asked_kinds(&Query::new("Which error types and enums exist?")), vec![DefKind::Type]);
        assert_eq!(definition("pub enum LoginError {"), Some((DefKind::Type, "LoginError")));
        assert_eq!(definition("    def f(x):"), Some((DefKind::Function, "f")));
    }

    #[test]
    fn variants_match_inflections() {
        let q = expanded(&Query::new("which error enums print the stack, stripped, defined"));
        for w in ["enum", "errors", "prints", "printing", "strip", "define", "stripping"] {
            assert!(q.terms.iter().any(|t| t == w), "{w} missing from {:?}", q.terms);
        }
    }

    #[test]
    fn near_dups() {
        assert_eq!(near_dup_key("  a = 12;"), near_dup_key("a=7;"));
        assert_ne!(near_dup_key("a = b"), near_dup_key("a = c"));
    }
}
