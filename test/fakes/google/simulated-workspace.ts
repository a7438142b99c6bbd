import { createHash } from 'node:crypto';

/** A third-party app's OAuth grant as tokens.list shows it. */
export interface SimulatedUserToken {
  clientId: string;
  displayText: string;
  anonymous: boolean;
  nativeApp: boolean;
  scopes: string[];
}

/** An application-specific password as asps.list shows it. */
export interface SimulatedAsp {
  codeId: number;
  name: string;
  creationTime: string;
  lastTimeUsed: string;
}

/** A Workspace user: the Directory fields Google returns, plus what the simulator tracks about it. */
export interface SimulatedUser {
  id: string;
  primaryEmail: string;
  name: { givenName: string; familyName: string; fullName: string };
  isAdmin: boolean;
  isDelegatedAdmin: boolean;
  suspended: boolean;
  suspensionReason?: string;
  orgUnitPath: string;
  changePasswordAtNextLogin: boolean;
  isEnrolledIn2Sv: boolean;
  isEnforcedIn2Sv: boolean;
  customerId: string;
  creationTime: string;
  lastLoginTime: string;
  /** Simulator only: how often a password was set, and how often the user was signed out. */
  passwordSets: number;
  signOuts: number;
  tokens: SimulatedUserToken[];
  asps: SimulatedAsp[];
}

const SIMULATOR_ONLY = new Set(['passwordSets', 'signOuts', 'tokens', 'asps']);

/** The users resource as the Directory API returns it (no password, ever). */
export function userResource(user: SimulatedUser): Record<string, unknown> {
  const fields = Object.fromEntries(Object.entries(user).filter(([key]) => !SIMULATOR_ONLY.has(key)));
  return {
    kind: 'admin#directory#user',
    etag: etagOf(fields),
    ...fields,
    agreedToTerms: true,
    archived: false,
    ipWhitelisted: false,
    isMailboxSetup: true,
    includeInGlobalAddressList: true,
    emails: [{ address: user.primaryEmail, primary: true }],
  };
}

export function etagOf(value: unknown): string {
  return `"${createHash('sha256').update(JSON.stringify(value)).digest('base64url').slice(0, 27)}"`;
}

/**
 * A domain's users: a super admin, a delegated (helpdesk) admin, one suspended by Google for abuse, one
 * suspended by an admin, an ordinary user with third-party grants and an app password, and one in an org
 * unit meant for SSO.
 */
export function seedUsers(domain: string): SimulatedUser[] {
  const customerId = customerIdOf(domain);
  const user = (local: string, givenName: string, familyName: string, extra: Partial<SimulatedUser> = {}): SimulatedUser => ({
    id: `1${digits(`${local}@${domain}`, 20)}`,
    primaryEmail: `${local}@${domain}`,
    name: { givenName, familyName, fullName: `${givenName} ${familyName}` },
    isAdmin: false,
    isDelegatedAdmin: false,
    suspended: false,
    orgUnitPath: '/Staff',
    changePasswordAtNextLogin: false,
    isEnrolledIn2Sv: false,
    isEnforcedIn2Sv: false,
    customerId,
    creationTime: '2024-03-04T09:15:00.000Z',
    lastLoginTime: '2026-11-20T08:02:11.000Z',
    passwordSets: 0,
    signOuts: 0,
    tokens: [],
    asps: [],
    ...extra,
  });
  return [
    user('admin', 'Ada', 'Admin', { isAdmin: true, orgUnitPath: '/', isEnrolledIn2Sv: true, isEnforcedIn2Sv: true }),
    user('helpdesk', 'Hal', 'Desk', { isDelegatedAdmin: true, orgUnitPath: '/IT', isEnrolledIn2Sv: true }),
    user('mallory', 'Mallory', 'Spammer', { suspended: true, suspensionReason: 'ABUSE' }),
    user('olly', 'Olly', 'Leaver', { suspended: true, suspensionReason: 'ADMIN' }),
    user('jane', 'Jane', 'Doe', {
      tokens: [
        { clientId: '407408718192.apps.googleusercontent.com', displayText: 'Acme CRM', anonymous: false, nativeApp: false, scopes: ['openid', 'https://www.googleapis.com/auth/calendar'] },
        { clientId: '1070009224336-sdh77n.apps.googleusercontent.com', displayText: 'Mail sync for macOS', anonymous: false, nativeApp: true, scopes: ['https://mail.google.com/'] },
      ],
      asps: [{ codeId: 1, name: 'Thunderbird on laptop', creationTime: '1717236000000', lastTimeUsed: '1763600000000' }],
    }),
    user('sam', 'Sam', 'Federated', { orgUnitPath: '/Federated' }),
  ];
}

/** The Google customer id of the Workspace whose primary domain this is (Google's look: C0 and 7 characters). */
export function customerIdOf(domain: string): string {
  return `C0${digits(`customer:${domain.toLowerCase()}`, 7)}`;
}

/** Stable pseudo-random digits, so ids look like Google's and stay the same across runs. */
function digits(seed: string, count: number): string {
  const hex = createHash('sha256').update(seed).digest('hex');
  return BigInt(`0x${hex}`).toString().slice(0, count).padStart(count, '0');
}
