//! Route path templates as the macros see them: placeholders and a normal form for comparing.

use proc_macro2::Span;

/// A `{name}` or `{*name}` in a template.
pub(crate) struct Placeholder {
    pub(crate) name: String,
}

/// The placeholders of `template`, or a message saying what is malformed.
pub(crate) fn placeholders(template: &str) -> Result<Vec<Placeholder>, String> {
    let mut found = Vec::new();
    let mut rest = template;
    while let Some(open) = rest.find(['{', '}']) {
        if rest[open..].starts_with('}') {
            return Err(format!("unmatched `}}` in `{template}`"));
        }
        let after = &rest[open + 1..];
        let Some(close) = after.find('}') else {
            return Err(format!("unclosed `{{` in `{template}`: write `{{name}}`"));
        };
        let inner = &after[..close];
        let (wildcard, name) = match inner.strip_prefix('*') {
            Some(name) => (true, name),
            None => (false, inner),
        };
        let valid = !name.is_empty()
            && !name.starts_with(|c: char| c.is_ascii_digit())
            && name.chars().all(|c| c.is_ascii_alphanumeric() || c == '_');
        if !valid {
            return Err(format!(
                "`{{{inner}}}` in `{template}` is not a placeholder: use `{{name}}` or `{{*name}}` with a Rust identifier"
            ));
        }
        rest = &after[close + 1..];
        if wildcard && !rest.is_empty() {
            return Err(format!(
                "`{{*{name}}}` in `{template}` must be the last segment: a wildcard takes the rest of the path"
            ));
        }
        found.push(Placeholder { name: name.to_owned() });
    }
    Ok(found)
}

/// Joins and normalises like the runtime does, for compile-time duplicate detection only.
pub(crate) fn normalize(prefix: &str, path: &str) -> String {
    let joined: Vec<&str> =
        prefix.split('/').chain(path.split('/')).filter(|s| !s.is_empty()).collect();
    format!("/{}", joined.join("/"))
}

/// A template's path from a string literal, with its span for errors.
pub(crate) struct PathLit {
    pub(crate) value: String,
    pub(crate) span: Span,
}
