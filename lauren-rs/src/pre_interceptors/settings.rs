//! Settings types (Esmerald's settings module): an app's pre-interceptors declared once, by type
//! or by registered name, chosen with `.settings(..)` or the `LAUREN_SETTINGS` variable.

use super::{PreInterceptorDescriptor, PreInterceptorRef, registered_pre_interceptors};

/// The environment variable naming the settings type an app uses when the builder names none.
pub(crate) const SETTINGS_ENV: &str = "LAUREN_SETTINGS";

/// One pre-interceptor a settings type lists.
#[derive(Debug, Clone, Copy)]
pub enum SettingsEntry {
    /// Named by type: checked at compile time.
    Type(PreInterceptorRef),
    /// Named by its registered name (`#[pre_interceptor]` registers the type's name): checked at
    /// startup.
    Name(&'static str),
}

/// What `#[settings(..)]` generates.
#[derive(Debug)]
pub struct SettingsDescriptor {
    /// The settings type's name, as `LAUREN_SETTINGS` names it.
    pub type_name: &'static str,
    /// Its pre-interceptors, in the order they run.
    pub pre_interceptors: &'static [SettingsEntry],
}

/// Implemented by `#[settings]`: a settings type an app (or a module mounted as a child app) can
/// take its pre-interceptors from.
#[diagnostic::on_unimplemented(
    message = "`{Self}` is not a settings type",
    label = "not declared with `#[settings]`",
    note = "declare it: `#[settings(pre_interceptors = [RequireTenant, \"AuditLog\"])] struct {Self};`"
)]
pub trait Settings: 'static {
    /// The generated descriptor.
    fn descriptor() -> &'static SettingsDescriptor;
}

/// What `#[settings]` submits to the registry, for `LAUREN_SETTINGS`.
#[derive(Debug)]
pub struct SettingsRegistration(pub &'static SettingsDescriptor);

inventory::collect!(SettingsRegistration);

/// The registered settings type called `name`, or why there is none (with the near matches).
pub(crate) fn settings_named(name: &str) -> Result<&'static SettingsDescriptor, String> {
    let all: Vec<&'static SettingsDescriptor> =
        inventory::iter::<SettingsRegistration>.into_iter().map(|r| r.0).collect();
    find_one(
        &all,
        |s| s.type_name,
        name,
        "settings type",
        "#[settings]",
        "choose one with `.settings(..)`",
    )
}

/// The pre-interceptors a settings type lists, names looked up in the registry; every unknown
/// name is reported.
pub(crate) fn resolve(
    settings: &SettingsDescriptor,
) -> Result<Vec<&'static PreInterceptorDescriptor>, Vec<String>> {
    let registered: Vec<&'static PreInterceptorDescriptor> =
        registered_pre_interceptors().collect();
    let mut found = Vec::new();
    let mut unknown_names = Vec::new();
    for entry in settings.pre_interceptors {
        match entry {
            SettingsEntry::Type(get) => found.push(get()),
            SettingsEntry::Name(name) => match find_one(
                &registered,
                |d| d.type_name(),
                name,
                "pre-interceptor",
                "#[pre_interceptor]",
                "name it by type instead",
            ) {
                Ok(descriptor) => found.push(descriptor),
                Err(why) => unknown_names.push(format!("settings {}: {why}", settings.type_name)),
            },
        }
    }
    if unknown_names.is_empty() { Ok(found) } else { Err(unknown_names) }
}

/// The one registered item called `name`, or why not: none (with the near matches), or several
/// (types of that name in different modules, and how to choose).
fn find_one<T: Copy>(
    all: &[T],
    name_of: fn(&T) -> &'static str,
    name: &str,
    what: &str,
    attribute: &str,
    choose: &str,
) -> Result<T, String> {
    let mut matches = all.iter().filter(|item| name_of(item) == name);
    match (matches.next(), matches.next()) {
        (Some(item), None) => Ok(*item),
        (Some(_), Some(_)) => Err(format!(
            "several {what}s are registered as \"{name}\" (types of that name in different modules): {choose}"
        )),
        (None, _) => Err(unknown(what, name, all.iter().map(name_of), attribute)),
    }
}

/// `no pre-interceptor is registered as "Audt" (did you mean "Audit"?)`.
fn unknown<'a>(
    what: &str,
    name: &str,
    known: impl Iterator<Item = &'a str>,
    attribute: &str,
) -> String {
    let mut near: Vec<(usize, &str)> = known
        .map(|k| (distance(&k.to_ascii_lowercase(), &name.to_ascii_lowercase()), k))
        .filter(|(d, k)| *d <= (k.len().max(name.len()) / 3).max(2))
        .collect();
    near.sort();
    let hint = match near.as_slice() {
        [] => format!("declare it with `{attribute}`"),
        near => format!(
            "did you mean {}?",
            near.iter().take(3).map(|(_, k)| format!("\"{k}\"")).collect::<Vec<_>>().join(" or ")
        ),
    };
    format!("no {what} is registered as \"{name}\" ({hint})")
}

/// Levenshtein distance, for the near-match hint of a startup error (short names, once).
fn distance(a: &str, b: &str) -> usize {
    let b: Vec<char> = b.chars().collect();
    let mut row: Vec<usize> = (0..=b.len()).collect();
    for (i, ca) in a.chars().enumerate() {
        let mut diagonal = row[0];
        row[0] = i + 1;
        for (j, cb) in b.iter().enumerate() {
            let substitution = diagonal + usize::from(ca != *cb);
            diagonal = row[j + 1];
            row[j + 1] = substitution.min(row[j] + 1).min(row[j + 1] + 1);
        }
    }
    row[b.len()]
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn near_matches_are_offered_and_far_ones_are_not() {
        let known = ["AuditLog", "RequireTenant", "Timing"];
        let message =
            unknown("pre-interceptor", "AudtLog", known.into_iter(), "#[pre_interceptor]");
        assert_eq!(
            message,
            "no pre-interceptor is registered as \"AudtLog\" (did you mean \"AuditLog\"?)"
        );
        let message = unknown("pre-interceptor", "Zebra", known.into_iter(), "#[pre_interceptor]");
        assert_eq!(
            message,
            "no pre-interceptor is registered as \"Zebra\" (declare it with `#[pre_interceptor]`)"
        );
        // Long names allow more edits (a third of the length): three typos in fifteen letters.
        let known = ["RequireTenantId"];
        let message =
            unknown("pre-interceptor", "RekuireTenntIdd", known.into_iter(), "#[pre_interceptor]");
        assert!(message.contains("did you mean \"RequireTenantId\""), "{message}");
        assert_eq!(distance("rekuiretenntidd", "requiretenantid"), 3);
        assert_eq!(distance("kitten", "sitting"), 3);
        assert_eq!(distance("abc", ""), 3);
        assert_eq!(distance("", "abc"), 3);
    }
}
