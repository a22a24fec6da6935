//! One routed method: its verb attributes, its parameters' extraction plan, its entry point.

use proc_macro2::{Span, TokenStream};
use quote::{ToTokens, format_ident, quote, quote_spanned};
use syn::spanned::Spanned;
use syn::{Attribute, FnArg, ImplItemFn, LitStr, Pat, Type};

use crate::errors::Errors;
use crate::interceptor::Kind;
use crate::template::{PathLit, placeholders};

pub(crate) const VERBS: [&str; 7] = ["get", "post", "put", "patch", "delete", "head", "options"];

/// The attributes of a WebSocket gateway's methods: the upgrade and its connect handler, the
/// message handlers, the disconnect handler.
pub(crate) const GATEWAY: [&str; 3] = ["ws", "on_message", "on_disconnect"];

/// `#[get("/path")]` and friends on one method.
pub(crate) struct Verb<'a> {
    pub(crate) attr: &'a Attribute,
    /// The attribute's name: an HTTP verb, or one of [`GATEWAY`].
    pub(crate) method: &'static str,
    /// The path below the prefix; for `#[on_message("event")]`, the event name.
    pub(crate) path: PathLit,
}

impl Verb<'_> {
    /// `#[on_message]` or `#[on_disconnect]`: served on the gateway's socket, not routed.
    pub(crate) fn is_socket_handler(&self) -> bool {
        matches!(self.method, "on_message" | "on_disconnect")
    }
}

/// Where a parameter's value comes from. Only the name and the `&` are read here; everything
/// else is decided by the type's traits (`FromRequest`, `FromContext`), so aliases and newtypes
/// behave like the types they stand for.
pub(crate) enum Source {
    /// A `{placeholder}` of the route, by index among the handler's path variables.
    PathVar(usize),
    /// `&T`: borrowed through `FromContext`.
    Borrow,
    /// By value through `FromRequest` (query scalars, extractors, the body).
    Extractor,
}

pub(crate) struct Param<'a> {
    pub(crate) name: String,
    pub(crate) ty: &'a Type,
    pub(crate) source: Source,
    /// `#[query(..)]` / `#[path(..)]` bounds and default.
    pub(crate) bounds: crate::bounds::Bounds,
}

/// A method with at least one verb attribute.
pub(crate) struct Handler<'a> {
    pub(crate) func: &'a ImplItemFn,
    pub(crate) verbs: Vec<Verb<'a>>,
    pub(crate) has_receiver: bool,
    pub(crate) params: Vec<Param<'a>>,
    /// Names bound to path variables, in `PathVar` index order.
    pub(crate) path_vars: Vec<String>,
    /// Placeholders no parameter is named after, with their template's span: fine only if an
    /// extractor takes the whole path (`FromRequest::TAKES_PATH`), checked at compile time.
    pub(crate) unbound: Vec<(String, Span)>,
    /// `#[use_interceptors]` of the method, outermost first.
    pub(crate) interceptors: Vec<Type>,
    /// `#[use_guards]` of the method, in the order they run.
    pub(crate) guards: Vec<Type>,
    /// `#[use_pre_interceptors]` of the method, in the order they run.
    pub(crate) pre_interceptors: Vec<Type>,
    /// `#[use_exception_handlers]` of the method.
    pub(crate) exception_handlers: Vec<Type>,
    /// `#[use_middleware]` of the method, outermost first.
    pub(crate) middleware: Vec<Type>,
    /// `#[apply]` of the method.
    pub(crate) bundles: Vec<Type>,
    /// `#[set_metadata]` of the method.
    pub(crate) metadata: Vec<crate::metadata::Entry>,
    /// `#[openapi(..)]` of the method.
    pub(crate) openapi: crate::openapi::Overrides,
}

/// The verb name of an attribute (`get`, `lauren::post`), if it is one.
pub(crate) fn verb_of(attr: &Attribute) -> Option<&'static str> {
    let last = attr.path().segments.last()?.ident.to_string();
    VERBS.iter().chain(&GATEWAY).copied().find(|verb| *verb == last)
}

