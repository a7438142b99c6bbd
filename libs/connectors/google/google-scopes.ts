/**
 * Every OAuth scope Custodian asks a Google Workspace admin to grant, and nothing more (least privilege,
 * pinned by a test): the Directory user scope (read users, set passwords, suspend / unsuspend; nothing
 * narrower sets a password) and the user security scope (users.signOut, OAuth tokens, app passwords).
 * No Gmail, Drive, Calendar, Groups, Org Units, billing or domain settings.
 */
export const GOOGLE_SCOPES = [
  'https://www.googleapis.com/auth/admin.directory.user',
  'https://www.googleapis.com/auth/admin.directory.user.security',
] as const;
