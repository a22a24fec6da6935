//! `#[injectable]`: how the container builds a type.
//!
//! On a struct, fields of type `Inject<T>`, `Option<Inject<T>>` and `Vec<Inject<T>>` are
//! injected (a field may name a token with `#[inject(TOKEN)]`), other fields use `Default`. On an
//! impl block, the one `#[constructor]` fn (sync or async, returning `Self` or `Result<Self, E>`)
//! builds it from its injected arguments.

use proc_macro2::{Span, TokenStream};
use quote::{format_ident, quote, quote_spanned};
use syn::parse::{Parse, ParseStream};
use syn::spanned::Spanned;
use syn::{
    Expr, Fields, FnArg, Ident, ImplItem, ImplItemFn, Item, ItemImpl, ItemStruct, Token, Type,
};

mod kw {
    syn::custom_keyword!(scope);
    syn::custom_keyword!(post_construct);
    syn::custom_keyword!(pre_destruct);
}

const USAGE: &str = "expected `#[injectable]`, `#[injectable(scope = Request)]`, `#[injectable(scope = Transient)]`, `post_construct = method` or `pre_destruct = method`";

/// The attribute's arguments.
#[derive(Default)]
struct Args {
    scope: Option<Ident>,
    post_construct: Option<Ident>,
    pre_destruct: Option<Ident>,
}

