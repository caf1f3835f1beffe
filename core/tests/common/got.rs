//! A response read to the end, for tests that talk HTTP to the bundled
//! server themselves.
#![allow(dead_code, clippy::unwrap_used)]

use serde_json::Value;

/// A response read to the end.
pub struct Got {
    pub status: u16,
    pub headers: reqwest::header::HeaderMap,
    pub text: String,
}

impl Got {
    pub async fn read(resp: reqwest::Response) -> Got {
        let (status, headers) = (resp.status().as_u16(), resp.headers().clone());
        let text = resp.text().await.unwrap();
        Got { status, headers, text }
    }
    pub fn json(&self) -> Value {
        serde_json::from_str(&self.text).unwrap()
    }
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers.get(name).map(|v| v.to_str().unwrap())
    }
    /// "status error", e.g. "401 invalid_client".
    pub fn outcome(&self) -> String {
        let error = serde_json::from_str::<Value>(&self.text).ok();
        let error = error.as_ref().and_then(|v| v["error"].as_str());
        format!("{} {}", self.status, error.unwrap_or("")).trim().to_owned()
    }
}
