//! What a route says about itself in the OpenAPI document: its doc comment, `#[deprecated]`,
//! `#[openapi(..)]`, and a call per parameter and for the reply type. Emitted through the
//! runtime's `__lauren_openapi!`, which keeps it only with the `openapi` feature, so without the
//! feature no schema bound reaches a handler.

use proc_macro2::TokenStream;
use quote::{ToTokens, quote, quote_spanned};
use syn::spanned::Spanned;
use syn::{Attribute, Lit, LitInt, LitStr, Type};

use crate::errors::Errors;
use crate::route::{Handler, Source};

const USAGE: &str = "expected `#[openapi(skip)]`, `#[openapi(status = 201)]` or `#[openapi(response(status = 404, description = \"..\", body = ErrorBody))]`";

/// `#[openapi(..)]` of one handler.
#[derive(Default)]
pub(crate) struct Overrides {
    skip: bool,
    status: Option<LitInt>,
    responses: Vec<Response>,
}

struct Response {
    status: LitInt,
    description: Option<LitStr>,
    body: Option<Type>,
}

pub(crate) fn is_openapi_attr(attr: &Attribute) -> bool {
    attr.path().is_ident("openapi")
}

pub(crate) fn collect(attrs: &[Attribute], errors: &mut Errors) -> Overrides {
    let mut overrides = Overrides::default();
    for attr in attrs.iter().filter(|a| is_openapi_attr(a)) {
        let parsed = attr.parse_nested_meta(|meta| {
            if meta.path.is_ident("skip") {
                overrides.skip = true;
            } else if meta.path.is_ident("status") {
                overrides.status = Some(status(meta.value()?.parse()?)?);
            } else if meta.path.is_ident("response") {
                let mut response = (None, None, None);
                meta.parse_nested_meta(|inner| {
                    if inner.path.is_ident("status") {
                        response.0 = Some(status(inner.value()?.parse()?)?);
                    } else if inner.path.is_ident("description") {
                        response.1 = Some(inner.value()?.parse()?);
                    } else if inner.path.is_ident("body") {
                        response.2 = Some(inner.value()?.parse()?);
                    } else {
                        return Err(inner.error(USAGE));
                    }
                    Ok(())
                })?;
                let Some(status) = response.0 else {
                    return Err(meta.error("a `response(..)` needs its `status = ..`"));
                };
                overrides.responses.push(Response {
                    status,
                    description: response.1,
                    body: response.2,
                });
            } else if meta.path.is_ident("summary") || meta.path.is_ident("description") {
                return Err(meta.error(
                    "the summary and description come from the handler's `///` comment: its first line, then the rest",
                ));
            } else {
                return Err(meta.error(USAGE));
            }
            Ok(())
        });
        if let Err(err) = parsed {
            errors.push(err);
        }
    }
    overrides
}

fn status(lit: LitInt) -> syn::Result<LitInt> {
    match lit.base10_parse::<u16>() {
        Ok(code) if (100..=599).contains(&code) => Ok(lit),
        _ => Err(syn::Error::new_spanned(&lit, "an HTTP status is a number from 100 to 599")),
    }
}

/// The text of `///` comments: `(summary, description)`, the first line and the rest.
fn doc_text(attrs: &[Attribute]) -> Option<String> {
    let lines: Vec<String> = attrs
        .iter()
        .filter(|a| a.path().is_ident("doc"))
        .filter_map(|a| match &a.meta {
            syn::Meta::NameValue(nv) => match &nv.value {
                syn::Expr::Lit(syn::ExprLit { lit: Lit::Str(s), .. }) => Some(s.value()),
                _ => None,
            },
            _ => None,
        })
        .map(|line| line.strip_prefix(' ').unwrap_or(&line).trim_end().to_owned())
        .collect();
    let text = lines.join("\n").trim().to_owned();
    (!text.is_empty()).then_some(text)
}

/// `(summary, description)` of a doc comment: its first paragraph on one line, and the rest.
fn summary_and_description(text: &str) -> (String, String) {
    let (first, rest) = text.split_once("\n\n").unwrap_or((text, ""));
    let summary = first.lines().map(str::trim).collect::<Vec<_>>().join(" ");
    (summary, rest.trim().to_owned())
}