fn parse_verb(attr: &Attribute, method: &'static str) -> syn::Result<PathLit> {
    match method {
        "on_disconnect" => {
            return match &attr.meta {
                syn::Meta::Path(_) => Ok(PathLit { value: String::new(), span: attr.span() }),
                other => Err(syn::Error::new_spanned(
                    other,
                    "`#[on_disconnect]` takes no arguments: it runs once, when the socket closes",
                )),
            };
        }
        "on_message" => return parse_event(attr),
        _ => {}
    }
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

/// `#[on_message]` (every message) or `#[on_message("event")]`.
fn parse_event(attr: &Attribute) -> syn::Result<PathLit> {
    let usage = "expected an event name: `#[on_message]` for every message, or `#[on_message(\"chat\")]` for frames `{\"event\": \"chat\", \"data\": ..}`";
    match &attr.meta {
        syn::Meta::Path(_) => Ok(PathLit { value: String::new(), span: attr.span() }),
        syn::Meta::List(list) => {
            let lit: LitStr = syn::parse2(list.tokens.clone())
                .map_err(|_| syn::Error::new_spanned(&list.tokens, usage))?;
            if lit.value().is_empty() {
                return Err(syn::Error::new_spanned(&lit, usage));
            }
            Ok(PathLit { value: lit.value(), span: lit.span() })
        }
        syn::Meta::NameValue(nv) => Err(syn::Error::new_spanned(nv, usage)),
    }
}

/// Parses and checks one method; `None` if it has no verb attribute. `gateway` is the path of
/// the block's `#[ws]` method: message and disconnect handlers bind its variables.
pub(crate) fn parse<'a>(
    func: &'a ImplItemFn,
    prefix: &PathLit,
    gateway: Option<&PathLit>,
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
    let gateway_kinds = verbs.iter().filter(|v| GATEWAY.contains(&v.method)).count();
    if gateway_kinds > 0 && verbs.len() > 1 {
        let second = verbs[1].attr;
        errors.spanned(
            second,
            format!(
                "`{}` has `#[{verb}]`: a WebSocket gateway method takes exactly one of `#[ws]`, `#[on_message]`, `#[on_disconnect]` and no HTTP verb; split it into two methods",
                sig.ident
            ),
        );
    }
    let socket_handler = verbs.iter().any(Verb::is_socket_handler);
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
    let paths: Vec<&PathLit> = if socket_handler {
        gateway.into_iter().collect()
    } else {
        verbs.iter().map(|v| &v.path).collect()
    };
    for path in &paths {
        // The prefix's text is checked once, by `#[controller]`.
        if let Err(message) = crate::template::check_literal(&path.value) {
            errors.push(syn::Error::new(path.span, message));
        }
    }
    for path in std::iter::once(prefix).chain(paths) {
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
        // `Path<T>` takes the whole path whatever its name: `org: Path<Ids>` on `/{org}/{repo}`
        // is not the variable `{org}`.
        let source = if !is_whole_path(&typed.ty) && declared.iter().any(|(n, _)| *n == name) {
            if !path_vars.contains(&name) {
                path_vars.push(name.clone());
            }
            Source::PathVar(path_vars.iter().position(|n| *n == name).unwrap_or_default())
        } else {
            classify(&typed.ty, errors)
        };
        let bounds = crate::bounds::collect(&typed.attrs, errors);
        check_bounds_fit(&bounds, &source, &name, errors);
        params.push(Param { name, ty: &typed.ty, source, bounds });
    }

    let mut unbound: Vec<(String, Span)> = Vec::new();
    for (name, span) in declared {
        if !path_vars.contains(&name) && !unbound.iter().any(|(n, _)| *n == name) {
            unbound.push((name, span));
        }
    }
    if socket_handler {
        // The socket's variables are there to take, not to bind: the upgrade matched them.
        unbound.clear();
    }
    let has_extractor = params.iter().any(|p| matches!(p.source, Source::Extractor));
    if !has_extractor {
        // Nothing could take the whole path: say so here, plainly.
        for (name, span) in unbound.drain(..) {
            errors.push(syn::Error::new(span, unbound_message(&name, &sig.ident)));
        }
    }
    let interceptors = crate::interceptor::collect(&func.attrs, Kind::Interceptor, errors);
    let guards = crate::interceptor::collect(&func.attrs, Kind::Guard, errors);
    let pre_interceptors = crate::interceptor::collect(&func.attrs, Kind::PreInterceptor, errors);
    let exception_handlers =
        crate::interceptor::collect(&func.attrs, Kind::ExceptionHandler, errors);
    let middleware = crate::interceptor::collect(&func.attrs, Kind::Middleware, errors);
    let bundles = crate::bundle::collect(&func.attrs, errors);
    let metadata = crate::metadata::collect(&func.attrs, errors);
    let openapi = crate::openapi::collect(&func.attrs, errors);
    Some(Handler {
        func,
        verbs,
        has_receiver,
        params,
        path_vars,
        unbound,
        interceptors,
        guards,
        pre_interceptors,
        exception_handlers,
        middleware,
        bundles,
        metadata,
        openapi,
    })
}

