//! Placeholders that de-identification writes in place of personal data, e.g. `[EMAIL-1]`.
//!
//! Analysis and indexing must never treat a placeholder as a word, so every crate recognises them
//! through this one module.

/// The kinds of personal data a placeholder can stand for.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum PlaceholderKind {
    Email,
    /// A URL that identifies a person (profile links); other URLs stay readable.
    Url,
    /// A person's social-media account.
    Handle,
    Phone,
    Person,
    Bsn,
    Iban,
    Postcode,
    Address,
    LicensePlate,
    Ip,
    DateOfBirth,
}

impl PlaceholderKind {
    /// The upper-case label used inside the brackets, e.g. `EMAIL` in `[EMAIL-1]`.
    pub fn label(self) -> &'static str {
        match self {
            PlaceholderKind::Email => "E-MAIL",
            PlaceholderKind::Url => "URL",
            PlaceholderKind::Handle => "GEBRUIKER",
            PlaceholderKind::Phone => "TELEFOON",
            PlaceholderKind::Person => "PERSOON",
            PlaceholderKind::Bsn => "BSN",
            PlaceholderKind::Iban => "IBAN",
            PlaceholderKind::Postcode => "POSTCODE",
            PlaceholderKind::Address => "ADRES",
            PlaceholderKind::LicensePlate => "KENTEKEN",
            PlaceholderKind::Ip => "IP",
            PlaceholderKind::DateOfBirth => "GEBOORTEDATUM",
        }
    }

    /// Formats the placeholder for the `ordinal`-th distinct value of this kind in one post.
    pub fn render(self, ordinal: usize) -> String {
        format!("[{}-{}]", self.label(), ordinal)
    }
}

/// Every label a placeholder may start with (the labels of `PlaceholderKind` plus the labels of
/// earlier versions, so text stored by them is still recognised).
pub const PLACEHOLDER_PREFIXES: [&str; 15] = [
    "E-MAIL",
    "EMAIL",
    "URL",
    "PROFIEL",
    "GEBRUIKER",
    "HANDLE",
    "TELEFOON",
    "PERSOON",
    "BSN",
    "IBAN",
    "POSTCODE",
    "ADRES",
    "KENTEKEN",
    "IP",
    "GEBOORTEDATUM",
];

/// True when `token` is a whole placeholder such as `[EMAIL-1]` (with or without the brackets,
/// since tokenizers drop them: `EMAIL-1`).
pub fn is_placeholder(token: &str) -> bool {
    let inner = token
        .strip_prefix('[')
        .and_then(|rest| rest.strip_suffix(']'))
        .unwrap_or(token);
    let Some((label, ordinal)) = inner.rsplit_once('-') else {
        return false;
    };
    PLACEHOLDER_PREFIXES.contains(&label)
        && !ordinal.is_empty()
        && ordinal.bytes().all(|byte| byte.is_ascii_digit())
}

/// Returns `text` with every bracketed placeholder replaced by a single space, so tokenizers and
/// term extraction never see `EMAIL`, `1` and friends as words.
pub fn strip_placeholders(text: &str) -> String {
    let mut output = String::with_capacity(text.len());
    let mut rest = text;
    while let Some(open) = rest.find('[') {
        output.push_str(&rest[..open]);
        let after_open = &rest[open..];
        match after_open.find(']') {
            Some(close) if is_placeholder(&after_open[..=close]) => {
                output.push(' ');
                rest = &after_open[close + 1..];
            }
            _ => {
                output.push('[');
                rest = &after_open[1..];
            }
        }
    }
    output.push_str(rest);
    output
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn recognises_rendered_placeholders() {
        for kind in [
            PlaceholderKind::Email,
            PlaceholderKind::Person,
            PlaceholderKind::Url,
        ] {
            assert!(is_placeholder(&kind.render(3)));
        }
        assert!(is_placeholder("HANDLE-12"));
        assert!(!is_placeholder("[EMAIL]"));
        assert!(!is_placeholder("[FOO-1]"));
        assert!(!is_placeholder("EMAIL-x"));
    }

    #[test]
    fn strips_placeholders_and_keeps_other_brackets() {
        let stripped = strip_placeholders("mail [EMAIL-1] of [zie bijlage] [URL-2]!");
        assert_eq!(stripped, "mail   of [zie bijlage]  !");
        assert_eq!(strip_placeholders("[[PERSOON-1]]"), "[ ]");
        assert_eq!(strip_placeholders("geen haakjes"), "geen haakjes");
    }
}
