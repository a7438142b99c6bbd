import type { AccessChangeAction, AccessChangeInput } from '../libs/contracts';
import { google, GoogleOperationProgress } from './google-operation';

const DONE: Record<AccessChangeAction, string> = {
  suspend: 'suspended',
  unsuspend: 'unsuspended',
  sign_out: 'signed out of every session',
  revoke_app_access: 'third-party app grants and app passwords revoked',
};

/** Changes a Workspace user's access for a ticket (offboarding and the like), the actions in the order asked. */
export async function accessChangeWorkflow(input: AccessChangeInput) {
  const progress = new GoogleOperationProgress(input, 'access-change');
  return progress.run(async () => {
    await google.lookUpGoogleUser(input);
    await progress.advance('changing_access');
    const done: string[] = [];
    for (const action of input.actions) {
      if (action === 'suspend') await google.suspendGoogleUser(input);
      if (action === 'unsuspend') await google.unsuspendGoogleUser(input);
      if (action === 'sign_out') await google.signOutGoogleUser(input);
      if (action === 'revoke_app_access') {
        const revoked = await google.revokeGoogleAppAccess(input);
        done.push(`${DONE[action]} (${revoked.grantsRevoked} grants, ${revoked.appPasswordsRevoked} app passwords)`);
        continue;
      }
      done.push(DONE[action]);
    }
    return { step: 'completed', comment: `${input.userEmail}: ${done.join('; ')}.` };
  });
}