/// `#[path(..)]` goes on path variables, `#[query(..)]` on other by-value parameters, and a
/// path variable has no default (the route does not match without it).
fn check_bounds_fit(
    bounds: &crate::bounds::Bounds,
    source: &Source,
    name: &str,
    errors: &mut Errors,
) {
    let Some((attr, tokens)) = &bounds.attr else { return };
    match (attr.as_str(), source) {
        ("path", Source::PathVar(_)) if bounds.default.is_some() => errors.spanned(
            tokens,
            format!("`{name}` is a path variable: it is always present, so it takes no `default`"),
        ),
        ("path", Source::PathVar(_)) | ("query", Source::Extractor) => {}
        ("path", _) => errors.spanned(
            tokens,
            format!("`#[path(..)]` bounds a path variable, and the route has no `{{{name}}}`: use `#[query(..)]`"),
        ),
        ("query", Source::PathVar(_)) => errors.spanned(
            tokens,
            format!("`{name}` is the path variable `{{{name}}}`: bound it with `#[path(..)]`"),
        ),
        _ => errors.spanned(tokens, "bounds apply to values taken by value, not to borrows"),
    }
}

fn unbound_message(name: &str, handler: &syn::Ident) -> String {
    format!(
        "the path has `{{{name}}}` but `{handler}` has no parameter named `{name}`: add `{name}: T` (any `T: FromStr`) or take `Path<T>`"
    )
}

/// A type as the user would write it (`Json<String>`, not `Json < String >`).
fn type_text(ty: &Type) -> String {
    ty.to_token_stream().to_string().replace(' ', "")
}

/// lauren's `Path<..>` as it is written: `Path<..>`, or a path from `lauren` (`lauren::Path<..>`,
/// `lauren::extract::Path<..>`). A type of another crate named `Path` (`my::Path<u64>`) is left
/// to its traits.
fn is_whole_path(ty: &Type) -> bool {
    let Type::Path(path) = ty else { return false };
    let segments = &path.path.segments;
    let from_lauren = segments.len() == 1 || segments.first().is_some_and(|s| s.ident == "lauren");
    path.qself.is_none()
        && from_lauren
        && segments.last().is_some_and(|last| {
            last.ident == "Path" && matches!(last.arguments, syn::PathArguments::AngleBracketed(_))
        })
}

fn binding_name(pat: &Pat) -> Option<String> {
    match pat {
        Pat::Ident(ident) => Some(ident.ident.to_string().trim_start_matches("r#").to_owned()),
        _ => None,
    }
}

fn classify(ty: &Type, errors: &mut Errors) -> Source {
    match ty {
        Type::Reference(reference) if reference.mutability.is_some() => {
            errors.spanned(
                ty,
                "handlers cannot borrow the request mutably: take `&ExecutionContext` or `&Request`",
            );
            Source::Borrow
        }
        Type::Reference(_) => Source::Borrow,
        Type::Group(group) => classify(&group.elem, errors),
        _ => Source::Extractor,
    }
}

