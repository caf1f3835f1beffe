//! What an agent request asks for, from its method and target alone: the
//! routing rules in one place with no I/O and no dependency beyond `std`, so
//! the fuzz target `agent_request` compiles this file as it is.
//!
//! Routes: `GET /v1/token/{profile}`, `GET /v1/header/{profile}` (both take
//! `?min_valid=SECONDS`), `GET /metrics`, `GET /healthz`. Profile names are
//! restricted to letters, digits, `.`, `_` and `-`, so a name never needs
//! decoding and can be echoed in an answer as it is.

use std::fmt;
use std::time::Duration;

/// The longest `min_valid` accepted: a year, as on the command line.
pub const MAX_MIN_VALID: Duration = Duration::from_secs(31_536_000);

/// The longest profile name accepted.
pub const MAX_PROFILE_NAME: usize = 128;

/// A request the agent can answer.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Route {
    /// The token of a profile as JSON.
    Token(TokenRequest),
    /// The header line that carries a profile's token.
    Header(TokenRequest),
    /// The Prometheus metrics.
    Metrics,
    /// Whether the agent serves, and each profile's state.
    Health,
}

/// A token asked for by profile name.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TokenRequest {
    /// The profile (a valid profile name; it may still not exist).
    pub profile: String,
    /// The served token must stay valid at least this long.
    pub min_valid: Option<Duration>,
}

/// Why a request cannot be answered; each maps to one HTTP status.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Refusal {
    /// No such route (404).
    NotFound,
    /// The route exists but takes only GET (405).
    MethodNotAllowed,
    /// The route exists but the request is malformed; the text says how (400).
    BadRequest(String),
}

impl Refusal {
    /// The HTTP status of this refusal.
    pub fn status(&self) -> u16 {
        match self {
            Refusal::NotFound => 404,
            Refusal::MethodNotAllowed => 405,
            Refusal::BadRequest(_) => 400,
        }
    }

    /// A stable, machine-readable name for the JSON answer's `error` field.
    pub fn name(&self) -> &'static str {
        match self {
            Refusal::NotFound => "not_found",
            Refusal::MethodNotAllowed => "method_not_allowed",
            Refusal::BadRequest(_) => "bad_request",
        }
    }
}

impl fmt::Display for Refusal {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Refusal::NotFound => {
                f.write_str("no such route: GET /v1/token/{profile}, /v1/header/{profile}, /metrics or /healthz")
            }
            Refusal::MethodNotAllowed => f.write_str("only GET is supported"),
            Refusal::BadRequest(why) => f.write_str(why),
        }
    }
}

/// Whether `name` may name a profile in a request path.
pub fn is_valid_profile_name(name: &str) -> bool {
    !name.is_empty()
        && name.len() <= MAX_PROFILE_NAME
        && name.bytes().all(|b| b.is_ascii_alphanumeric() || matches!(b, b'.' | b'_' | b'-'))
        && name != "."
        && name != ".."
}

/// The route of a request with `method` and `target` (the request line's
/// path and query, as the client sent them).
pub fn parse(method: &str, target: &str) -> Result<Route, Refusal> {
    let (path, query) = match target.split_once('?') {
        Some((p, q)) => (p, Some(q)),
        None => (target, None),
    };
    let route = match path {
        "/metrics" => Some(Route::Metrics),
        "/healthz" => Some(Route::Health),
        _ => None,
    };
    if let Some(route) = route {
        if method != "GET" {
            return Err(Refusal::MethodNotAllowed);
        }
        if query.is_some_and(|q| !q.is_empty()) {
            return Err(Refusal::BadRequest(format!("{path} takes no query parameters")));
        }
        return Ok(route);
    }
    let (is_token, profile) = if let Some(p) = path.strip_prefix("/v1/token/") {
        (true, p)
    } else if let Some(p) = path.strip_prefix("/v1/header/") {
        (false, p)
    } else {
        return Err(Refusal::NotFound);
    };
    if method != "GET" {
        return Err(Refusal::MethodNotAllowed);
    }
    if !is_valid_profile_name(profile) {
        return Err(Refusal::BadRequest(format!(
            "a profile name is 1 to {MAX_PROFILE_NAME} letters, digits, '.', '_' or '-'"
        )));
    }
    let request = TokenRequest { profile: profile.to_owned(), min_valid: min_valid(query.unwrap_or(""))? };
    Ok(if is_token { Route::Token(request) } else { Route::Header(request) })
}

