/**
 * Every OAuth 2.0 (3LO) scope Custodian asks a Jira admin to grant, and nothing more (least privilege, pinned
 * by a test; a grant that differs is refused):
 *   read:jira-work       read issues, search (JQL), transitions, comments, changelog, attachments, issue properties
 *   write:jira-work      create and edit issues, transition them, comment, attach, set issue properties
 *   manage:jira-webhook  register, refresh and delete the dynamic webhooks that feed the sync
 *   read:jira-user       assignee mapping by email (GET /rest/api/3/user/search finds the accountId for an email;
 *                        read:jira-work only shows users already on an issue) and GET /rest/api/3/myself, the
 *                        app account's own accountId, which is how the sync recognises its own writes (no echo)
 *   offline_access       a refresh token, so syncs run without the admin present
 * No project or site administration, no delete, no Confluence, no granular scopes beyond these.
 */
export const JIRA_SCOPES = ['read:jira-work', 'write:jira-work', 'manage:jira-webhook', 'read:jira-user', 'offline_access'] as const;