/// `Self` in a type, as the controller's type: the document function is not inside the impl.
fn replace_self(tokens: TokenStream, self_ty: &Type) -> TokenStream {
    tokens
        .into_iter()
        .map(|token| match token {
            proc_macro2::TokenTree::Ident(ident) if ident == "Self" => self_ty.to_token_stream(),
            proc_macro2::TokenTree::Group(group) => {
                let mut replaced = proc_macro2::Group::new(
                    group.delimiter(),
                    replace_self(group.stream(), self_ty),
                );
                replaced.set_span(group.span());
                proc_macro2::TokenTree::Group(replaced).into()
            }
            other => other.into(),
        })
        .collect()
}

/// `#[openapi(..)]` where it means nothing: on the impl block, or on a method without a route.
pub(crate) fn check_placement(item: &syn::ItemImpl, errors: &mut Errors) {
    for attr in item.attrs.iter().filter(|a| is_openapi_attr(a)) {
        errors.spanned(
            attr,
            "`#[openapi(..)]` describes one route: put it on a method with `#[get]`, `#[post]`, ..; the controller's description is the impl block's `///` comment",
        );
    }
    for it in &item.items {
        let syn::ImplItem::Fn(func) = it else { continue };
        if func.attrs.iter().any(|a| crate::route::verb_of(a).is_some()) {
            continue;
        }
        for attr in func.attrs.iter().filter(|a| is_openapi_attr(a)) {
            errors.spanned(
                attr,
                format!("`#[openapi(..)]` describes a route, and `{}` has no `#[get]`, `#[post]`, .. attribute", func.sig.ident),
            );
        }
    }
}

/// The note of `#[deprecated = ".."]` or `#[deprecated(note = "..")]`.
fn deprecation_note(attr: &Attribute) -> Option<String> {
    match &attr.meta {
        syn::Meta::NameValue(nv) => match &nv.value {
            syn::Expr::Lit(syn::ExprLit { lit: Lit::Str(s), .. }) => Some(s.value()),
            _ => None,
        },
        syn::Meta::List(_) => {
            let mut note = None;
            let _ = attr.parse_nested_meta(|meta| {
                if meta.path.is_ident("note") {
                    note = Some(meta.value()?.parse::<LitStr>()?.value());
                } else if meta.input.peek(syn::Token![=]) {
                    meta.value()?.parse::<syn::Expr>()?;
                }
                Ok(())
            });
            note
        }
        syn::Meta::Path(_) => None,
    }
}