/// The `min_valid` parameter of a token route's query, the only one it takes.
fn min_valid(query: &str) -> Result<Option<Duration>, Refusal> {
    let mut found = None;
    for pair in query.split('&').filter(|p| !p.is_empty()) {
        let (name, value) = pair.split_once('=').unwrap_or((pair, ""));
        if name != "min_valid" {
            return Err(Refusal::BadRequest("the only query parameter is min_valid=SECONDS".to_owned()));
        }
        if found.is_some() {
            return Err(Refusal::BadRequest("min_valid is given twice".to_owned()));
        }
        let secs = (!value.is_empty() && value.len() <= 10 && value.bytes().all(|b| b.is_ascii_digit()))
            .then(|| value.parse::<u64>().ok())
            .flatten()
            .map(Duration::from_secs)
            .filter(|d| *d <= MAX_MIN_VALID)
            .ok_or_else(|| {
                Refusal::BadRequest(format!("min_valid: expected whole seconds from 0 to {}", MAX_MIN_VALID.as_secs()))
            })?;
        found = Some(secs);
    }
    Ok(found)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn token(profile: &str, min_valid: Option<u64>) -> TokenRequest {
        TokenRequest { profile: profile.to_owned(), min_valid: min_valid.map(Duration::from_secs) }
    }

    #[test]
    fn routes() {
        assert_eq!(parse("GET", "/v1/token/billing"), Ok(Route::Token(token("billing", None))));
        assert_eq!(parse("GET", "/v1/header/a.b_c-1?min_valid=30"), Ok(Route::Header(token("a.b_c-1", Some(30)))));
        assert_eq!(parse("GET", "/v1/token/p?"), Ok(Route::Token(token("p", None))));
        assert_eq!(parse("GET", "/metrics"), Ok(Route::Metrics));
        assert_eq!(parse("GET", "/healthz"), Ok(Route::Health));
    }

    #[test]
    fn refusals_name_the_problem() {
        assert_eq!(parse("GET", "/"), Err(Refusal::NotFound));
        assert_eq!(parse("GET", "/v1/token"), Err(Refusal::NotFound));
        assert_eq!(parse("GET", "/v2/token/p"), Err(Refusal::NotFound));
        assert_eq!(parse("POST", "/v1/token/p"), Err(Refusal::MethodNotAllowed));
        assert_eq!(parse("DELETE", "/metrics"), Err(Refusal::MethodNotAllowed));
        for bad in [
            "/v1/token/",
            "/v1/token/a/b",
            "/v1/token/..",
            "/v1/token/a%20b",
            "/v1/token/p?min_valid=-1",
            "/v1/token/p?min_valid=1e3",
            "/v1/token/p?min_valid=31536001",
            "/v1/token/p?min_valid=99999999999999999999",
            "/v1/token/p?min_valid",
            "/v1/token/p?min_valid=1&min_valid=2",
            "/v1/token/p?scope=x",
            "/metrics?x=1",
        ] {
            let refusal = parse("GET", bad).expect_err(bad);
            assert_eq!(refusal.status(), 400, "{bad}: {refusal}");
        }
        let long = format!("/v1/token/{}", "a".repeat(MAX_PROFILE_NAME + 1));
        assert_eq!(parse("GET", &long).map_err(|r| r.status()), Err(400));
    }
}
