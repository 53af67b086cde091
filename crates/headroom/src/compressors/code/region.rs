//! The outline of a source file: its definitions with bodies (functions, methods, macros) and
//! its comment / docstring blocks, as row ranges. Found from the tree-sitter syntax tree, or by
//! indentation (see `indent.rs`) when the parse is too broken to trust.

use std::cell::RefCell;

use tree_sitter::{Node, Parser, Tree};

use super::lang::{self, LangSpec};
use super::source::Source;
use crate::detect::Language;

/// The share of bytes inside ERROR nodes above which the syntax tree is not trusted.
const MAX_ERROR_SHARE: f64 = 0.08;

/// Longest symbol name shown in a marker line.
const MAX_NAME: usize = 60;

/// A definition with a body: rows `start..=end`, of which `body` may be elided.
#[derive(Debug, Clone)]
pub(super) struct Item {
    /// First row of the definition (its signature).
    pub start: usize,
    /// Elidable rows: the inside of the body, after any docstring's first line.
    pub body: (usize, usize),
    /// Last row (the closing brace, or the body's last row).
    pub end: usize,
    /// Qualified symbol name.
    pub name: String,
    /// Indentation of the body's first line.
    pub body_indent: String,
}

/// A block of own-line comments, or a docstring: rows `start..=end`, of which `tail` may be
/// elided (the first text line, and a lone closing `*/` or `"""`, stay).
#[derive(Debug, Clone)]
pub(super) struct Doc {
    pub start: usize,
    pub tail: (usize, usize),
    pub end: usize,
    /// The block's own line prefix (`    /// `, ` * `), so a marker reads as part of it.
    pub lead: String,
}

/// Definitions and comment blocks, each sorted by start row.
#[derive(Debug, Default)]
pub(super) struct Outline {
    pub items: Vec<Item>,
    pub docs: Vec<Doc>,
}

/// The outline of `code` (the parse text of `src`), or `None` when tree-sitter cannot give a
/// trustworthy tree.
pub(super) fn from_tree(lang: Language, code: &str, src: &Source<'_>) -> Option<Outline> {
    let tree = parse(lang, code)?;
    if error_share(&tree, code.len()) > MAX_ERROR_SHARE {
        return None;
    }
    let spec = lang::spec(lang);
    let walker = Walker { spec: &spec, code: code.as_bytes(), src, kinds: RefCell::default() };
    Some(walker.walk(tree.root_node()))
}

thread_local! {
    /// This thread's parser and the language it is set to: kept from block to block rather
    /// than created, set up and torn down for each.
    static PARSER: RefCell<Option<(Language, Parser)>> = const { RefCell::new(None) };
}

/// `code` parsed as `lang`, by this thread's parser.
fn parse(lang: Language, code: &str) -> Option<Tree> {
    PARSER.with(|cell| {
        // Not re-entrant, but should it ever be, a parser of its own does the job.
        let Ok(mut slot) = cell.try_borrow_mut() else {
            let mut parser = Parser::new();
            parser.set_language(&lang::grammar(lang)).ok()?;
            return parser.parse(code, None);
        };
        let (set_to, parser) = slot.get_or_insert_with(|| (lang, Parser::new()));
        if *set_to != lang || parser.language().is_none() {
            parser.set_language(&lang::grammar(lang)).ok()?;
            *set_to = lang;
        }
        // Start afresh: never resume whatever an earlier call left.
        parser.reset();
        parser.parse(code, None)
    })
}

/// Fraction of `len` bytes covered by ERROR nodes (outermost ones only).
fn error_share(tree: &Tree, len: usize) -> f64 {
    let root = tree.root_node();
    if !root.has_error() || len == 0 {
        return 0.0;
    }
    let mut bytes = 0usize;
    let mut missing = 0usize;
    let mut stack = vec![root];
    let mut cursor = root.walk();
    while let Some(node) = stack.pop() {
        if node.is_error() {
            bytes += node.end_byte().saturating_sub(node.start_byte());
            continue;
        }
        if node.is_missing() {
            missing += 1;
            continue;
        }
        stack.extend(node.children(&mut cursor).filter(|c| c.has_error()));
    }
    // A missing token costs about a line's worth of trust.
    (bytes + missing * 40) as f64 / len as f64
}

struct Walker<'s, 'a> {
    spec: &'s LangSpec,
    code: &'s [u8],
    src: &'s Source<'a>,
    /// What each node kind is, by kind id, filled as kinds are met: a node's kind string costs
    /// an FFI call, a `strlen` and a UTF-8 check, its id a field read.
    kinds: RefCell<Vec<Kind>>,
}

/// What the walk needs to know of a node kind.
#[derive(Clone, Copy, Default)]
struct Kind {
    /// Filled in (the rest is meaningless until then).
    known: bool,
    comment: bool,
    callable: bool,
    whole: bool,
    container: bool,
    expression_statement: bool,
    string: bool,
}

/// A comment (or docstring) seen outside elided bodies: rows, and whether it starts its line.
#[derive(Clone, Copy)]
struct Comment {
    start: usize,
    end: usize,
    own_line: bool,
    docstring: bool,
}