/// A message as a `panic!` format string, braces escaped.
fn panic_literal(message: &str) -> String {
    message.replace('{', "{{").replace('}', "}}")
}

/// Compile-time checks that need the parameters' traits: one body extractor per handler, and
/// every placeholder bound unless an extractor takes the whole path. Each is a `const` whose
/// panic message is the error the user sees, at the offending span.
pub(crate) fn expand_checks(handler: &Handler<'_>) -> TokenStream {
    let private = quote!(::lauren::__private);
    let extractors: Vec<&Param<'_>> =
        handler.params.iter().filter(|p| matches!(p.source, Source::Extractor)).collect();
    let mut checks = Vec::new();
    for (j, later) in extractors.iter().enumerate() {
        for earlier in &extractors[..j] {
            let (a, b) = (earlier.ty, later.ty);
            let message = panic_literal(&format!(
                "a handler reads the request body once, and `{}` already does: keep one of `{}` and `{}`",
                earlier.name,
                type_text(a),
                type_text(b)
            ));
            checks.push(quote_spanned! {b.span()=>
                const _: () = if <#a as #private::FromRequest>::BODY.is_some()
                    && <#b as #private::FromRequest>::BODY.is_some()
                {
                    ::core::panic!(#message)
                };
            });
        }
    }
    if !handler.unbound.is_empty() {
        let types = extractors.iter().map(|p| p.ty);
        let takes_path = quote!(false #(|| <#types as #private::FromRequest>::TAKES_PATH)*);
        for (name, span) in &handler.unbound {
            let message = panic_literal(&unbound_message(name, &handler.func.sig.ident));
            checks.push(quote_spanned! {*span=>
                const _: () = if !(#takes_path) { ::core::panic!(#message) };
            });
        }
    }
    quote!(#(#checks)*)
}

/// For each parameter, the provider it injects (`FromRequest::DEPENDENCY`), by position.
pub(crate) fn expand_dependencies(handler: &Handler<'_>) -> TokenStream {
    let private = quote!(::lauren::__private);
    let deps = handler.params.iter().map(|p| match p.source {
        Source::Extractor => {
            let ty = p.ty;
            quote!(<#ty as #private::FromRequest>::DEPENDENCY)
        }
        Source::PathVar(_) | Source::Borrow => quote!(::core::option::Option::None),
    });
    quote!(&[#(#deps),*])
}

fn pattern_ident(entry: &syn::Ident, i: usize) -> syn::Ident {
    format_ident!("{}_PATTERN_{}", entry.to_string().to_ascii_uppercase(), i)
}

/// The `pattern = ".."` bounds of a handler: one `static` each (compiled at startup), and the
/// list the route descriptor hands to startup.
pub(crate) fn expand_patterns(
    handler: &Handler<'_>,
    entry: &syn::Ident,
) -> (TokenStream, TokenStream) {
    let private = quote!(::lauren::__private);
    let mut statics = Vec::new();
    let mut refs = Vec::new();
    for (i, param) in handler.params.iter().enumerate() {
        if let Some(pattern) = &param.bounds.pattern {
            let ident = pattern_ident(entry, i);
            statics
                .push(quote!(static #ident: #private::Pattern = #private::Pattern::new(#pattern);));
            refs.push(quote!(&#ident));
        }
    }
    (quote!(#(#statics)*), quote!(&[#(#refs),*]))
}

/// What the route reads its body as: the first body extractor's `FromRequest::BODY`.
pub(crate) fn expand_body(handler: &Handler<'_>) -> TokenStream {
    let private = quote!(::lauren::__private);
    let types =
        handler.params.iter().filter(|p| matches!(p.source, Source::Extractor)).map(|p| p.ty);
    quote!(#private::first_body(&[#(<#types as #private::FromRequest>::BODY),*]))
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
        let pattern = param.bounds.pattern.as_ref().map(|_| pattern_ident(entry, i));
        let ty = param.ty;
        let name = &param.name;
        let span = ty.span();
        match &param.source {
            Source::PathVar(index) => {
                let checks =
                    crate::bounds::expand_checks(&param.bounds, &var, name, pattern.as_ref());
                bindings.push(quote_spanned! {span=>
                    let #var: #ty = #private::path_var(&*__ctx, #index, #name)?;
                    #checks
                });
            }
            Source::Borrow => {
                let elem = match ty {
                    Type::Reference(reference) => &*reference.elem,
                    other => other,
                };
                // The trait path is written with the user's span so a type that cannot be
                // borrowed is reported at the parameter, not at `#[controller]`.
                borrows.push(quote_spanned! {elem.span()=>
                    let #var: #ty = <#elem as ::lauren::__private::FromContext<'_>>::from_context(&*__ctx);
                });
            }
            Source::Extractor => {
                let header = name.replace('_', "-").to_ascii_lowercase();
                let extract = match &param.bounds.default {
                    // Absent: the default. Present but invalid: still a 422.
                    Some(default) => {
                        let default = crate::bounds::default_expr(default);
                        quote_spanned! {span=>
                            match <::core::option::Option<#ty> as #private::FromRequest>::from_request(&mut *__ctx, &__FIELD).await? {
                                ::core::option::Option::Some(__value) => __value,
                                ::core::option::Option::None => #default,
                            }
                        }
                    }
                    None => quote_spanned! {span=>
                        <#ty as #private::FromRequest>::from_request(&mut *__ctx, &__FIELD).await?
                    },
                };
                let checks =
                    crate::bounds::expand_checks(&param.bounds, &var, name, pattern.as_ref());
                bindings.push(quote_spanned! {span=>
                    let #var: #ty = {
                        static __FIELD: #private::Field = #private::Field::at(#name, #header, #i);
                        let #var: #ty = #extract;
                        #[allow(unused_imports)]
                        use #private::{ViaNoValidate as _, ViaValidate as _};
                        (&&#private::ValidateProbe(&#var)).validate_param(&__FIELD)?;
                        #checks
                        #var
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
                let __instance = match __ctx.shared_controller() {
                    ::core::option::Option::Some(__shared) => __shared,
                    ::core::option::Option::None => __ctx.controller().await?,
                };
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
    let is_upgrade = handler.verbs.iter().any(|v| v.method == "ws");
    let reply = if is_upgrade {
        quote_spanned!(output_span=> #private::ws::accept(&mut *__ctx, __handshake, __value))
    } else {
        quote_spanned!(output_span=> #private::reply(&*__ctx, __value))
    };
    // The upgrade is checked before anything else: a plain GET gets its 426 at once.
    let handshake =
        is_upgrade.then(|| quote!(let __handshake = #private::ws::Handshake::check(&mut *__ctx)?;));
    let future = format_ident!("{}_future", entry);
    let boxed = format_ident!("{}_boxed", entry);
    // One future type, erased two ways: inline for the request's own future, boxed at its own
    // size behind interceptors.
    quote! {
        fn #future<'__a, '__r>(
            __ctx: &'__a mut #private::ExecutionContext<'__r>,
        ) -> impl ::core::future::Future<
            Output = ::core::result::Result<#private::Reply, #private::HttpError>,
        > + ::core::marker::Send + use<'__a, '__r> {
            async move {
                #handshake
                #this
                #(#bindings)*
                #(#borrows)*
                let __value = #call.await;
                #reply
            }
        }

        fn #entry<'__a, '__r>(
            __ctx: &'__a mut #private::ExecutionContext<'__r>,
        ) -> #private::InlineFuture<'__a, ::core::result::Result<#private::Reply, #private::HttpError>> {
            #private::inline_future(#future(__ctx))
        }

        fn #boxed<'__a, '__r>(
            __ctx: &'__a mut #private::ExecutionContext<'__r>,
        ) -> #private::BoxFuture<'__a, ::core::result::Result<#private::Reply, #private::HttpError>> {
            ::std::boxed::Box::pin(#future(__ctx))
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
