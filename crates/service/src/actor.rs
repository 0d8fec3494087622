//! Who acts, and whether the role table lets them.
//!
//! While an organisation has no users yet, the command line acts as the local operator (to set it
//! up). Once it has users, every operation on its data needs a named user whose role the
//! operation's row allows. A user never acts on another organisation's data: lookups are scoped to
//! the user's organisation, so such requests answer "not found". This module must never grant an
//! operation that the table in `operation.rs` does not list.

use peil_model::User;
use peil_store::Store;

use crate::operation::{Operation, Reach};
use crate::ServiceError;

/// The actor recorded for the local operator (no `--as`).
pub const LOCAL_OPERATOR: &str = "local-operator";

/// Who performs an operation.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Actor {
    /// Whoever runs `peil` on the machine that holds the data directory, without naming a user.
    LocalOperator,
    /// A user of one organisation, with one role.
    User(User),
}

impl Actor {
    /// The actor as recorded in change notes and the audit log: `name (role)`.
    pub fn label(&self) -> String {
        match self {
            Actor::LocalOperator => LOCAL_OPERATOR.to_string(),
            Actor::User(user) => format!("{} ({})", user.name, user.role),
        }
    }

    /// The actor as recorded in the audit log: the internal user id and role (never a name that
    /// could be an e-mail address), or `local-operator`.
    pub fn audit_label(&self) -> String {
        match self {
            Actor::LocalOperator => LOCAL_OPERATOR.to_string(),
            Actor::User(user) => format!("user:{} ({})", user.id, user.role),
        }
    }

    /// The organisation a user belongs to; `None` for the local operator.
    pub fn organisation_id(&self) -> Option<i64> {
        match self {
            Actor::LocalOperator => None,
            Actor::User(user) => Some(user.organisation_id),
        }
    }
}

impl crate::Service {
    /// Resolves a user name (`None`: the local operator).
    pub fn actor(&self, name: Option<&str>) -> Result<Actor, ServiceError> {
        let Some(name) = name else {
            return Ok(Actor::LocalOperator);
        };
        let organisations = self.store.organisations_of_user(name)?;
        let [organisation_id] = organisations.as_slice() else {
            if organisations.is_empty() {
                return Err(ServiceError::NotFound {
                    what: "user",
                    name: name.to_string(),
                });
            }
            return Err(ServiceError::InvalidInput(format!(
                "de gebruikersnaam `{name}` bestaat in meerdere organisaties; vraag een beheerder om een unieke naam / user name `{name}` exists in several organisations"
            )));
        };
        let user = self
            .store
            .users(*organisation_id)?
            .into_iter()
            .find(|user| user.name == name)
            .ok_or_else(|| ServiceError::NotFound {
                what: "user",
                name: name.to_string(),
            })?;
        Ok(Actor::User(user))
    }
}

/// Checks `actor` against the role table for `operation` on `organisation_id`.
pub(crate) fn authorize(
    store: &Store,
    actor: &Actor,
    operation: Operation,
    organisation_id: Option<i64>,
) -> Result<(), ServiceError> {
    match actor {
        Actor::LocalOperator => {
            if operation.reach() == Reach::Installation {
                return Ok(());
            }
            let Some(organisation_id) = organisation_id else {
                // Listing across the installation: the operator of the machine.
                return Ok(());
            };
            if store.users(organisation_id)?.is_empty() {
                return Ok(());
            }
            Err(ServiceError::ActorRequired {
                operation: operation.code(),
            })
        }
        Actor::User(user) => {
            if operation.reach() == Reach::Organisation {
                if let Some(target) = organisation_id {
                    if target != user.organisation_id {
                        return Err(ServiceError::NotFound {
                            what: "organisation",
                            name: target.to_string(),
                        });
                    }
                }
            }
            if operation.allowed_roles().contains(&user.role) {
                return Ok(());
            }
            let allowed: Vec<&str> = operation
                .allowed_roles()
                .iter()
                .map(|role| role.code())
                .collect();
            let allowed_text = if allowed.is_empty() {
                "alleen de lokale beheerder / only the local operator".to_string()
            } else {
                allowed.join(", ")
            };
            Err(ServiceError::Forbidden(format!(
                "rol {role} mag dit niet ({operation}); toegestaan: {allowed_text} / role {role} may not {operation}; allowed: {allowed_text}",
                role = user.role,
                operation = operation.code(),
            )))
        }
    }
}
