//! The one error type the web UI receives, serialised as `{kind, message}` so the UI can branch on `kind`.

use serde::ser::SerializeStruct;

/// Everything a command can report to the UI. Messages are whole sentences and never contain a secret.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum AppError {
    /// A link could not be read.
    #[error(transparent)]
    Uri(#[from] twofold::uri::UriError),
}

impl AppError {
    /// A stable name for the UI to branch on.
    pub fn kind(&self) -> &'static str {
        match self {
            AppError::Uri(_) => "invalidLink",
        }
    }
}

impl serde::Serialize for AppError {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let mut s = serializer.serialize_struct("AppError", 2)?;
        s.serialize_field("kind", self.kind())?;
        s.serialize_field("message", &self.to_string())?;
        s.end()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn errors_reach_the_ui_as_kind_and_message() {
        let error = AppError::from(twofold::uri::parse("https://example.com").unwrap_err());
        let json = serde_json::to_value(&error).unwrap();
        assert_eq!(json["kind"], "invalidLink");
        assert!(json["message"].as_str().unwrap().contains("not an authenticator link"));
    }
}
