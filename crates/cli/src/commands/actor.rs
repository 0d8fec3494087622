//! Who acts: `--as USER` names a user of the organisation, whose role must allow the command.
//!
//! While an organisation has no users yet, the command line acts as the local operator (to set it
//! up). Once it has users, every change to its data needs `--as` with a role that may make it,
//! and approving a workspace needs a user with role `fg`. A user never acts on another
//! organisation's data: such a request answers "not found", as if the data did not exist.

use anyhow::{bail, Result};
use peil_model::{Role, Workspace};
use peil_store::Store;

use super::LOCAL_OPERATOR;
use crate::Context;

/// Returns the actor to record for an action on `organisation_id`, or an error when the acting
/// user may not take it.
pub fn authorize(
    store: &Store,
    context: &Context,
    organisation_id: i64,
    allowed_roles: &[Role],
    action: &str,
) -> Result<String> {
    let users = store.users(organisation_id)?;
    let Some(name) = context.acting_as.as_deref() else {
        if users.is_empty() {
            return Ok(LOCAL_OPERATOR.to_string());
        }
        bail!(
            "deze organisatie heeft gebruikers: handel als een van hen met --as NAAM / this organisation has users: act as one of them with --as NAME ({action})"
        );
    };
    let Some(user) = users.iter().find(|user| user.name == name) else {
        // Users of other organisations get the same answer as names that do not exist.
        bail!("niet gevonden / not found: user `{name}` in this organisation");
    };
    if !allowed_roles.contains(&user.role) {
        let allowed: Vec<&str> = allowed_roles.iter().map(|role| role.code()).collect();
        bail!(
            "rol {} mag dit niet ({action}); toegestaan: {} / role {} may not {action}; allowed: {}",
            user.role,
            allowed.join(", "),
            user.role,
            allowed.join(", ")
        );
    }
    Ok(format!("{} ({})", user.name, user.role))
}

/// The organisation whose data the acting user may see: `None` for the local operator (no
/// `--as`), the user's organisation otherwise. Lists are filtered to it.
pub fn visible_organisation(store: &Store, context: &Context) -> Result<Option<i64>> {
    let Some(name) = context.acting_as.as_deref() else {
        return Ok(None);
    };
    let organisations = store.organisations_of_user(name)?;
    match organisations.as_slice() {
        [only] => Ok(Some(*only)),
        [] => bail!("niet gevonden / not found: user `{name}`"),
        _ => bail!(
            "user name `{name}` exists in several organisations; ask an admin for a unique name"
        ),
    }
}

/// Looks up the workspace `name` (in `organisation`, when given) and checks that the acting user
/// may take `action` on it; returns the workspace and the actor to record.
pub fn authorize_workspace(
    store: &Store,
    context: &Context,
    name: &str,
    organisation: Option<&str>,
    allowed_roles: &[Role],
    action: &str,
) -> Result<(Workspace, String)> {
    let workspace = store.workspace(name, organisation)?;
    let actor = authorize(
        store,
        context,
        workspace.organisation_id,
        allowed_roles,
        action,
    )?;
    Ok((workspace, actor))
}
