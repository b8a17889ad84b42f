//! Safe Markdown (specs/initiatives.md §4) and version diffs (§3.2).
//!
//! [`check`] refuses raw HTML at submission, naming its line; [`render`]
//! turns CommonMark into HTML whose every text is escaped, whose links
//! keep only `http(s)`, `mailto` and relative targets and carry
//! `rel="nofollow noopener noreferrer"`, and whose images become links.

use pulldown_cmark::{CowStr, Event, Options, Parser, Tag, TagEnd};
use serde::Serialize;

use crate::error::{Result, ServerError};

fn options() -> Options {
    Options::ENABLE_TABLES | Options::ENABLE_STRIKETHROUGH
}

/// Refuses Markdown that carries raw HTML (`proposal.markdown`, 422).
pub fn check(text: &str) -> Result<()> {
    for (event, range) in Parser::new_ext(text, options()).into_offset_iter() {
        if matches!(event, Event::Html(_) | Event::InlineHtml(_)) {
            let line = text[..range.start].matches('\n').count() + 1;
            return Err(ServerError::invalid(
                "proposal.markdown",
                format!("raw HTML is not allowed (line {line})"),
            ));
        }
    }
    Ok(())
}

fn escape_attr(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            c if c.is_control() => {}
            c => out.push(c),
        }
    }
    out
}

/// `dest` if its scheme is allowed (or it is relative), else `#`.
pub fn safe_url(dest: &str) -> &str {
    let d = dest.trim();
    let lower = d.to_ascii_lowercase();
    let scheme_end = d.find(':');
    let first_sep = d.find(['/', '?', '#']);
    let relative = match (scheme_end, first_sep) {
        (None, _) => true,
        (Some(c), Some(s)) => s < c,
        (Some(_), None) => false,
    };
    let allowed = ["https:", "http:", "mailto:"]
        .iter()
        .any(|p| lower.starts_with(p));
    if (relative && !d.chars().any(char::is_control)) || allowed {
        d
    } else {
        "#"
    }
}

fn open_link(dest: &CowStr<'_>, title: &CowStr<'_>) -> Event<'static> {
    let mut a = format!(
        "<a href=\"{}\" rel=\"nofollow noopener noreferrer\"",
        escape_attr(safe_url(dest))
    );
    if !title.is_empty() {
        a.push_str(&format!(" title=\"{}\"", escape_attr(title)));
    }
    a.push('>');
    Event::Html(CowStr::from(a))
}

/// Renders Markdown to safe HTML. Raw HTML (refused at submission anyway)
/// is rendered as escaped text.
pub fn render(text: &str) -> String {
    let events = Parser::new_ext(text, options()).map(|e| match e {
        Event::Html(h) | Event::InlineHtml(h) => Event::Text(h),
        Event::Start(Tag::Link {
            dest_url, title, ..
        })
        | Event::Start(Tag::Image {
            dest_url, title, ..
        }) => open_link(&dest_url, &title),
        Event::End(TagEnd::Link) | Event::End(TagEnd::Image) => {
            Event::Html(CowStr::Borrowed("</a>"))
        }
        other => other,
    });
    let mut out = String::new();
    pulldown_cmark::html::push_html(&mut out, events);
    out
}

/// One run of a line diff.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct DiffOp {
    /// `equal`, `insert` or `delete`.
    pub op: &'static str,
    /// The lines of the run.
    pub text: String,
}

/// Line differences from `a` to `b`, consecutive lines of one kind merged.
pub fn diff(a: &str, b: &str) -> Vec<DiffOp> {
    use similar::{ChangeTag, TextDiff};
    let mut out: Vec<DiffOp> = Vec::new();
    for change in TextDiff::from_lines(a, b).iter_all_changes() {
        let op = match change.tag() {
            ChangeTag::Equal => "equal",
            ChangeTag::Insert => "insert",
            ChangeTag::Delete => "delete",
        };
        match out.last_mut() {
            Some(last) if last.op == op => last.text.push_str(change.value()),
            _ => out.push(DiffOp {
                op,
                text: change.value().to_string(),
            }),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn raw_html_is_refused_with_its_line() {
        assert!(check("# Title\n\nSome *text* and a [link](https://x.org).").is_ok());
        let e = check("ok\n\n<script>alert(1)</script>\n").unwrap_err();
        assert_eq!(e.code, "proposal.markdown");
        assert!(e.message.contains("line 3"), "{}", e.message);
        assert!(check("text <img src=x onerror=alert(1)> more").is_err());
        assert!(check("<!-- comment -->").is_err());
    }

    #[test]
    fn rendering_escapes_and_neutralises_links() {
        let html = render("[a](javascript:alert(1)) [b](https://ok.org \"t\\\"x\") ![i](data:x)");
        assert!(!html.contains("javascript:"), "{html}");
        assert!(!html.contains("data:"), "{html}");
        assert!(html.contains("href=\"https://ok.org\""), "{html}");
        assert!(html.contains("title=\"t&quot;x\""), "{html}");
        assert!(html.contains("rel=\"nofollow noopener noreferrer\""));
        assert!(!html.contains("<img"));
        let html = render("<b onclick=x>hi</b> & 1 < 2");
        assert!(!html.contains("<b"), "{html}");
        assert!(html.contains("&amp;") && html.contains("&lt;"));
        assert_eq!(safe_url("JaVaScRiPt:x"), "#");
        assert_eq!(safe_url("/initiatives/p-1"), "/initiatives/p-1");
        assert_eq!(safe_url("a/b:c"), "a/b:c");
        assert_eq!(safe_url("vbscript:x"), "#");
    }

    #[test]
    fn diff_marks_changed_lines() {
        let d = diff("a\nb\nc\n", "a\nB\nc\nd\n");
        let ops: Vec<&str> = d.iter().map(|o| o.op).collect();
        assert_eq!(ops, ["equal", "delete", "insert", "equal", "insert"]);
        assert_eq!(d[1].text, "b\n");
    }
}
