//! Which provider a request is for, and the three compressed routes.

use axum::http::HeaderMap;
use headroom::Format;

/// The two upstream families.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Provider {
    /// `api.anthropic.com`.
    Anthropic,
    /// `api.openai.com`.
    OpenAi,
}

impl Provider {
    /// Anthropic for its paths or when the client speaks its headers, OpenAI otherwise.
    pub(crate) fn for_request(path: &str, headers: &HeaderMap) -> Self {
        if path.starts_with("/v1/messages")
            || path.starts_with("/v1/complete")
            || headers.contains_key("anthropic-version")
            || headers.contains_key("x-api-key")
        {
            Self::Anthropic
        } else {
            Self::OpenAi
        }
    }
}

/// A route whose body the engine compresses.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Route {
    /// `POST /v1/messages`.
    Messages,
    /// `POST /v1/chat/completions`.
    ChatCompletions,
    /// `POST /v1/responses`.
    Responses,
}

impl Route {
    pub(crate) fn provider(self) -> Provider {
        match self {
            Self::Messages => Provider::Anthropic,
            Self::ChatCompletions | Self::Responses => Provider::OpenAi,
        }
    }

    pub(crate) fn format(self) -> Format {
        match self {
            Self::Messages => Format::Anthropic,
            Self::ChatCompletions => Format::OpenaiChat,
            Self::Responses => Format::OpenaiResponses,
        }
    }

    pub(crate) fn path(self) -> &'static str {
        match self {
            Self::Messages => "/v1/messages",
            Self::ChatCompletions => "/v1/chat/completions",
            Self::Responses => "/v1/responses",
        }
    }

    pub(crate) fn index(self) -> usize {
        match self {
            Self::Messages => 0,
            Self::ChatCompletions => 1,
            Self::Responses => 2,
        }
    }
}