/// The controller's tag description: its impl block's doc comment.
pub(crate) fn expand_tag(attrs: &[Attribute]) -> TokenStream {
    match doc_text(attrs) {
        Some(text) => quote!(::lauren::__lauren_openapi!(text #text)),
        None => quote!(::core::option::Option::None),
    }
}

/// The route's `openapi:` field.
pub(crate) fn expand_operation(handler: &Handler<'_>, self_ty: &Type) -> TokenStream {
    let overrides = &handler.openapi;
    if overrides.skip {
        return quote!(::core::option::Option::None);
    }
    let op = quote!(__op);
    let mut body = Vec::new();
    if let Some(text) = doc_text(&handler.func.attrs) {
        let (summary, description) = summary_and_description(&text);
        body.push(quote!(#op.summary(#summary);));
        if !description.is_empty() {
            body.push(quote!(#op.description(#description);));
        }
    }
    if let Some(attr) = handler.func.attrs.iter().find(|a| a.path().is_ident("deprecated")) {
        let note = match deprecation_note(attr) {
            Some(note) => quote!(::core::option::Option::Some(#note)),
            None => quote!(::core::option::Option::None),
        };
        body.push(quote!(#op.deprecated(#note);));
    }
    let private = quote!(::lauren::__private);
    for (i, param) in handler.params.iter().enumerate() {
        let ty = replace_self(param.ty.to_token_stream(), self_ty);
        let name = &param.name;
        let span = param.ty.span();
        match param.source {
            Source::PathVar(_) => body.push(quote_spanned! {span=>
                (&&::lauren::openapi::DocProbe::<#ty>::new()).path_var(#op, #name);
            }),
            Source::Borrow => continue,
            Source::Extractor => {
                let header = name.replace('_', "-").to_ascii_lowercase();
                body.push(quote_spanned! {span=>
                    (&&&&::lauren::openapi::DocProbe::<#ty>::new())
                        .param(#op, &#private::Field::at(#name, #header, #i));
                });
            }
        }
        let bounds = &param.bounds;
        let keyword = |constraint: &str| match constraint {
            "ge" => "minimum",
            "le" => "maximum",
            "gt" => "exclusiveMinimum",
            _ => "exclusiveMaximum",
        };
        for (constraint, _, lit) in &bounds.compare {
            let keyword = keyword(constraint);
            body.push(quote!(#op.param_bound(#name, #keyword, #private::serde_json::json!(#lit));));
        }
        let lengths = [("minLength", &bounds.min_length), ("maxLength", &bounds.max_length)];
        for (keyword, lit) in lengths {
            if let Some(lit) = lit {
                body.push(
                    quote!(#op.param_bound(#name, #keyword, #private::serde_json::json!(#lit));),
                );
            }
        }
        if let Some(pattern) = &bounds.pattern {
            // The check matches the whole value; a JSON Schema pattern matches anywhere.
            let anchored = format!("^(?:{})$", pattern.value());
            body.push(quote!(#op.param_bound(#name, "pattern", #anchored.into());));
        }
        if let Some(default) = &bounds.default {
            body.push(quote!(#op.param_default(#name, #private::serde_json::json!(#default));));
        }
    }
    if let Some(status) = &overrides.status {
        body.push(quote!(#op.success_status(#status);));
    }
    for response in &overrides.responses {
        let status = &response.status;
        let description = match &response.description {
            Some(text) => text.to_token_stream(),
            None => quote!("See the description of the operation."),
        };
        let schema = match &response.body {
            Some(ty) => {
                quote_spanned!(ty.span()=> ::core::option::Option::Some(#op.reply_schema::<#ty>()))
            }
            None => quote!(::core::option::Option::None),
        };
        body.push(quote!({
            let __schema = #schema;
            #op.response_override(#status, #description, __schema);
        }));
    }
    // After the overrides, which the reply's own responses then leave alone.
    match &handler.func.sig.output {
        syn::ReturnType::Default => {
            body.push(quote!((&&::lauren::openapi::DocProbe::<()>::new()).reply(#op);));
        }
        syn::ReturnType::Type(_, ty) if names_impl_trait(ty) => {
            body.push(quote!(#op.opaque_reply();));
        }
        syn::ReturnType::Type(_, ty) => {
            let span = ty.span();
            let ty = replace_self(ty.to_token_stream(), self_ty);
            body.push(quote_spanned! {span=>
                (&&::lauren::openapi::DocProbe::<#ty>::new()).reply(#op);
            });
        }
    }
    quote!(::lauren::__lauren_openapi!(#op => #(#body)*))
}

/// `impl Trait` cannot be named outside its function, wherever it appears in the type.
fn names_impl_trait(ty: &Type) -> bool {
    fn any_impl(tokens: TokenStream) -> bool {
        tokens.into_iter().any(|token| match token {
            proc_macro2::TokenTree::Ident(ident) => ident == "impl",
            proc_macro2::TokenTree::Group(group) => any_impl(group.stream()),
            _ => false,
        })
    }
    any_impl(ty.to_token_stream())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn doc_text_keeps_lines_and_drops_the_leading_space() {
        let attrs: Vec<Attribute> = vec![
            syn::parse_quote!(#[doc = " Finds an order."]),
            syn::parse_quote!(#[doc = ""]),
            syn::parse_quote!(#[doc = " By id."]),
        ];
        assert_eq!(doc_text(&attrs).as_deref(), Some("Finds an order.\n\nBy id."));
        assert_eq!(doc_text(&[]), None);
    }

    #[test]
    fn the_summary_is_the_first_paragraph_on_one_line() {
        let (summary, description) =
            summary_and_description("Finds an order\nby its id.\n\nMore text.\n\nAnd more.");
        assert_eq!(summary, "Finds an order by its id.");
        assert_eq!(description, "More text.\n\nAnd more.");
        assert_eq!(summary_and_description("One line."), ("One line.".to_owned(), String::new()));
    }

    #[test]
    fn self_is_the_controller_type() {
        let self_ty: Type = syn::parse_quote!(Orders);
        let ty: Type = syn::parse_quote!(Result<Json<Vec<Self>>, (Self, u8)>);
        let replaced = replace_self(ty.to_token_stream(), &self_ty).to_string();
        assert_eq!(replaced.replace(' ', ""), "Result<Json<Vec<Orders>>,(Orders,u8)>");
    }
}
