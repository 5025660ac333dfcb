//! Writing values in systemd's unit file syntax (`man 7 systemd.syntax`,
//! `man 5 systemd.service` "COMMAND LINES").
//!
//! The config readers have already rejected what cannot be expressed
//! (control characters other than tab), so these functions cannot fail.

/// Escapes `%` so systemd does not read it as a specifier.
pub fn no_specifiers(text: &str) -> String {
    text.replace('%', "%%")
}

/// Appends `text` as a double-quoted word with C escapes for `\`, `"` and
/// tab, `%` doubled, and, where `dollar` is set (command lines), `$`
/// doubled so systemd does not expand it as a variable.
fn push_quoted(out: &mut String, text: &str, dollar: bool) {
    out.push('"');
    for c in text.chars() {
        match c {
            '\\' => out.push_str("\\\\"),
            '"' => out.push_str("\\\""),
            '\t' => out.push_str("\\t"),
            '%' => out.push_str("%%"),
            '$' if dollar => out.push_str("$$"),
            c => out.push(c),
        }
    }
    out.push('"');
}

/// A command line for `ExecStart=`: every word quoted, so each reaches the
/// process exactly as given.
pub fn command_line<S: AsRef<str>>(words: &[S]) -> String {
    let mut out = String::with_capacity(words.iter().map(|w| w.as_ref().len() + 3).sum());
    for word in words {
        push_command_word(&mut out, word.as_ref());
    }
    out
}

/// Appends one word to a command line as [`command_line`] writes it, for
/// a line built word by word (thousands of node dirs) without a list of
/// its words.
pub fn push_command_word(line: &mut String, word: &str) {
    if !line.is_empty() {
        line.push(' ');
    }
    push_quoted(line, word, true);
}

/// One `Environment=` value: `"NAME=value"`, quoted.
pub fn environment(name: &str, value: &str) -> String {
    let mut out = String::with_capacity(name.len() + value.len() + 3);
    let mut assignment = String::with_capacity(name.len() + value.len() + 1);
    assignment.push_str(name);
    assignment.push('=');
    assignment.push_str(value);
    push_quoted(&mut out, &assignment, false);
    out
}

/// Free text (an error message) as one line of a unit file value such as
/// `Description=`: control characters become spaces, `%` is doubled, and
/// a trailing backslash, which would continue the line, gets a full stop.
pub fn one_line(text: &str) -> String {
    let mut out: String = text
        .chars()
        .map(|c| if c.is_control() { ' ' } else { c })
        .collect();
    if out.ends_with('\\') {
        out.push('.');
    }
    no_specifiers(&out)
}

/// A path in a space-separated path list (`ReadWritePaths=`): quoted, `%`
/// doubled. The readers reject paths with quotes or backslashes.
pub fn path_word(path: &str) -> String {
    let mut out = String::with_capacity(path.len() + 2);
    push_quoted(&mut out, path, false);
    out
}

/// A path in a tmpfiles.d(5) line: quoted with C escapes (the format
/// unquotes them), `%` doubled (it expands specifiers in paths).
pub fn tmpfiles_path(path: &str) -> String {
    let mut out = String::with_capacity(path.len() + 2);
    push_quoted(&mut out, path, false);
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn command_line_quotes_every_word() {
        assert_eq!(
            command_line(&["/opt/zeek/bin/zeek", "-i", "af_packet::eth1"]),
            r#""/opt/zeek/bin/zeek" "-i" "af_packet::eth1""#
        );
    }

    #[test]
    fn command_line_escapes_what_systemd_would_expand() {
        assert_eq!(
            command_line(&[
                "a b",
                "say \"hi\"",
                r"back\slash",
                "100%",
                "$HOME ${X}",
                "tab\there"
            ]),
            r#""a b" "say \"hi\"" "back\\slash" "100%%" "$$HOME $${X}" "tab\there""#
        );
    }

    #[test]
    fn command_line_word_by_word_is_the_same() {
        let words = ["/usr/bin/install", "-d", "/srv/a b", "100%", "$x"];
        let mut line = String::new();
        for word in words {
            push_command_word(&mut line, word);
        }
        assert_eq!(line, command_line(&words));
    }

    #[test]
    fn environment_keeps_dollars() {
        assert_eq!(environment("A", "x $y %z \"q\""), r#""A=x $y %%z \"q\"""#);
    }

    #[test]
    fn specifiers() {
        assert_eq!(no_specifiers("/srv/100%/spool"), "/srv/100%%/spool");
    }
}
