//! One routed method: its verb attributes, its parameters' extraction plan, its entry point.

use proc_macro2::{Span, TokenStream};
use quote::{ToTokens, format_ident, quote, quote_spanned};
use syn::spanned::Spanned;
use syn::{Attribute, FnArg, ImplItemFn, LitStr, Pat, Type};

use crate::errors::Errors;
use crate::template::{PathLit, placeholders};

pub(crate) const VERBS: [&str; 7] = ["get", "post", "put", "patch", "delete", "head", "options"];

/// Scalars a bare parameter may have to be read from the query string.
const SCALARS: [&str; 17] = [
    "String", "bool", "char", "i8", "i16", "i32", "i64", "i128", "isize", "u8", "u16", "u32",
    "u64", "u128", "usize", "f32", "f64",
];

/// Extractors that read the body; a handler may take one.
const BODY_EXTRACTORS: [&str; 4] = ["Json", "Form", "Bytes", "RawBody"];

/// `#[get("/path")]` and friends on one method.
pub(crate) struct Verb<'a> {
    pub(crate) attr: &'a Attribute,
    pub(crate) method: &'static str,
    pub(crate) path: PathLit,
}

/// Where a parameter's value comes from.
pub(crate) enum Source<'a> {
    /// A `{placeholder}` of the route, by index among the handler's path variables.
    PathVar(usize),
    /// `?name=` of the query string; `optional` for `Option<T>`.
    Query { optional: bool, inner: &'a Type },
    /// `&ExecutionContext`.
    Context,
    /// `&Request`.
    RequestHead,
    /// Any `FromRequest` type.
    Extractor { body: bool },
}

pub(crate) struct Param<'a> {
    pub(crate) name: String,
    pub(crate) ty: &'a Type,
    pub(crate) source: Source<'a>,
}

/// A method with at least one verb attribute.
pub(crate) struct Handler<'a> {
    pub(crate) func: &'a ImplItemFn,
    pub(crate) verbs: Vec<Verb<'a>>,
    pub(crate) has_receiver: bool,
    pub(crate) params: Vec<Param<'a>>,
    /// Names bound to path variables, in `PathVar` index order.
    pub(crate) path_vars: Vec<String>,
    pub(crate) json_body: bool,
    /// `#[use_interceptors]` of the method, outermost first.
    pub(crate) interceptors: Vec<Type>,
    /// `#[set_metadata]` of the method.
    pub(crate) metadata: Vec<crate::metadata::Entry>,
}

/// The verb name of an attribute (`get`, `lauren::post`), if it is one.
pub(crate) fn verb_of(attr: &Attribute) -> Option<&'static str> {
    let last = attr.path().segments.last()?.ident.to_string();
    VERBS.iter().copied().find(|verb| *verb == last)
}

fn parse_verb(attr: &Attribute, method: &'static str) -> syn::Result<PathLit> {
    let usage = format!(
        "expected a path string: `#[{method}]`, `#[{method}(\"\")]` or `#[{method}(\"/{{id}}\")]`"
    );
    match &attr.meta {
        syn::Meta::Path(_) => Ok(PathLit { value: String::new(), span: attr.span() }),
        syn::Meta::List(list) => {
            let lit: LitStr = syn::parse2(list.tokens.clone())
                .map_err(|_| syn::Error::new_spanned(&list.tokens, &usage))?;
            Ok(PathLit { value: lit.value(), span: lit.span() })
        }
        syn::Meta::NameValue(nv) => Err(syn::Error::new_spanned(nv, usage)),
    }
}

