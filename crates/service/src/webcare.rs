//! The webcare inbox: messages addressed to the organisation's own accounts in a
//! `communication_webcare` workspace, each with the link needed to answer it at the source
//! (DESIGN.md invariant 1's one exception, invariant 6).
//!
//! Only the `webcare` role sees the inbox and its links, and only of its own organisation (another
//! organisation's workspace answers "not found"). The FG does not see the links or the messages:
//! its oversight is the audit log, where every view (with the number of messages shown) and every
//! change of status (with its why note) is recorded. Analysts and admins never see the inbox.

use peil_model::Purpose;
use peil_store::{WebcareMessage, WebcareStatus};
use serde::Serialize;

use crate::operation::Operation;
use crate::{object_of, Actor, Service, ServiceError};

/// Messages per page of the inbox.
pub const WEBCARE_PAGE_SIZE: usize = 25;

/// One page of a workspace's webcare inbox, newest first.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct WebcareInbox {
    pub organisation: String,
    pub workspace: String,
    pub workspace_id: i64,
    /// 1-based page number.
    pub page: usize,
    pub page_size: usize,
    /// Messages in the inbox (every status).
    pub total: u64,
    /// Messages still open.
    pub open: u64,
    pub messages: Vec<WebcareMessage>,
}

fn not_a_webcare_workspace() -> ServiceError {
    ServiceError::InvalidInput(
        "deze werkruimte heeft niet het doel webcare / this workspace does not have the webcare purpose"
            .to_string(),
    )
}

impl Service {
    /// Page `page` (1-based) of the inbox of webcare workspace `workspace`, with the answer links
    /// opened (role `webcare` only; audited with the number of messages shown).
    pub fn view_webcare_inbox(
        &mut self,
        actor: &Actor,
        workspace: &str,
        organisation: Option<&str>,
        page: usize,
    ) -> Result<WebcareInbox, ServiceError> {
        let operation = Operation::ViewWebcareInbox;
        let found = self.workspace_for(actor, operation, workspace, organisation)?;
        let page = page.max(1);
        self.perform_on_data(
            actor,
            operation,
            Some(found.organisation_id),
            &object_of("workspace", &found.name),
            |stores, _| {
                if found.purpose != Purpose::CommunicationWebcare {
                    return Err(not_a_webcare_workspace());
                }
                let offset = (page - 1).saturating_mul(WEBCARE_PAGE_SIZE);
                let listed = stores.webcare_messages(found.id, WEBCARE_PAGE_SIZE, offset)?;
                let organisation = stores.control.organisation_by_id(found.organisation_id)?;
                Ok(WebcareInbox {
                    organisation: organisation.name,
                    workspace: found.name.clone(),
                    workspace_id: found.id,
                    page,
                    page_size: WEBCARE_PAGE_SIZE,
                    total: listed.total,
                    open: listed.open,
                    messages: listed.messages,
                })
            },
            |inbox| {
                Some(format!(
                    "page {} shown {} of {} ({} open)",
                    inbox.page,
                    inbox.messages.len(),
                    inbox.total,
                    inbox.open
                ))
            },
        )
    }

    /// Marks message `message_id` of webcare workspace `workspace` answered or closed (role
    /// `webcare` only), with a why note kept in the audit entry.
    pub fn mark_webcare_message(
        &mut self,
        actor: &Actor,
        workspace: &str,
        organisation: Option<&str>,
        message_id: i64,
        status: WebcareStatus,
        why: &str,
    ) -> Result<(), ServiceError> {
        let operation = Operation::MarkWebcareMessage;
        let found = self.workspace_for(actor, operation, workspace, organisation)?;
        let why = why.trim().to_string();
        let detail = format!("message:{message_id} status:{} why:{why}", status.code());
        self.perform_on_data(
            actor,
            operation,
            Some(found.organisation_id),
            &format!("{} message:{message_id}", object_of("workspace", &found.name)),
            |stores, _| {
                if found.purpose != Purpose::CommunicationWebcare {
                    return Err(not_a_webcare_workspace());
                }
                if status == WebcareStatus::Open {
                    return Err(ServiceError::InvalidInput(
                        "een bericht wordt beantwoord of gesloten / a message is marked answered or closed"
                            .to_string(),
                    ));
                }
                if why.is_empty() {
                    return Err(ServiceError::InvalidInput(
                        "geef een reden op / give a why note".to_string(),
                    ));
                }
                stores.set_webcare_status(found.id, message_id, status, chrono::Utc::now())?;
                Ok(())
            },
            |_| Some(detail),
        )
    }
}
