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

/// Checks the literal text of `template` (outside its placeholders): the router compares a path
/// as it came on the wire, where a client has percent-encoded what a path may not hold as is
/// (RFC 3986 `pchar`), and has resolved `.` and `..` segments. A template with such text
/// compiles to a route no client reaches.
pub(crate) fn check_literal(template: &str) -> Result<(), String> {
    let mut literal = String::new();
    let mut rest = template;
    while let Some(open) = rest.find('{') {
        literal.push_str(&rest[..open]);
        literal.push('/');
        rest = rest[open..].find('}').map_or("", |close| &rest[open + close + 1..]);
    }
    literal.push_str(rest);
    if let Some(bad) = literal.chars().find(|&c| !is_path_char(c)) {
        let mut utf8 = [0; 4];
        let encoded: String =
            bad.encode_utf8(&mut utf8).bytes().map(|b| format!("%{b:02X}")).collect();
        return Err(format!(
            "{bad:?} in `{template}` never reaches the router as is: clients send it percent-encoded, as `{encoded}`, and routes match the path as sent; write `{encoded}` in the template, or take that segment as a variable"
        ));
    }
    if literal.split('/').any(|segment| segment == "." || segment == "..") {
        return Err(format!(
            "`{template}` has a `.` or `..` segment, which clients resolve before sending: remove it"
        ));
    }
    Ok(())
}

/// A character a path may hold unencoded: RFC 3986 `pchar` (with `%` for the encoded ones) or
/// `/`.
fn is_path_char(c: char) -> bool {
    c.is_ascii_alphanumeric() || "-._~!$&'()*+,;=:@%/".contains(c)
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
