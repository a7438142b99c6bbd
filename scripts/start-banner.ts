/** What `npm start` prints once everything is up. */
export interface StartBannerOptions {
  apiUrl: string;
  codecUrl: string;
  temporalAddress: string;
  temporalUiUrl?: string;
  demo: { tenantId: string; adminApiKey: string };
  /** The demo tenant's Workspace domain (the simulator's users live there). */
  domain: string;
  /** The Jira project the demo tenant syncs with on the built-in simulator; absent with a real Atlassian app. */
  jiraProject?: string;
}

/** The banner: addresses, where the keys are, and a first ticket and password reset to paste into a shell. */
export function startBanner(options: StartBannerOptions): string {
  const { apiUrl, codecUrl, demo } = options;
  return `
  Custodian is running. Ctrl-C stops everything.

    API            ${apiUrl}
    API docs       ${apiUrl}/docs
    Temporal       ${options.temporalAddress}   (TEMPORAL_ADDRESS for the CLI and \`npm run keys:rotate -- --retire\`)
    Temporal UI    ${options.temporalUiUrl ?? '(not started: TEMPORAL_ADDRESS points at an existing cluster)'}
    UI codec       sign in at ${codecUrl}/session with the operator key in .data/dev-credentials.json,
                   then open the Temporal UI above in the same browser to see decrypted payloads
    Demo tenant    ${demo.tenantId}   (its page: ${apiUrl}/tenant/)
    Demo API key   ${demo.adminApiKey}   (role admin; also in .data/dev-credentials.json)
    Report a vuln  ${apiUrl}/security-report

  Try it: paste these lines into bash (or zsh). The first opens a ticket and keeps its ref in REF; the others act on it.
${tryItCommands(options)
  .split('\n')
  .map((line) => `    ${line}`)
  .join('\n')}

  The last line shows the reset's state; once it is COMPLETED, temporaryPassword.url is the one-time link to the
  password (POST to it, or open it in a browser). demo.example also has admin@ (an administrator: the reset waits
  for a manager's approval), mallory@ (suspended for abuse) and olly@ (suspended by an admin).

  The tenant console is for people, not keys: this line invites you as the demo tenant's admin and prints your
  invitation link; open it, choose a password (12 characters or more) and sign in as tenant "demo".
${consoleInvitationCommand(options)
  .split('\n')
  .map((line) => `    ${line}`)
  .join('\n')}
${options.jiraProject ? jiraSyncLines(options, options.jiraProject) : ''}`;
}

function jiraSyncLines(options: Pick<StartBannerOptions, 'apiUrl' | 'demo'>, project: string): string {
  return `
  Jira sync: the demo tenant syncs project ${project} of the simulated Jira site both ways. Each ${project} issue became a
  ticket (GET /v1/tickets/CT-…; its /changes name source jira), and a PATCH of a ticket goes to its issue. Its state:
    ${jiraSyncStatusCommand(options)}
`;
}

/** One shell line that prints the demo tenant's Jira sync status (issues linked, watermark, last error). */
export function jiraSyncStatusCommand(options: Pick<StartBannerOptions, 'apiUrl' | 'demo'>): string {
  return `curl -s ${options.apiUrl}/v1/jira/sync-status -H 'Authorization: Bearer ${options.demo.adminApiKey}'; echo`;
}

/** One shell line that invites a person as the demo tenant's admin and prints the console link to accept it. */
export function consoleInvitationCommand(options: Pick<StartBannerOptions, 'apiUrl' | 'demo' | 'domain'>): string {
  return [
    `curl -s -X POST ${options.apiUrl}/v1/users/invitations -H 'Authorization: Bearer ${options.demo.adminApiKey}' -H 'Content-Type: application/json' \\`,
    `  -d '{"email":"you-'"$(date +%s)"'@${options.domain}","displayName":"You","role":"admin"}' | grep -o '"invitationToken":"[^"]*"' | cut -d'"' -f4 | sed 's|^|${options.apiUrl}/tenant/#invitation=|'`,
  ].join('\n');
}

/**
 * The banner's shell lines, each complete: the API's absolute URL and the Authorization header on every curl,
 * the ticket's ref taken from the first answer (no jq needed), so they act on the ticket just opened.
 */
export function tryItCommands(options: Pick<StartBannerOptions, 'apiUrl' | 'demo' | 'domain'>): string {
  const auth = `-H 'Authorization: Bearer ${options.demo.adminApiKey}'`;
  const json = `-H 'Content-Type: application/json'`;
  const user = `jane@${options.domain}`;
  return [
    `REF=$(curl -s -X POST ${options.apiUrl}/v1/tickets ${auth} ${json} -H "Idempotency-Key: demo-$(date +%s)" \\`,
    `  -d '{"type":"password_reset","summary":"Cannot sign in","requester":"${user}","priority":"high"}' | grep -o '"ref":"CT-[0-9]*"' | head -n 1 | cut -d'"' -f4); echo "ticket $REF"`,
    `curl -s -X POST ${options.apiUrl}/v1/password-resets ${auth} ${json} -d '{"ticketRef":"'"$REF"'","userEmail":"${user}","signOut":true}'; echo`,
    `curl -s ${options.apiUrl}/v1/password-resets/$REF ${auth}; echo`,
  ].join('\n');
}
