//! Credential mails over SMTP (lettre; specs/server-api.md §6). Each member
//! gets a personal booth link carrying the credential in the URL fragment
//! (`#c=XXXX-…`), which a browser never sends to a server. Mail bodies are
//! never logged.

use lettre::message::header::ContentType;
use lettre::message::Mailbox;
use lettre::transport::smtp::AsyncSmtpTransport;
use lettre::{AsyncTransport, Message, Tokio1Executor};
use psephos_trustee::credentials::{booth_link, IssuedCredential};

use crate::error::{Result, ServerError};

/// An SMTP sender (cheap to clone: the transport's pool is shared).
#[derive(Clone)]
pub struct Mailer {
    transport: AsyncSmtpTransport<Tokio1Executor>,
    from: Mailbox,
}

fn mail_error(e: impl core::fmt::Display) -> ServerError {
    ServerError::unavailable("mail.failed", e.to_string())
}

impl Mailer {
    /// A mailer for `url` (`smtp://host:port` plain, `smtp://…?tls=required`
    /// STARTTLS, `smtps://…` TLS; see lettre's URL format).
    pub fn new(url: &str, from: &str) -> Result<Self> {
        let transport = AsyncSmtpTransport::<Tokio1Executor>::from_url(url)
            .map_err(|e| ServerError::bad_request("server.config", format!("SMTP URL: {e}")))?
            .build();
        let from = from
            .parse()
            .map_err(|e| ServerError::bad_request("server.config", format!("mail from: {e}")))?;
        Ok(Mailer { transport, from })
    }

    /// Sends every member their credential; returns how many were sent.
    /// Stops at the first failure (the CSV still reaches the officer).
    pub async fn send_all(
        &self,
        issued: &[IssuedCredential],
        public_url: &str,
        round: &str,
        title: &str,
    ) -> Result<u64> {
        let mut sent = 0;
        for c in issued {
            let to: Mailbox = c.member.email.parse().map_err(mail_error)?;
            let link = booth_link(public_url, round, &c.code);
            let body = format!(
                "Hello,\n\nyou may vote in \"{title}\" (round {round}).\n\n\
                 Your personal booth link (keep it secret, it holds your credential):\n{link}\n\n\
                 Your credential, should you need to type it: {}\n\n\
                 You may vote again later; only your last ballot counts unless the round says otherwise.\n",
                c.code.as_str()
            );
            let msg = Message::builder()
                .from(self.from.clone())
                .to(to)
                .subject(format!("Your credential for {title}"))
                .header(ContentType::TEXT_PLAIN)
                .body(body)
                .map_err(mail_error)?;
            self.transport.send(msg).await.map_err(mail_error)?;
            sent += 1;
        }
        Ok(sent)
    }

    /// Sends one plain-text mail (sign-in links, receipts). The body is
    /// never logged.
    pub async fn send(&self, to: &str, subject: &str, body: String) -> Result<()> {
        let to: Mailbox = to.parse().map_err(mail_error)?;
        let msg = Message::builder()
            .from(self.from.clone())
            .to(to)
            .subject(subject)
            .header(ContentType::TEXT_PLAIN)
            .body(body)
            .map_err(mail_error)?;
        self.transport.send(msg).await.map_err(mail_error)?;
        Ok(())
    }
}
