//! `#[set_metadata("key", value)]`: parse into a literal the runtime stores statically.

use proc_macro2::{Delimiter, TokenStream, TokenTree};
use quote::quote;
use syn::parse::{Parse, ParseStream};
use syn::{Attribute, Lit, LitStr, Token};

use crate::errors::Errors;
use crate::stacked::strip_marker;

const USAGE: &str = "expected `#[set_metadata(\"key\", value)]` with a string, number, bool, or a JSON array / object as the value";

/// One parsed entry.
pub(crate) struct Entry {
    pub(crate) key: LitStr,
    value: Value,
}

enum Value {
    Str(LitStr),
    Int(i64),
    Float(f64),
    Bool(bool),
    Json(String),
}

impl Parse for Entry {
    fn parse(input: ParseStream<'_>) -> syn::Result<Self> {
        let key: LitStr = input.parse().map_err(|e| {
            syn::Error::new(e.span(), format!("the metadata key must be a string literal: {USAGE}"))
        })?;
        if input.is_empty() {
            return Err(syn::Error::new_spanned(
                &key,
                format!("`{}` has no value: {USAGE}", key.value()),
            ));
        }
        input.parse::<Token![,]>()?;
        let value = parse_value(input)?;
        let _ = input.parse::<Option<Token![,]>>()?;
        if !input.is_empty() {
            return Err(input.error(USAGE));
        }
        Ok(Self { key, value })
    }
}

fn parse_value(input: ParseStream<'_>) -> syn::Result<Value> {
    let negative = input.parse::<Option<Token![-]>>()?.is_some();
    if input.peek(syn::token::Bracket) || input.peek(syn::token::Brace) {
        let group: TokenTree = input.parse()?;
        let mut json = String::new();
        to_json(&TokenStream::from(group), &mut json);
        return Ok(Value::Json(json));
    }
    let lit: Lit = input.parse().map_err(|e| syn::Error::new(e.span(), USAGE))?;
    let sign: i64 = if negative { -1 } else { 1 };
    Ok(match lit {
        Lit::Str(s) if !negative => Value::Str(s),
        Lit::Int(i) => Value::Int(sign * i.base10_parse::<i64>()?),
        Lit::Float(f) => Value::Float(if negative {
            -f.base10_parse::<f64>()?
        } else {
            f.base10_parse::<f64>()?
        }),
        Lit::Bool(b) if !negative => Value::Bool(b.value),
        other => return Err(syn::Error::new_spanned(other, USAGE)),
    })
}

/// Rust tokens of an array / object literal to compact JSON text; validated at startup.
fn to_json(tokens: &TokenStream, out: &mut String) {
    for token in tokens.clone() {
        match token {
            TokenTree::Group(group) => {
                let (open, close) = match group.delimiter() {
                    Delimiter::Bracket => ('[', ']'),
                    Delimiter::Brace => ('{', '}'),
                    Delimiter::Parenthesis => ('(', ')'),
                    Delimiter::None => (' ', ' '),
                };
                out.push(open);
                to_json(&group.stream(), out);
                out.push(close);
            }
            other => out.push_str(&other.to_string()),
        }
    }
}

/// Entries of every `#[set_metadata]` among `attrs`, the upper one winning for a repeated key.
pub(crate) fn collect(attrs: &[Attribute], errors: &mut Errors) -> Vec<Entry> {
    let mut entries: Vec<Entry> = Vec::new();
    for attr in
        attrs.iter().filter(|a| a.path().segments.last().is_some_and(|s| s.ident == "set_metadata"))
    {
        let parsed = match &attr.meta {
            syn::Meta::List(list) => syn::parse2::<Entry>(strip_marker(list.tokens.clone())),
            _ => Err(syn::Error::new_spanned(attr, USAGE)),
        };
        match parsed {
            Ok(entry) if entries.iter().any(|e| e.key.value() == entry.key.value()) => {}
            Ok(entry) => entries.push(entry),
            Err(err) => errors.push(err),
        }
    }
    entries
}

/// `&[MetaEntry { .. }, ..]`.
pub(crate) fn expand(entries: &[Entry]) -> TokenStream {
    let private = quote!(::lauren::__private);
    let items = entries.iter().map(|entry| {
        let key = &entry.key;
        let value = match &entry.value {
            Value::Str(s) => quote!(#private::MetaLiteral::Str(#s)),
            Value::Int(n) => quote!(#private::MetaLiteral::Int(#n)),
            Value::Float(x) => quote!(#private::MetaLiteral::Float(#x)),
            Value::Bool(b) => quote!(#private::MetaLiteral::Bool(#b)),
            Value::Json(text) => quote!(#private::MetaLiteral::Json(#text)),
        };
        quote!(#private::MetaEntry { key: #key, value: #value })
    });
    quote!(&[#(#items),*])
}
