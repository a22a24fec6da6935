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
        if !wildcard && !rest.is_empty() && !rest.starts_with('/') {
            return Err(format!(
                "`{{{name}}}` in `{template}` must end its segment: the router matches no text after a variable in the same segment; take the whole segment (`{{{name}}}`) and split it in the handler"
            ));
        }
        if wildcard && !rest.is_empty() {
            return Err(format!(
                "`{{*{name}}}` in `{template}` must be the last segment: a wildcard takes the rest of the path"
            ));
        }
        found.push(Placeholder { name: name.to_owned() });
    }
    Ok(found)
}

/// Checks the literal text of `template` (outside its placeholders) for what no client sends in
/// a path as written: a space or control character (invalid in a request line: clients send
/// `%20`), `?` and `#` (they end the path: the query and the fragment follow), and `.` or `..`
/// segments (clients resolve them). A template with such text compiles to a route no client
/// reaches. Other characters reach the router in some spelling (raw from curl, percent-encoded
/// from a browser), and the router serves each route under the usual spellings.
pub(crate) fn check_literal(template: &str) -> Result<(), String> {
    let mut literal = String::new();
    let mut rest = template;
    while let Some(open) = rest.find('{') {
        literal.push_str(&rest[..open]);
        literal.push('/');
        rest = rest[open..].find('}').map_or("", |close| &rest[open + close + 1..]);
    }
    literal.push_str(rest);
    if let Some(bad) = literal.chars().find(|c| c.is_whitespace() || c.is_control()) {
        let mut utf8 = [0; 4];
        let encoded: String =
            bad.encode_utf8(&mut utf8).bytes().map(|b| format!("%{b:02X}")).collect();
        return Err(format!(
            "{bad:?} in `{template}` cannot be in a request's path: clients send it as `{encoded}`; write `{encoded}` in the template"
        ));
    }
    if let Some(bad) = literal.chars().find(|c| matches!(c, '?' | '#')) {
        let what = if bad == '?' { "the query" } else { "the fragment" };
        return Err(format!(
            "`{bad}` in `{template}` ends a request's path ({what} follows it), so no request reaches this route: remove it, and read the query with a parameter"
        ));
    }
    if literal.split('/').any(|segment| segment == "." || segment == "..") {
        return Err(format!(
            "`{template}` has a `.` or `..` segment, which clients resolve before sending: remove it"
        ));
    }
    Ok(())
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
