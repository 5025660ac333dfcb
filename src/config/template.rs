//! `${variable}` templating of worker capture and env values (SPEC 2.3).

/// The values a worker's templates can refer to. `None` fields are not
/// available for this node (not a worker, or no CPU list).
#[derive(Debug, Clone, Default)]
pub struct TemplateVars<'a> {
    /// 1-based index among the workers of the interface.
    pub worker_index: Option<usize>,
    /// 1-based index among all workers of the host.
    pub host_worker_index: Option<usize>,
    pub worker_cpu: Option<u32>,
    pub interface_name: Option<&'a str>,
}

/// The variable names the formats know, for messages.
/// `interface_section_name` is Zeek's zeek.conf name for `interface_name`.
pub const VARIABLES: [&str; 7] = [
    "worker_index",
    "worker_index0",
    "host_worker_index",
    "host_worker_index0",
    "worker_cpu",
    "interface_name",
    "interface_section_name",
];

/// Quick check for the common case, so values without templates are not
/// copied through the expander.
pub fn has_template(text: &str) -> bool {
    text.contains("${")
}

/// Expands `${name}` references; `\${` is a literal `${`. Errors name the
/// variable and say what is wrong; the caller adds file, line and key.
pub fn expand(text: &str, vars: &TemplateVars) -> Result<String, String> {
    let mut out = String::with_capacity(text.len() + 8);
    let mut rest = text;
    while let Some(pos) = rest.find("${") {
        if rest[..pos].ends_with('\\') {
            out.push_str(&rest[..pos - 1]);
            out.push_str("${");
            rest = &rest[pos + 2..];
            continue;
        }
        out.push_str(&rest[..pos]);
        let after = &rest[pos + 2..];
        let Some(end) = after.find('}') else {
            return Err(format!(
                "unclosed \"${{\" in \"{text}\"; close it with '}}' or write \"\\${{\" for a literal \"${{\""
            ));
        };
        let name = &after[..end];
        out.push_str(&lookup(name, vars, text)?);
        rest = &after[end + 1..];
    }
    out.push_str(rest);
    Ok(out)
}

fn lookup(name: &str, vars: &TemplateVars, text: &str) -> Result<String, String> {
    let worker_only = |v: Option<usize>| {
        v.ok_or_else(|| format!("${{{name}}} in \"{text}\" is only available in worker values"))
    };
    Ok(match name {
        "worker_index" => worker_only(vars.worker_index)?.to_string(),
        "worker_index0" => (worker_only(vars.worker_index)? - 1).to_string(),
        "host_worker_index" => worker_only(vars.host_worker_index)?.to_string(),
        "host_worker_index0" => (worker_only(vars.host_worker_index)? - 1).to_string(),
        "interface_name" | "interface_section_name" => vars
            .interface_name
            .ok_or_else(|| format!("${{{name}}} in \"{text}\" is only available in worker values"))?
            .to_string(),
        "worker_cpu" => match (vars.worker_cpu, vars.worker_index) {
            (Some(cpu), _) => cpu.to_string(),
            (None, Some(_)) => {
                return Err(format!(
                    "${{worker_cpu}} in \"{text}\" needs a CPU list on the interface"
                ))
            }
            (None, None) => {
                return Err(format!(
                    "${{worker_cpu}} in \"{text}\" is only available in worker values"
                ))
            }
        },
        _ => {
            let hint = super::values::did_you_mean(name, VARIABLES)
                .map(|v| format!(" (did you mean ${{{v}}}?)"))
                .unwrap_or_default();
            return Err(format!(
                "unknown template variable ${{{name}}} in \"{text}\"{hint}; known: {}; write \
                 \"\\${{\" for a literal \"${{\"",
                VARIABLES.map(|v| format!("${{{v}}}")).join(", ")
            ));
        }
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn worker() -> TemplateVars<'static> {
        TemplateVars {
            worker_index: Some(3),
            host_worker_index: Some(7),
            worker_cpu: Some(12),
            interface_name: Some("eth1"),
        }
    }

    #[test]
    fn expands_every_variable() {
        let out = expand(
            "${interface_name}:${worker_index}/${worker_index0}/${host_worker_index}/${host_worker_index0}@${worker_cpu}",
            &worker(),
        )
        .unwrap();
        assert_eq!(out, "eth1:3/2/7/6@12");
    }

    #[test]
    fn escaped_dollar_brace_is_literal() {
        assert_eq!(expand(r"a\${HOME}b", &worker()).unwrap(), "a${HOME}b");
        assert_eq!(expand("$HOME and $", &worker()).unwrap(), "$HOME and $");
    }

    #[test]
    fn errors() {
        assert!(expand("${nope}", &worker())
            .unwrap_err()
            .contains("unknown template variable ${nope}"));
        assert!(expand("${worker_idx}", &worker())
            .unwrap_err()
            .contains("did you mean ${worker_index}"));
        assert!(expand("x${worker_index", &worker())
            .unwrap_err()
            .contains("unclosed"));
        let manager = TemplateVars::default();
        assert!(expand("${worker_index}", &manager)
            .unwrap_err()
            .contains("only available in worker"));
        let unpinned = TemplateVars {
            worker_cpu: None,
            ..worker()
        };
        assert!(expand("${worker_cpu}", &unpinned)
            .unwrap_err()
            .contains("needs a CPU list"));
    }
}
