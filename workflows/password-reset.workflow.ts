import { condition, setHandler, workflowInfo } from '@temporalio/workflow';
import { APPROVAL_TIMEOUT_MS, APPROVER_ROLES, approvePasswordResetUpdate, type PasswordResetInput } from '../libs/contracts';
import { google, GoogleOperationProgress, type GoogleOperationConclusion } from './google-operation';

/**
 * Resets a Workspace user's password for a ticket: the user must exist in the tenant's domain; a user who
 * signs in through the tenant's identity provider (SSO) is refused before anything is touched, since Google
 * would neither use the password nor apply change-at-next-login; an administrator's reset waits up to 24 hours
 * for a manager's or admin's approval (not the requester's own); the temporary password is made and set inside
 * one activity (never in this history), always with change-at-next-login; optionally the user's sessions end;
 * the ticket is resolved with a comment that says what Google will ask of the user.
 */
export async function passwordResetWorkflow(input: PasswordResetInput) {
  const progress = new GoogleOperationProgress(input, 'password-reset');
  progress.acceptCancellation();
  let approvedBy: string | undefined;
  setHandler(
    approvePasswordResetUpdate,
    (decision) => {
      approvedBy = decision.decidedBy;
      progress.state.approvedBy = decision.decidedBy;
      return progress.snapshot();
    },
    {
      validator: (decision) => {
        progress.assertSameTenant(decision);
        if (!APPROVER_ROLES.includes(decision.role)) throw new Error(`a reset of an administrator needs a manager or admin; role ${decision.role} cannot approve`);
        if (decision.deciderId === input.requesterId) throw new Error('the requester cannot approve their own request');
        if (progress.state.step !== 'awaiting_approval' || approvedBy) throw new Error(`there is nothing to approve: this request is ${progress.state.step}`);
        if (progress.cancelledBy) throw new Error(`this request was cancelled by ${progress.cancelledBy}`);
      },
    },
  );

  return progress.run(async (): Promise<GoogleOperationConclusion> => {
    const user = await google.lookUpGoogleUser(input);
    progress.state.signIn = user.signIn;
    if (user.signIn === 'sso') {
      await progress.audit('google.password_reset.refused', 'failure', 'system', { reason: 'signs_in_through_sso', orgUnitPath: user.orgUnitPath });
      progress.refuse(
        `${input.userEmail} signs in through this tenant's identity provider (SSO, org unit ${user.orgUnitPath}), so Google would not use a new Google password or ask for a change at next sign-in; the password was not changed. Reset it at the identity provider.`,
      );
    }
    if (user.isAdmin || user.isDelegatedAdmin) {
      progress.enter('awaiting_approval');
      progress.state.approvalDeadline = new Date(Date.now() + APPROVAL_TIMEOUT_MS).toISOString();
      await progress.audit('google.password_reset.approval_requested', 'pending', input.requestedBy, { deadline: progress.state.approvalDeadline });
      await progress.ticket('in_progress', `${input.userEmail} is a Workspace administrator: a manager or admin must approve this reset by ${progress.state.approvalDeadline}.`);
      const decided = await condition(() => approvedBy !== undefined || progress.cancelledBy !== null, APPROVAL_TIMEOUT_MS);
      if (!decided) {
        await progress.audit('google.password_reset.approval_expired', 'failure', 'system', { deadline: progress.state.approvalDeadline });
        return { step: 'expired', comment: 'No approval arrived within 24 hours; the password was not reset.' };
      }
      if (progress.cancelledBy) {
        await progress.audit('google.password_reset.cancelled', 'success', progress.cancelledBy);
        return { step: 'cancelled', comment: `Cancelled by ${progress.cancelledBy} before approval; the password was not reset.` };
      }
      await progress.audit('google.password_reset.approved', 'success', approvedBy!);
    }
    await progress.advance('setting_password');
    const { secretId } = await google.setTemporaryPassword({ ...input, workflowId: workflowInfo().workflowId });
    progress.state.secretId = secretId;
    if (input.signOut) {
      await progress.advance('signing_out');
      await google.signOutGoogleUser(input);
    }
    // 'undeclared': nobody told Custodian which org units sign in through SSO, so the promise is conditional.
    const undeclared = user.signIn === 'undeclared';
    return {
      step: 'completed',
      comment:
        `Temporary password set; ${input.userEmail} must change it at next sign-in${undeclared ? ' if they sign in with Google' : ''}${input.signOut ? ' and was signed out of every session' : ''}.` +
        (undeclared ? " This tenant has not declared which org units sign in through an identity provider, where change-at-next-login does not apply." : '') +
        " The one-time link is shown to this ticket's handlers on the reset's status page.",
    };
  });
}
