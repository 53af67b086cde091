//! Which programming language a block of source is, from its lines.

use super::Language;

/// The language `lines` are most likely written in, or `None` when they do not read as code.
pub(super) fn code_language(lines: &[&str]) -> Option<Language> {
    let mut score = [0u32; 8];
    let idx = |l: Language| l as usize;
    let mut codeish = 0u32;
    for l in lines {
        let t = l.trim();
        let ends_code = t.ends_with('{')
            || t.ends_with('}')
            || t.ends_with(';')
            || t.ends_with(':')
            || t.ends_with(')')
            || t.ends_with(',');
        if ends_code || t.starts_with("//") || t.starts_with('#') || t.starts_with("/*") || t.starts_with('*')
        {
            codeish += 1;
        }
        let mut bump = |lang: Language, w: u32| score[idx(lang)] += w;
        if t.starts_with("def ")
            || t.starts_with("async def ")
            || (t.starts_with("class ") && t.ends_with(':'))
            || t.starts_with("from ") && t.contains(" import ")
            || t.starts_with("elif ")
            || t == "else:"
            || t.starts_with("self.")
        {
            bump(Language::Python, 3);
        }
        if t.starts_with("import ") && !t.ends_with(';') && !t.contains(" from ") && !t.contains('"') {
            bump(Language::Python, 1);
        }
        if t.starts_with("fn ")
            || t.starts_with("pub fn ")
            || t.starts_with("pub(crate) ")
            || t.starts_with("impl")
            || t.starts_with("use ") && t.ends_with(';')
            || t.starts_with("let mut ")
            || t.starts_with("#[")
            || t.starts_with("pub struct ")
            || t.starts_with("pub enum ")
            || t.starts_with("mod ")
            || t.starts_with("pub mod ")
            || t.contains("-> Self")
        {
            bump(Language::Rust, 3);
        }
        if t.starts_with("func ")
            || t.starts_with("package ") && !t.ends_with(';')
            || t.contains(" := ")
            || t.starts_with("if err != nil")
            || t.starts_with("type ") && t.ends_with(" struct {")
        {
            bump(Language::Go, 3);
        }
        if t.starts_with("public class ")
            || t.starts_with("import java")
            || t.starts_with("package ") && t.ends_with(';')
            || t.starts_with("@Override")
            || t.contains("public static void")
            || t.starts_with("private final ")
        {
            bump(Language::Java, 3);
        }
        if t.starts_with("#include")
            || t.starts_with("#define")
            || t.starts_with("#ifdef")
            || t.starts_with("#ifndef")
            || t.starts_with("#endif")
        {
            bump(Language::C, 3);
        }
        if t.contains("std::")
            || t.starts_with("template<")
            || t.starts_with("template <")
            || t.starts_with("namespace ")
            || t.starts_with("#include <iostream>")
            || t.contains("::~")
        {
            bump(Language::Cpp, 3);
        }
        if t.starts_with("function ")
            || t.starts_with("const ") && t.contains(" = ")
            || t.contains("=> {")
            || t.starts_with("module.exports")
            || t.contains("require(")
            || t.starts_with("export ")
            || t.starts_with("import ") && (t.contains(" from '") || t.contains(" from \""))
        {
            bump(Language::JavaScript, 2);
        }
        if t.starts_with("interface ")
            || t.starts_with("export interface ")
            || t.starts_with("export type ")
            || t.starts_with("type ") && t.contains(" = ")
            || t.contains(": string")
            || t.contains(": number")
            || t.contains(": boolean")
            || t.starts_with("import type ")
            || t.contains("readonly ")
        {
            bump(Language::TypeScript, 3);
        }
    }
    let langs = Language::ALL;
    let mut best = None;
    let mut best_score = 0;
    for l in langs {
        let mut s = score[idx(l)];
        if l == Language::TypeScript && s > 0 {
            s += score[idx(Language::JavaScript)];
        }
        if l == Language::Cpp && s > 0 {
            s += score[idx(Language::C)];
        }
        if s > best_score {
            best_score = s;
            best = Some(l);
        }
    }
    let n = lines.len() as u32;
    let enough = best_score >= 6 || (best_score >= 3 && n < 20);
    let shaped = codeish * 4 >= n || best_score * 4 >= n;
    if enough && shaped {
        best
    } else {
        None
    }
}