impl Parse for Args {
    fn parse(input: ParseStream<'_>) -> syn::Result<Self> {
        let mut args = Args::default();
        while !input.is_empty() {
            let lookahead = input.lookahead1();
            let (slot, name, key): (&mut Option<Ident>, &str, TokenStream) =
                if lookahead.peek(kw::scope) {
                    let key: kw::scope = input.parse()?;
                    (&mut args.scope, "scope", quote!(#key))
                } else if lookahead.peek(kw::post_construct) {
                    let key: kw::post_construct = input.parse()?;
                    (&mut args.post_construct, "post_construct", quote!(#key))
                } else if lookahead.peek(kw::pre_destruct) {
                    let key: kw::pre_destruct = input.parse()?;
                    (&mut args.pre_destruct, "pre_destruct", quote!(#key))
                } else {
                    return Err(lookahead.error());
                };
            if slot.is_some() {
                return Err(syn::Error::new_spanned(
                    key,
                    format!("`{name}` specified more than once"),
                ));
            }
            input.parse::<Token![=]>()?;
            let value: Ident = input.parse().map_err(|e| syn::Error::new(e.span(), USAGE))?;
            if name == "scope"
                && !["Singleton", "Request", "Transient"].contains(&value.to_string().as_str())
            {
                return Err(syn::Error::new_spanned(
                    value,
                    "the scope is `Singleton`, `Request` or `Transient`",
                ));
            }
            *slot = Some(value);
            if !input.is_empty() {
                input.parse::<Token![,]>()?;
            }
        }
        Ok(args)
    }
}

/// One injected value: a field or a constructor argument.
struct Slot<'a> {
    ty: &'a Type,
    /// `#[inject(TOKEN)]`: the token expression.
    token: Option<Expr>,
}

pub(crate) fn expand(args: TokenStream, item: TokenStream) -> syn::Result<TokenStream> {
    let args: Args = syn::parse2(args)?;
    match syn::parse2::<Item>(item.clone())? {
        Item::Struct(item) => expand_struct(&args, item),
        Item::Impl(item) if item.trait_.is_none() => expand_impl(&args, item),
        other => Err(syn::Error::new_spanned(
            first_tokens(&other),
            "`#[injectable]` goes on a struct (fields `Inject<T>` are injected) or on an impl block with a `#[constructor]` fn",
        )),
    }
}

fn first_tokens(item: &Item) -> TokenStream {
    quote!(#item).into_iter().take(3).collect()
}

/// Whether a type is `Inject<_>`, `Option<Inject<_>>` or `Vec<Inject<_>>`.
fn injected(ty: &Type) -> bool {
    let Type::Path(path) = ty else { return false };
    let Some(last) = path.path.segments.last() else { return false };
    if last.ident == "Inject" {
        return true;
    }
    if last.ident != "Option" && last.ident != "Vec" {
        return false;
    }
    match &last.arguments {
        syn::PathArguments::AngleBracketed(args) => args.args.iter().any(|arg| {
            matches!(arg, syn::GenericArgument::Type(Type::Path(inner))
                if inner.path.segments.last().is_some_and(|s| s.ident == "Inject"))
        }),
        _ => false,
    }
}

fn take_token(attrs: &mut Vec<syn::Attribute>) -> syn::Result<Option<Expr>> {
    let Some(at) = attrs.iter().position(|a| a.path().is_ident("inject")) else { return Ok(None) };
    let attr = attrs.remove(at);
    attr.parse_args::<Expr>().map(Some).map_err(|_| {
        syn::Error::new_spanned(&attr, "expected `#[inject(TOKEN)]` naming a `Token<T>` constant")
    })
}

fn expand_struct(args: &Args, mut item: ItemStruct) -> syn::Result<TokenStream> {
    if !item.generics.params.is_empty() {
        return Err(syn::Error::new_spanned(&item.generics, "injectable types cannot be generic"));
    }
    let mut slots = Vec::new();
    let mut tokens = Vec::new();
    for field in item.fields.iter_mut() {
        let token = take_token(&mut field.attrs)?;
        if token.is_some() && !injected(&field.ty) {
            return Err(syn::Error::new_spanned(
                &field.ty,
                "`#[inject(..)]` goes on a field of type `Inject<T>`, `Option<Inject<T>>` or `Vec<Inject<T>>`",
            ));
        }
        tokens.push(token);
    }
    let mut inits = Vec::new();
    for (field, token) in item.fields.iter().zip(tokens) {
        let value = if injected(&field.ty) {
            let position = slots.len();
            let ty = &field.ty;
            slots.push(Slot { ty, token });
            quote_spanned!(ty.span()=> <#ty as ::lauren::__private::Resolvable>::resolve(__resolver, #position).await?)
        } else {
            quote!(::core::default::Default::default())
        };
        inits.push((field.ident.clone(), value));
    }
    let ident = &item.ident;
    let build = match &item.fields {
        Fields::Named(_) => {
            let fields = inits.iter().map(|(name, value)| quote!(#name: #value));
            quote!(#ident { #(#fields),* })
        }
        Fields::Unnamed(_) => {
            let values = inits.iter().map(|(_, value)| value);
            quote!(#ident(#(#values),*))
        }
        Fields::Unit => quote!(#ident),
    };
    let construct = quote!(::core::result::Result::Ok(::lauren::__private::instance(#build)));
    // Without `Inject` fields nothing is awaited: the type can also be built in place.
    let now = slots.is_empty();
    let generated = expand_provider(args, ident, &slots, construct, now);
    Ok(quote!(#item #generated))
}

fn expand_impl(args: &Args, mut item: ItemImpl) -> syn::Result<TokenStream> {
    let Type::Path(self_path) = &*item.self_ty else {
        return Err(syn::Error::new_spanned(
            &item.self_ty,
            "`#[injectable]` impl blocks must be for a named type",
        ));
    };
    let Some(ident) = self_path.path.segments.last().map(|s| s.ident.clone()) else {
        return Err(syn::Error::new_spanned(&item.self_ty, "expected a type name"));
    };
    let mut found: Option<ImplItemFn> = None;
    for it in &mut item.items {
        if let ImplItem::Fn(func) = it {
            if let Some(at) = func.attrs.iter().position(|a| a.path().is_ident("constructor")) {
                func.attrs.remove(at);
                if found.is_some() {
                    return Err(syn::Error::new_spanned(
                        &func.sig,
                        "an injectable has one `#[constructor]`",
                    ));
                }
                found = Some(func.clone());
            }
        }
    }
    let Some(constructor) = found else {
        return Err(syn::Error::new(
            Span::call_site(),
            format!(
                "mark the fn that builds `{ident}` with `#[constructor]`, e.g. `#[constructor] async fn new(db: Inject<Database>) -> Self`"
            ),
        ));
    };
    let mut slots = Vec::new();
    let mut values = Vec::new();
    for input in &constructor.sig.inputs {
        let FnArg::Typed(arg) = input else {
            return Err(syn::Error::new_spanned(input, "a constructor takes no `self`"));
        };
        let token = take_token(&mut arg.attrs.clone())?;
        if !injected(&arg.ty) {
            return Err(syn::Error::new_spanned(
                &arg.ty,
                "constructor arguments are `Inject<T>`, `Option<Inject<T>>` or `Vec<Inject<T>>`",
            ));
        }
        let position = values.len();
        let ty = &*arg.ty;
        values.push(quote_spanned!(ty.span()=> <#ty as ::lauren::__private::Resolvable>::resolve(__resolver, #position).await?));
        slots.push(Slot { ty, token });
    }
    // `#[inject(..)]` is ours: remove it from the emitted constructor's arguments.
    for it in &mut item.items {
        if let ImplItem::Fn(func) = it {
            if func.sig.ident == constructor.sig.ident {
                for input in func.sig.inputs.iter_mut() {
                    if let FnArg::Typed(arg) = input {
                        arg.attrs.retain(|a| !a.path().is_ident("inject"));
                    }
                }
            }
        }
    }
    let name = &constructor.sig.ident;
    let call = if constructor.sig.asyncness.is_some() {
        quote!(#ident::#name(#(#values),*).await)
    } else {
        quote!(#ident::#name(#(#values),*))
    };
    let construct = quote! {{
        let __built: #ident = ::lauren::__private::FactoryOutput::into_value(#call)?;
        ::core::result::Result::Ok(::lauren::__private::instance(__built))
    }};
    let now = slots.is_empty() && constructor.sig.asyncness.is_none();
    let generated = expand_provider(args, &ident, &slots, construct, now);
    Ok(quote!(#item #generated))
}

fn expand_provider(
    args: &Args,
    ident: &Ident,
    slots: &[Slot<'_>],
    construct: TokenStream,
    now: bool,
) -> TokenStream {
    let private = quote!(::lauren::__private);
    let scope = args.scope.clone().unwrap_or_else(|| format_ident!("Singleton"));
    let deps = slots.iter().map(|slot| {
        let ty = slot.ty;
        let key = match &slot.token {
            Some(token) => quote!({
                fn __key() -> #private::Key { (#token).key() }
                __key
            }),
            None => quote!(<#ty as #private::Resolvable>::key),
        };
        quote_spanned!(ty.span()=> #private::Dependency { key: #key, kind: <#ty as #private::Resolvable>::KIND })
    });
    let hook = |method: &Option<Ident>| match method {
        None => quote!(::core::option::Option::None),
        Some(method) => quote! {{
            fn __hook<'a>(__instance: &'a #private::Instance) -> #private::BoxFuture<'a, ::core::result::Result<(), #private::BoxError>> {
                ::std::boxed::Box::pin(async move {
                    let __this = #private::hook_target::<#ident>(__instance)?;
                    // `async fn` or plain `fn`, returning `()` or a `Result`: the probe awaits
                    // a future and takes a value as it is.
                    #[allow(unused_imports)]
                    use #private::{ViaAsyncHook as _, ViaSyncHook as _};
                    let __settled = {
                        let __call = #private::HookCall::new(#ident::#method(__this));
                        (&&__call).settle()
                    };
                    match __settled.await {
                        ::core::option::Option::Some(__output) => #private::hook_result(__output),
                        ::core::option::Option::None => ::core::result::Result::Err("a lifecycle hook ran twice".into()),
                    }
                })
            }
            ::core::option::Option::Some(__hook)
        }},
    };
    let post = hook(&args.post_construct);
    let pre = hook(&args.pre_destruct);
    let result = quote!(::core::result::Result<#private::Instance, #private::BoxError>);
    // The body is expanded once: the async entry point calls the in-place one when there is one.
    let (constructors, construct_now) = if now {
        (
            quote! {
                fn __construct_now() -> #result {
                    #construct
                }

                fn __construct<'a>(
                    _: &'a #private::Resolver<'a>,
                ) -> #private::BoxFuture<'a, #result> {
                    ::std::boxed::Box::pin(async { __construct_now() })
                }
            },
            quote!(::core::option::Option::Some(__construct_now)),
        )
    } else {
        (
            quote! {
                fn __construct<'a>(
                    __resolver: &'a #private::Resolver<'a>,
                ) -> #private::BoxFuture<'a, #result> {
                    ::std::boxed::Box::pin(async move {
                        let _ = __resolver;
                        #construct
                    })
                }
            },
            quote!(::core::option::Option::None),
        )
    };
    quote! {
        #[doc(hidden)]
        #[allow(non_upper_case_globals, clippy::all)]
        const _: () = {
            #constructors

            static __LAUREN_PROVIDER: #private::ProviderDescriptor = #private::ProviderDescriptor {
                key: #private::key_of::<#ident>,
                scope: #private::Scope::#scope,
                deps: &[#(#deps),*],
                construct: __construct,
                construct_now: #construct_now,
                post_construct: #post,
                pre_destruct: #pre,
            };

            #[automatically_derived]
            impl #private::Injectable for #ident {
                fn provider() -> &'static #private::ProviderDescriptor {
                    &__LAUREN_PROVIDER
                }
            }
        };
    }
}
