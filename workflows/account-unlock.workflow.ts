import type { GoogleOperationInput } from '../libs/contracts';
import { google, GoogleOperationProgress } from './google-operation';

/** Lifts a Workspace user's suspension for a ticket; one Google suspended for abuse stays suspended. */
export async function accountUnlockWorkflow(input: GoogleOperationInput) {
  const progress = new GoogleOperationProgress(input, 'account-unlock');
  return progress.run(async () => {
    const user = await google.lookUpGoogleUser(input);
    if (!user.suspended) return { step: 'completed', comment: `${input.userEmail} was not suspended; nothing to unlock.` };
    await progress.advance('unsuspending');
    await google.unsuspendGoogleUser(input);
    return { step: 'completed', comment: `${input.userEmail} is no longer suspended (was: ${user.suspensionReason ?? 'unspecified'}).` };
  });
}
