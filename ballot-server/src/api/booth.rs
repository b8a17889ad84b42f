//! The web booth, officer console and results pages (specs/booth.md §7):
//! the committed bundle `booth/dist` embedded at compile time and served
//! with a strict Content-Security-Policy, and the bundle's hashes
//! published at `/bundle.json` (and `/SHA256SUMS`) as computed from the
//! bytes this server actually serves.
//!
//! | route | page |
//! | --- | --- |
//! | `/` | rounds |
//! | `/booth/{round}` | the voting booth (credential in the URL fragment) |
//! | `/check/{round}` | check a tracking code against the board |
//! | `/results/{round}` | results, record download, verifier command |
//! | `/console` | officer console |
//! | `/bundle` | the bundle's hashes, for comparison with a reproducible build |
//! | `/initiatives` | member initiatives: the published proposals |
//! | `/initiatives/signin` | members' sign-in (link token in the URL fragment, or code) |
//! | `/initiatives/new` | a member's draft editor |
//! | `/initiatives/{id}` | a proposal's public page |
//! | `/static/{file}` | scripts, stylesheet, wasm module |

use std::collections::BTreeMap;
use std::sync::{Arc, LazyLock};

use axum::http::{header, HeaderName, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use axum::Router;
use include_dir::{include_dir, Dir};
use sha2::{Digest, Sha256};

use super::extract::P;
use crate::app::App;

/// The committed bundle (booth/build.sh writes it).
static DIST: Dir<'static> = include_dir!("$CARGO_MANIFEST_DIR/../booth/dist");

/// Included on its own so that cargo rebuilds this crate whenever the
/// bundle changes (its hash line changes with every file).
const BUILD_INFO: &str = include_str!("../../../booth/dist/BUILD-INFO");

/// Policy of every booth response: own scripts and the wasm module only,
/// same-origin requests only, no inline script or style, no framing.
pub const CSP: &str = "default-src 'none'; script-src 'self' 'wasm-unsafe-eval'; \
worker-src 'self'; connect-src 'self'; img-src 'self' data: blob:; style-src 'self'; \
base-uri 'none'; form-action 'self'; frame-ancestors 'none'";

/// The bundle's published hashes.
struct Hashes {
    /// `sha256  path` lines, sorted by path, of every file served.
    sums: String,
    /// SHA-256 of `sums`: the bundle hash.
    bundle: String,
    /// Path → SHA-256, hex.
    files: BTreeMap<String, String>,
}

static HASHES: LazyLock<Hashes> = LazyLock::new(|| {
    let mut files = BTreeMap::new();
    collect(&DIST, &mut files);
    let sums: String = files.iter().map(|(p, h)| format!("{h}  {p}\n")).collect();
    let bundle = hex::encode(Sha256::digest(sums.as_bytes()));
    Hashes {
        sums,
        bundle,
        files,
    }
});

fn collect(dir: &Dir<'static>, out: &mut BTreeMap<String, String>) {
    for f in dir.files() {
        let path = f.path().to_string_lossy().replace('\\', "/");
        if path != "SHA256SUMS" && path != "BUILD-INFO" {
            out.insert(path, hex::encode(Sha256::digest(f.contents())));
        }
    }
    for d in dir.dirs() {
        collect(d, out);
    }
}

/// The booth routes (merged beside `/api/v1`).
pub fn routes() -> Router<Arc<App>> {
    Router::new()
        .route("/", get(|| page("index")))
        .route("/booth/{round}", get(|| page("booth")))
        .route("/check/{round}", get(|| page("check")))
        .route("/results/{round}", get(|| page("results")))
        .route("/console", get(|| page("console")))
        .route("/bundle", get(|| page("bundle")))
        .route("/initiatives", get(|| page("initiatives")))
        .route("/initiatives/signin", get(|| page("signin")))
        .route("/initiatives/new", get(|| page("compose")))
        .route("/initiatives/{id}", get(|| page("proposal")))
        .route("/bundle.json", get(bundle_json))
        .route("/SHA256SUMS", get(sums))
        .route("/static/{file}", get(asset))
}

fn headers(content_type: &'static str) -> [(HeaderName, HeaderValue); 5] {
    [
        (header::CONTENT_TYPE, HeaderValue::from_static(content_type)),
        (
            header::CONTENT_SECURITY_POLICY,
            HeaderValue::from_static(CSP),
        ),
        (
            HeaderName::from_static("cross-origin-opener-policy"),
            HeaderValue::from_static("same-origin"),
        ),
        (
            HeaderName::from_static("cross-origin-resource-policy"),
            HeaderValue::from_static("same-origin"),
        ),
        (
            HeaderName::from_static("permissions-policy"),
            HeaderValue::from_static(
                "camera=(), microphone=(), geolocation=(), interest-cohort=()",
            ),
        ),
    ]
}

fn file(path: &str, content_type: &'static str) -> Response {
    match DIST.get_file(path) {
        Some(f) => (headers(content_type), f.contents()).into_response(),
        None => (
            StatusCode::NOT_FOUND,
            headers("text/plain; charset=utf-8"),
            "not found",
        )
            .into_response(),
    }
}

async fn page(name: &'static str) -> Response {
    file(&format!("pages/{name}.html"), "text/html; charset=utf-8")
}

async fn asset(P(name): P<String>) -> Response {
    let content_type = match name.rsplit_once('.').map(|(_, e)| e) {
        Some("js") => "text/javascript; charset=utf-8",
        Some("css") => "text/css; charset=utf-8",
        Some("wasm") => "application/wasm",
        Some("txt") => "text/plain; charset=utf-8",
        _ => return file("", "text/plain; charset=utf-8"),
    };
    if name.contains('/') || name.starts_with('.') {
        return file("", content_type);
    }
    file(&format!("static/{name}"), content_type)
}

async fn bundle_json() -> Response {
    let info: BTreeMap<&str, &str> = BUILD_INFO
        .lines()
        .filter_map(|l| l.split_once(": "))
        .collect();
    let body = serde_json::json!({
        "bundle": HASHES.bundle,
        "built_with": info,
        "files": HASHES.files,
    });
    (headers("application/json"), body.to_string()).into_response()
}

async fn sums() -> Response {
    (headers("text/plain; charset=utf-8"), HASHES.sums.clone()).into_response()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_served_hashes_match_the_committed_sums() {
        let committed = DIST
            .get_file("SHA256SUMS")
            .and_then(|f| f.contents_utf8())
            .expect("booth/dist/SHA256SUMS");
        assert_eq!(committed, HASHES.sums);
        assert!(BUILD_INFO.contains(&format!("bundle: {}", HASHES.bundle)));
        for page in [
            "index",
            "booth",
            "check",
            "results",
            "console",
            "bundle",
            "initiatives",
            "signin",
            "compose",
            "proposal",
        ] {
            let html = DIST
                .get_file(format!("pages/{page}.html"))
                .and_then(|f| f.contents_utf8())
                .expect("page");
            assert!(html.contains("integrity=\"sha384-"), "{page} lacks SRI");
            assert!(!html.contains("<script>"), "{page} has an inline script");
        }
    }
}
