//! `#[query(le = 50, default = 10)]` / `#[path(ge = 1)]` on a handler parameter: declarative
//! bounds, checked right after the value is extracted.

use proc_macro2::TokenStream;
use quote::{ToTokens, quote};
use syn::parse::{Parse, ParseStream};
use syn::{Attribute, Expr, Ident, Lit, LitInt, LitStr, Token};

use crate::errors::Errors;

/// The attribute names that carry bounds, and what they may stand on.
pub(crate) const BOUND_ATTRS: [&str; 2] = ["query", "path"];

const USAGE: &str = "expected bounds: `ge = 1`, `le = 50`, `gt = 0`, `lt = 100`, `min_length = 1`, `max_length = 64`, `pattern = \"[a-z]+\"` or `default = 10`";

/// The bounds of one parameter.
#[derive(Default)]
pub(crate) struct Bounds {
    /// `(constraint, operator, literal)`: `("le", "<=", 50)`.
    pub(crate) compare: Vec<(&'static str, &'static str, Lit)>,
    pub(crate) min_length: Option<LitInt>,
    pub(crate) max_length: Option<LitInt>,
    pub(crate) pattern: Option<LitStr>,
    pub(crate) default: Option<Lit>,
    /// The attribute as written, for messages.
    pub(crate) attr: Option<(String, TokenStream)>,
}

impl Bounds {
    pub(crate) fn is_empty(&self) -> bool {
        self.compare.is_empty()
            && self.min_length.is_none()
            && self.max_length.is_none()
            && self.pattern.is_none()
    }
}

struct Entry {
    key: Ident,
    value: Lit,
}

impl Parse for Entry {
    fn parse(input: ParseStream<'_>) -> syn::Result<Self> {
        let key: Ident = input.parse()?;
        input.parse::<Token![=]>()?;
        // `-5` is a unary expression, not a literal: fold the sign into the literal.
        let value: Expr = input.parse()?;
        let value = match value {
            Expr::Lit(lit) => lit.lit,
            Expr::Unary(unary) if matches!(unary.op, syn::UnOp::Neg(_)) => match &*unary.expr {
                Expr::Lit(lit) => negate(&lit.lit).ok_or_else(|| {
                    syn::Error::new_spanned(&unary, "only numbers can be negative")
                })?,
                other => return Err(syn::Error::new_spanned(other, "expected a literal")),
            },
            other => return Err(syn::Error::new_spanned(other, "expected a literal")),
        };
        Ok(Entry { key, value })
    }
}

fn negate(lit: &Lit) -> Option<Lit> {
    let span = lit.span();
    match lit {
        Lit::Int(int) => Some(Lit::Int(LitInt::new(&format!("-{}", int.base10_digits()), span))),
        Lit::Float(float) => {
            Some(Lit::Float(syn::LitFloat::new(&format!("-{}", float.base10_digits()), span)))
        }
        _ => None,
    }
}

/// Reads the bounds attributes among a parameter's `attrs`.
pub(crate) fn collect(attrs: &[Attribute], errors: &mut Errors) -> Bounds {
    let mut bounds = Bounds::default();
    for attr in attrs.iter().filter(|a| is_bound_attr(a)) {
        let name = attr.path().segments.last().map(|s| s.ident.to_string()).unwrap_or_default();
        if bounds.attr.is_some() {
            errors.spanned(attr, "one bounds attribute per parameter: merge them into one");
            continue;
        }
        bounds.attr = Some((name, attr.to_token_stream()));
        let entries = match attr
            .parse_args_with(syn::punctuated::Punctuated::<Entry, Token![,]>::parse_terminated)
        {
            Ok(entries) => entries,
            Err(err) => {
                errors.push(syn::Error::new(err.span(), format!("{err}: {USAGE}")));
                continue;
            }
        };
        for Entry { key, value } in entries {
            let key_name = key.to_string();
            let numeric = matches!(value, Lit::Int(_) | Lit::Float(_));
            match (key_name.as_str(), &value) {
                ("ge" | "le" | "gt" | "lt", _) if numeric => {
                    let (constraint, op) = match key_name.as_str() {
                        "ge" => ("ge", ">="),
                        "le" => ("le", "<="),
                        "gt" => ("gt", ">"),
                        _ => ("lt", "<"),
                    };
                    bounds.compare.push((constraint, op, value));
                }
                ("min_length", Lit::Int(int)) => bounds.min_length = Some(int.clone()),
                ("max_length", Lit::Int(int)) => bounds.max_length = Some(int.clone()),
                ("pattern", Lit::Str(pattern)) => bounds.pattern = Some(pattern.clone()),
                ("default", _) => bounds.default = Some(value),
                ("ge" | "le" | "gt" | "lt" | "min_length" | "max_length", _) => {
                    errors.spanned(&value, format!("`{key_name}` takes a number"));
                }
                ("pattern", _) => {
                    errors.spanned(&value, "`pattern` takes a string: `pattern = \"[a-z]+\"`")
                }
                _ => errors.spanned(&key, format!("unknown bound `{key_name}`: {USAGE}")),
            }
        }
    }
    bounds
}

pub(crate) fn is_bound_attr(attr: &Attribute) -> bool {
    attr.path().get_ident().is_some_and(|i| BOUND_ATTRS.iter().any(|n| i == n))
}

/// The checks on `var` (a bound parameter), each returning its 422.
pub(crate) fn expand_checks(
    bounds: &Bounds,
    var: &Ident,
    name: &str,
    pattern: Option<&Ident>,
) -> TokenStream {
    if bounds.is_empty() {
        return quote!();
    }
    let private = quote!(::lauren::__private);
    let compare = bounds.compare.iter().map(|(constraint, op, lit)| {
        let op_tokens: TokenStream = op.parse().unwrap_or_default();
        let text = lit.to_token_stream().to_string();
        quote! {
            if !(*__v #op_tokens #lit) {
                return ::core::result::Result::Err(#private::out_of_bounds(#name, #constraint, #op, #text));
            }
        }
    });
    let min = bounds.min_length.iter().map(|min| {
        quote! {
            if #private::TextLength::text_length(__v) < #min {
                return ::core::result::Result::Err(#private::bad_length(#name, "min_length"));
            }
        }
    });
    let max = bounds.max_length.iter().map(|max| {
        quote! {
            if #private::TextLength::text_length(__v) > #max {
                return ::core::result::Result::Err(#private::bad_length(#name, "max_length"));
            }
        }
    });
    let pattern = pattern.map(|pattern| quote!(#pattern.check(#name, __v)?;));
    quote! {
        if let ::core::option::Option::Some(__v) = #private::Bounded::bounded(&#var) {
            #(#compare)*
            #(#min)*
            #(#max)*
            #pattern
        }
    }
}

/// The default's expression, typed by the parameter: a string literal becomes an owned value.
pub(crate) fn default_expr(lit: &Lit) -> TokenStream {
    match lit {
        Lit::Str(_) => quote!(::core::convert::Into::into(#lit)),
        other => quote!(#other),
    }
}