impl Walker<'_, '_> {
    /// What `node`'s kind is (see [`Walker::kinds`]).
    fn kind(&self, node: &Node<'_>) -> Kind {
        let id = usize::from(node.kind_id());
        let mut kinds = self.kinds.borrow_mut();
        if let Some(k) = kinds.get(id).filter(|k| k.known) {
            return *k;
        }
        let name = node.kind();
        let k = Kind {
            known: true,
            comment: name.contains("comment"),
            callable: self.spec.callables.contains(&name),
            whole: self.spec.whole.contains(&name),
            container: self.spec.containers.contains(&name),
            expression_statement: name == "expression_statement",
            string: name == "string",
        };
        if kinds.len() <= id {
            kinds.resize(id + 1, Kind::default());
        }
        if let Some(slot) = kinds.get_mut(id) {
            *slot = k;
        }
        k
    }

    fn walk(&self, root: Node<'_>) -> Outline {
        let mut items = Vec::new();
        let mut comments = Vec::new();
        let mut scopes: Vec<String> = vec![String::new()];
        let mut stack: Vec<(Node<'_>, usize)> = vec![(root, 0)];
        let mut cursor = root.walk();
        while let Some((node, scope)) = stack.pop() {
            let kind = self.kind(&node);
            let (start, end) = rows(&node);
            if kind.comment || self.is_docstring(&node) {
                let own_line = self.starts_line(&node);
                comments.push(Comment { start, end, own_line, docstring: !kind.comment });
                continue;
            }
            if start == end {
                continue;
            }
            let scope_name = scopes.get(scope).map_or("", String::as_str);
            if kind.callable {
                if let Some(item) = self.item(&node, scope_name) {
                    items.push(item);
                    continue;
                }
            }
            if kind.whole {
                let name = self.qualify(scope_name, &self.name_of(&node));
                let last_closes = self.code_line(end).trim_start().starts_with(['}', ')', ']']);
                let r_end = if last_closes { end.saturating_sub(1) } else { end };
                if r_end > start {
                    items.push(self.make_item(start, (start + 1, r_end), end, name));
                }
                continue;
            }
            let child_scope = if kind.container {
                let name = self.qualify(scope_name, &self.container_name(&node));
                scopes.push(name);
                scopes.len() - 1
            } else {
                scope
            };
            // Children pushed in reverse, so the first is walked first.
            let at = stack.len();
            stack.extend(node.children(&mut cursor).map(|c| (c, child_scope)));
            if let Some(pushed) = stack.get_mut(at..) {
                pushed.reverse();
            }
        }
        items.sort_by_key(|r| r.start);
        Outline { items, docs: self.docs(comments) }
    }

    fn text(&self, node: &Node<'_>) -> &str {
        std::str::from_utf8(self.code.get(node.start_byte()..node.end_byte()).unwrap_or_default())
            .unwrap_or_default()
    }

    fn code_line(&self, row: usize) -> &str {
        self.src.code.get(row).copied().unwrap_or_default()
    }

    /// Is the node the first thing on its line?
    fn starts_line(&self, node: &Node<'_>) -> bool {
        let p = node.start_position();
        self.code_line(p.row).get(..p.column).is_some_and(|s| s.trim().is_empty())
    }

    /// A statement that is only a string literal (Python docstrings, at any level).
    fn is_docstring(&self, node: &Node<'_>) -> bool {
        if !self.spec.indented || !self.kind(node).expression_statement || node.named_child_count() != 1 {
            return false;
        }
        node.named_child(0).is_some_and(|c| self.kind(&c).string)
    }

    fn qualify(&self, scope: &str, name: &str) -> String {
        if scope.is_empty() {
            name.to_owned()
        } else {
            format!("{scope}{}{name}", self.spec.scope_sep)
        }
    }

    fn container_name(&self, node: &Node<'_>) -> String {
        let named = node.child_by_field_name("name").or_else(|| node.child_by_field_name("type"));
        // `MethodRouter<S, E>` reads as `MethodRouter` in a marker.
        named.map(|n| short(self.text(&n).split('<').next().unwrap_or_default())).unwrap_or_default()
    }

    /// The name a callable is known by: its own `name`, a C declarator, or what it is assigned
    /// to / passed to.
    fn name_of(&self, node: &Node<'_>) -> String {
        if let Some(n) = node.child_by_field_name("name") {
            // Go methods: `func (c *Command) execute` reads as `Command.execute`.
            let receiver = node.child_by_field_name("receiver").and_then(|r| {
                let text = self.text(&r);
                text.split(|c: char| !(c.is_alphanumeric() || c == '_')).rfind(|w| !w.is_empty())
            });
            let name = short(self.text(&n));
            return match receiver {
                Some(r) => format!("{r}{}{name}", self.spec.scope_sep),
                None => name,
            };
        }
        let mut decl = node.child_by_field_name("declarator");
        while let Some(d) = decl {
            match d.child_by_field_name("declarator") {
                Some(inner) => decl = Some(inner),
                None => return short(self.text(&d)),
            }
        }
        let Some(parent) = node.parent() else { return "anonymous".into() };
        let field = match parent.kind() {
            "variable_declarator" | "public_field_definition" | "field_definition" => "name",
            "pair" => "key",
            "assignment_expression" | "assignment" => "left",
            "let_declaration" => "pattern",
            "arguments" | "argument_list" => {
                let call = parent.parent().and_then(|g| g.child_by_field_name("function"));
                return call
                    .map_or_else(|| "callback".into(), |f| format!("{} callback", short(self.text(&f))));
            }
            _ => return "anonymous".into(),
        };
        parent.child_by_field_name(field).map_or_else(|| "anonymous".into(), |n| short(self.text(&n)))
    }

    fn item(&self, node: &Node<'_>, scope: &str) -> Option<Item> {
        let body = node.child_by_field_name("body")?;
        let (bs, be) = rows(&body);
        let mut start = if self.spec.indented { bs.max(node.start_position().row + 1) } else { bs + 1 };
        let closes = self.code_line(be).trim_start().starts_with(['}', ')', ']']);
        let end = if !self.spec.indented && closes { be.checked_sub(1)? } else { be };
        if self.spec.indented {
            // Keep a docstring's first line of text: what the function is for.
            if let Some(first) = body.named_child(0).filter(|c| self.is_docstring(c)) {
                let (ds, de) = rows(&first);
                let text_row = (ds..=de).find(|&r| has_text(self.code_line(r))).unwrap_or(ds);
                start = start.max(text_row + 1);
            }
        }
        if end < start {
            return None;
        }
        let name = self.qualify(scope, &self.name_of(node));
        Some(self.make_item(node.start_position().row, (start, end), rows(node).1, name))
    }

    fn make_item(&self, start: usize, body: (usize, usize), end: usize, name: String) -> Item {
        Item { start, body, end, name, body_indent: first_indent(&self.src.code, body) }
    }

    /// Group comments into blocks of consecutive own-line comments; each block keeps its first
    /// text line (and a lone closing `*/` / `"""`), the rest may be elided.
    fn docs(&self, mut comments: Vec<Comment>) -> Vec<Doc> {
        comments.sort_by_key(|c| c.start);
        let mut out = Vec::new();
        let mut i = 0;
        while let Some(first) = comments.get(i).copied() {
            let mut end = first.end;
            let mut j = i + 1;
            while let Some(next) = comments.get(j) {
                let joins = next.own_line && first.own_line && !next.docstring && !first.docstring;
                if !joins || next.start != end + 1 {
                    break;
                }
                end = next.end;
                j += 1;
            }
            i = j;
            if !first.own_line {
                continue;
            }
            let text_row = (first.start..=end).find(|&r| has_text(self.code_line(r))).unwrap_or(first.start);
            let last = self.code_line(end).trim();
            let closer = matches!(last, "*/" | "\"\"\"" | "'''" | "**/");
            let r_end = if closer { end.saturating_sub(1) } else { end };
            if r_end > text_row {
                let lead = comment_lead(self.code_line(text_row + 1), first.docstring);
                out.push(Doc { start: first.start, tail: (text_row + 1, r_end), end, lead });
            }
        }
        out
    }
}

/// Start and end rows of a node, not counting an end that sits at column 0 of the next row.
fn rows(node: &Node<'_>) -> (usize, usize) {
    let s = node.start_position().row;
    let e = node.end_position();
    let end = if e.column == 0 && e.row > s { e.row - 1 } else { e.row };
    (s, end)
}

/// Does the line carry words (not just comment punctuation or quotes)?
fn has_text(line: &str) -> bool {
    line.chars().any(char::is_alphanumeric)
}

/// The comment prefix of a line inside a comment block (`    /// `, ` * `, `# `), so a marker
/// line reads as part of the block.
fn comment_lead(line: &str, docstring: bool) -> String {
    let indent_len = line.len() - line.trim_start().len();
    let indent = line.get(..indent_len).unwrap_or("");
    if docstring {
        return indent.to_owned();
    }
    let rest = line.get(indent_len..).unwrap_or("");
    let punct: String = rest.chars().take_while(|c| matches!(c, '/' | '*' | '#' | '!' | '-')).collect();
    let punct = if punct.is_empty() { "//".to_owned() } else { punct };
    format!("{indent}{punct} ")
}

pub(super) fn short(name: &str) -> String {
    let first = name.lines().next().unwrap_or("").trim();
    if first.chars().count() <= MAX_NAME {
        return first.to_owned();
    }
    let mut s: String = first.chars().take(MAX_NAME).collect();
    s.push('…');
    s
}

/// Indentation of the first non-blank row in `rows`.
pub(super) fn first_indent(code: &[&str], (start, end): (usize, usize)) -> String {
    let first = code.get(start..=end).and_then(|ls| ls.iter().find(|l| !l.trim().is_empty()));
    first.map(|l| l.chars().take_while(|c| c.is_whitespace()).collect()).unwrap_or_default()
}
