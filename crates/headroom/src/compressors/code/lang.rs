//! Per-language facts the code compressor needs: the tree-sitter grammar, which node kinds are
//! callables whose bodies may be elided, which are named containers (classes, impls, modules),
//! and the line-comment token used for marker lines.

use crate::detect::Language;

/// What the compressor knows about one language.
pub(super) struct LangSpec {
    /// Node kinds whose `body` field is a function body.
    pub callables: &'static [&'static str],
    /// Node kinds elided as a whole except their first and last line (macro definitions).
    pub whole: &'static [&'static str],
    /// Node kinds that name a scope for the callables inside (classes, impls, modules).
    pub containers: &'static [&'static str],
    /// Line-comment token for marker lines.
    pub comment: &'static str,
    /// Bodies are delimited by indentation (Python) rather than braces.
    pub indented: bool,
    /// Separator between a container name and a member name.
    pub scope_sep: &'static str,
}

pub(super) fn spec(lang: Language) -> LangSpec {
    match lang {
        Language::Python => LangSpec {
            callables: &["function_definition"],
            whole: &[],
            containers: &["class_definition"],
            comment: "#",
            indented: true,
            scope_sep: ".",
        },
        Language::JavaScript | Language::TypeScript => LangSpec {
            callables: &[
                "function_declaration",
                "function_expression",
                "function",
                "generator_function_declaration",
                "generator_function",
                "arrow_function",
                "method_definition",
            ],
            whole: &[],
            containers: &[
                "class_declaration",
                "abstract_class_declaration",
                "class",
                "internal_module",
                "module",
            ],
            comment: "//",
            indented: false,
            scope_sep: ".",
        },
        Language::Rust => LangSpec {
            callables: &["function_item", "closure_expression"],
            whole: &["macro_definition"],
            containers: &["impl_item", "trait_item", "mod_item"],
            comment: "//",
            indented: false,
            scope_sep: "::",
        },
        Language::Go => LangSpec {
            callables: &["function_declaration", "method_declaration", "func_literal"],
            whole: &[],
            containers: &[],
            comment: "//",
            indented: false,
            scope_sep: ".",
        },
        Language::Java => LangSpec {
            callables: &[
                "method_declaration",
                "constructor_declaration",
                "compact_constructor_declaration",
                "lambda_expression",
            ],
            whole: &[],
            containers: &[
                "class_declaration",
                "interface_declaration",
                "enum_declaration",
                "record_declaration",
            ],
            comment: "//",
            indented: false,
            scope_sep: ".",
        },
        Language::C => LangSpec {
            callables: &["function_definition"],
            whole: &[],
            containers: &[],
            comment: "//",
            indented: false,
            scope_sep: "::",
        },
        Language::Cpp => LangSpec {
            callables: &["function_definition", "lambda_expression"],
            whole: &[],
            containers: &["class_specifier", "struct_specifier", "namespace_definition"],
            comment: "//",
            indented: false,
            scope_sep: "::",
        },
    }
}

/// The tree-sitter grammar for `lang`.
pub(super) fn grammar(lang: Language) -> tree_sitter::Language {
    match lang {
        Language::Python => tree_sitter_python::LANGUAGE.into(),
        Language::JavaScript => tree_sitter_javascript::LANGUAGE.into(),
        Language::TypeScript => tree_sitter_typescript::LANGUAGE_TYPESCRIPT.into(),
        Language::Rust => tree_sitter_rust::LANGUAGE.into(),
        Language::Go => tree_sitter_go::LANGUAGE.into(),
        Language::Java => tree_sitter_java::LANGUAGE.into(),
        Language::C => tree_sitter_c::LANGUAGE.into(),
        Language::Cpp => tree_sitter_cpp::LANGUAGE.into(),
    }
}