/// Parses and checks one method; `None` if it has no verb attribute.
pub(crate) fn parse<'a>(
    func: &'a ImplItemFn,
    prefix: &PathLit,
    errors: &mut Errors,
) -> Option<Handler<'a>> {
    let verbs: Vec<Verb<'a>> = func
        .attrs
        .iter()
        .filter_map(|attr| Some((attr, verb_of(attr)?)))
        .filter_map(|(attr, method)| match parse_verb(attr, method) {
            Ok(path) => Some(Verb { attr, method, path }),
            Err(err) => {
                errors.push(err);
                None
            }
        })
        .collect();
    if verbs.is_empty() {
        if let Some(stacked) = func.attrs.iter().find(|a| crate::stacked::is_stacking(a)) {
            errors.spanned(
                stacked,
                format!(
                    "`{}` has no route attribute: add `#[get(..)]`, `#[post(..)]`, .. above it",
                    func.sig.ident
                ),
            );
        }
        return None;
    }
    let sig = &func.sig;
    let verb = verbs[0].method;
    if sig.asyncness.is_none() {
        errors.spanned(
            sig.fn_token,
            format!("`#[{verb}]` handlers must be `async fn`: write `async fn {}(..)`", sig.ident),
        );
    }
    if !sig.generics.params.is_empty() {
        errors
            .spanned(&sig.generics, "route handlers cannot be generic: remove the type parameters");
    }

    // Every placeholder of every path this method serves, with the template's span.
    let mut declared: Vec<(String, Span)> = Vec::new();
    for path in std::iter::once(prefix).chain(verbs.iter().map(|v| &v.path)) {
        match placeholders(&path.value) {
            Ok(found) => declared.extend(found.into_iter().map(|p| (p.name, path.span))),
            Err(message) => errors.push(syn::Error::new(path.span, message)),
        }
    }

    let mut has_receiver = false;
    let mut params = Vec::new();
    let mut path_vars: Vec<String> = Vec::new();
    for input in &sig.inputs {
        let typed = match input {
            FnArg::Receiver(receiver) => {
                if !matches!(receiver.kind, syn::ReceiverKind::Reference(_, _, None)) {
                    errors.spanned(
                        receiver,
                        "handlers take `&self` (or no receiver): the controller is shared by every request",
                    );
                }
                has_receiver = true;
                continue;
            }
            FnArg::Typed(typed) => typed,
        };
        let Some(name) = binding_name(&typed.pat) else {
            errors
                .spanned(&typed.pat, "name this parameter with a plain identifier, e.g. `id: u64`");
            continue;
        };
        let source = if declared.iter().any(|(n, _)| *n == name) {
            if !path_vars.contains(&name) {
                path_vars.push(name.clone());
            }
            Source::PathVar(path_vars.iter().position(|n| *n == name).unwrap_or_default())
        } else {
            classify(&typed.ty, errors)
        };
        params.push(Param { name, ty: &typed.ty, source });
    }

    check_one_body(&params, errors);
    let uses_path_struct = params.iter().any(|p| last_ident(p.ty).as_deref() == Some("Path"));
    if !uses_path_struct {
        for (name, span) in &declared {
            if !path_vars.contains(name) {
                errors.push(syn::Error::new(
                    *span,
                    format!(
                        "the path has `{{{name}}}` but `{}` has no parameter named `{name}`: add `{name}: T` (any `T: FromStr`) or take `Path<T>`",
                        sig.ident
                    ),
                ));
            }
        }
    }
    let json_body = params.iter().any(|p| last_ident(p.ty).as_deref() == Some("Json"));
    let interceptors = crate::interceptor::collect(&func.attrs, errors);
    let metadata = crate::metadata::collect(&func.attrs, errors);
    Some(Handler {
        func,
        verbs,
        has_receiver,
        params,
        path_vars,
        json_body,
        interceptors,
        metadata,
    })
}

fn check_one_body(params: &[Param<'_>], errors: &mut Errors) {
    let mut first: Option<&Param<'_>> = None;
    for param in params {
        if let Source::Extractor { body: true } = param.source {
            match first {
                None => first = Some(param),
                Some(first) => errors.spanned(
                    param.ty,
                    format!(
                        "a handler reads the request body once, and `{}` already does: keep one of `{}` and `{}`",
                        first.name,
                        type_text(first.ty),
                        type_text(param.ty)
                    ),
                ),
            }
        }
    }
}

/// A type as the user would write it (`Json<String>`, not `Json < String >`).
fn type_text(ty: &Type) -> String {
    ty.to_token_stream().to_string().replace(' ', "")
}

fn binding_name(pat: &Pat) -> Option<String> {
    match pat {
        Pat::Ident(ident) => Some(ident.ident.to_string().trim_start_matches("r#").to_owned()),
        _ => None,
    }
}

/// The last path segment's identifier of a type (`Json` for `lauren::Json<T>`).
fn last_ident(ty: &Type) -> Option<String> {
    match ty {
        Type::Path(path) if path.qself.is_none() => {
            path.path.segments.last().map(|s| s.ident.to_string())
        }
        Type::Group(group) => last_ident(&group.elem),
        _ => None,
    }
}

fn is_scalar(ty: &Type) -> bool {
    let Type::Path(path) = ty else { return false };
    path.path.segments.last().is_some_and(|segment| {
        segment.arguments.is_none() && SCALARS.contains(&segment.ident.to_string().as_str())
    })
}

/// `Option<T>`'s `T`.
fn option_inner(ty: &Type) -> Option<&Type> {
    let Type::Path(path) = ty else { return None };
    let segment = path.path.segments.last()?;
    if segment.ident != "Option" {
        return None;
    }
    let syn::PathArguments::AngleBracketed(args) = &segment.arguments else {
        return None;
    };
    match args.args.first()? {
        syn::GenericArgument::Type(inner) if args.args.len() == 1 => Some(inner),
        _ => None,
    }
}

fn classify<'a>(ty: &'a Type, errors: &mut Errors) -> Source<'a> {
    if let Type::Reference(reference) = ty {
        return match last_ident(&reference.elem).as_deref() {
            _ if reference.mutability.is_some() => {
                errors.spanned(ty, "handlers cannot borrow the request mutably: take `&ExecutionContext` or `&Request`");
                Source::Context
            }
            Some("ExecutionContext") => Source::Context,
            Some("Request") => Source::RequestHead,
            _ => {
                errors.spanned(
                    ty,
                    "a handler parameter may borrow only `&ExecutionContext` or `&Request`: take this one by value",
                );
                Source::Context
            }
        };
    }
    if is_scalar(ty) {
        return Source::Query { optional: false, inner: ty };
    }
    if let Some(inner) = option_inner(ty).filter(|inner| is_scalar(inner)) {
        return Source::Query { optional: true, inner };
    }
    let body = last_ident(ty).is_some_and(|name| BODY_EXTRACTORS.contains(&name.as_str()));
    Source::Extractor { body }
}

/// The generated entry point of `handler`, named `entry`.
pub(crate) fn expand_entry(
    handler: &Handler<'_>,
    self_ty: &Type,
    entry: &syn::Ident,
) -> TokenStream {
    let private = quote!(::lauren::__private);
    let method = &handler.func.sig.ident;
    let mut bindings = Vec::new();
    let mut borrows = Vec::new();
    let mut args = Vec::new();
    for (i, param) in handler.params.iter().enumerate() {
        let var = format_ident!("__arg{}", i);
        let ty = param.ty;
        let name = &param.name;
        let span = ty.span();
        match &param.source {
            Source::PathVar(index) => bindings.push(quote_spanned! {span=>
                let #var: #ty = #private::path_var(&*__ctx, #index, #name)?;
            }),
            Source::Query { optional: false, inner } => bindings.push(quote_spanned! {span=>
                let #var: #ty = #private::query_param::<#inner>(&*__ctx, #name)?;
            }),
            Source::Query { optional: true, inner } => bindings.push(quote_spanned! {span=>
                let #var: #ty = #private::query_param_opt::<#inner>(&*__ctx, #name)?;
            }),
            Source::Context => borrows.push(quote!(let #var = &*__ctx;)),
            Source::RequestHead => borrows.push(quote!(let #var = __ctx.request();)),
            Source::Extractor { .. } => {
                let header = name.replace('_', "-").to_ascii_lowercase();
                bindings.push(quote_spanned! {span=>
                    let #var: #ty = {
                        static __FIELD: #private::Field = #private::Field::new(#name, #header);
                        <#ty as #private::FromRequest>::from_request(&mut *__ctx, &__FIELD).await?
                    };
                });
            }
        }
        args.push(var);
    }
    // A handler without a receiver never asks for its controller, so a request-scoped one is
    // not built for it.
    let (this, call) = if handler.has_receiver {
        (
            quote! {
                let __instance = __ctx.controller().await?;
                let __this = #private::downcast::<#self_ty>(&__instance)?;
            },
            quote!(<#self_ty>::#method(__this, #(#args),*)),
        )
    } else {
        (quote!(), quote!(<#self_ty>::#method(#(#args),*)))
    };
    let output_span = match &handler.func.sig.output {
        syn::ReturnType::Default => handler.func.sig.ident.span(),
        syn::ReturnType::Type(_, ty) => ty.span(),
    };
    let reply = quote_spanned!(output_span=> #private::reply(&*__ctx, __value));
    quote! {
        fn #entry<'__a, '__r>(
            __ctx: &'__a mut #private::ExecutionContext<'__r>,
        ) -> #private::BoxFuture<'__a, ::core::result::Result<#private::Reply, #private::HttpError>> {
            ::std::boxed::Box::pin(async move {
                #this
                #(#bindings)*
                #(#borrows)*
                let __value = #call.await;
                #reply
            })
        }
    }
}

/// A verb attribute that was not consumed by `#[controller]`.
pub(crate) fn outside_controller(
    verb: &str,
    _args: TokenStream,
    item: TokenStream,
) -> syn::Result<TokenStream> {
    let message = format!(
        "`#[{verb}]` only works on a method inside a `#[controller(\"/prefix\")]` impl block; put `#[controller]` on the enclosing `impl`"
    );
    let error = syn::Error::new(Span::call_site(), message).to_compile_error();
    Ok(quote!(#error #item))
}
