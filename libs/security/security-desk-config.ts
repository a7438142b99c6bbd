import { ConfigError } from '../config/app-config';
import { HOLIDAY_PATTERN } from '../contracts/business-calendar';

/** Who the security desk tells what, and its business calendar; the same names in every setting. */
export interface SecurityDeskConfig {
  /** New vulnerability reports and acknowledgement reminders (SECURITY_TEAM_EMAILS). */
  securityTeam: string[];
  /** The second escalation contact for breaches and missed acknowledgements (SECURITY_ESCALATION_EMAILS). */
  escalation: string[];
  /** Receives each breach's Art. 33(3) record to file with the supervisory authority (REGULATOR_NOTICE_EMAILS). */
  regulatorNotice: string[];
  /** The contact point named in breach notices, Art. 33(3)(b) (BREACH_CONTACT_POINT). */
  contactPoint: string;
  /** UTC dates (YYYY-MM-DD) that are not business days (SECURITY_HOLIDAYS). */
  holidays: string[];
  /** Reports accepted per client address per minute on the public endpoint (SECURITY_REPORTS_PER_MINUTE). */
  reportsPerMinute: number;
}

type Env = Record<string, string | undefined>;

const EMAIL = /^[^\s@<>,]+@[^\s@<>,]+\.[^\s@<>,]+$/;

/** Defaults suit `npm start`, where notices land in the outbox tables. */
export function loadSecurityDeskConfig(env: Env = process.env): SecurityDeskConfig {
  return {
    securityTeam: emails(env, 'SECURITY_TEAM_EMAILS', 'security@custodian.example'),
    escalation: emails(env, 'SECURITY_ESCALATION_EMAILS', 'security-escalation@custodian.example'),
    regulatorNotice: emails(env, 'REGULATOR_NOTICE_EMAILS', 'dpo@custodian.example'),
    contactPoint: env.BREACH_CONTACT_POINT?.trim() || 'Data Protection Officer, dpo@custodian.example',
    holidays: holidays(env, 'SECURITY_HOLIDAYS'),
    reportsPerMinute: perMinute(env, 'SECURITY_REPORTS_PER_MINUTE', 5),
  };
}

function list(env: Env, name: string): string[] {
  return (env[name] ?? '').split(',').map((item) => item.trim()).filter(Boolean);
}

function emails(env: Env, name: string, fallback: string): string[] {
  const values = list(env, name);
  const bad = values.find((value) => !EMAIL.test(value));
  if (bad !== undefined) throw new ConfigError(`${name} holds "${bad}", which is not an email address`);
  return values.length > 0 ? values : [fallback];
}

function holidays(env: Env, name: string): string[] {
  const values = list(env, name);
  const bad = values.find((value) => !HOLIDAY_PATTERN.test(value));
  if (bad !== undefined) throw new ConfigError(`${name} holds "${bad}"; write UTC dates as YYYY-MM-DD, comma-separated`);
  return [...new Set(values)].sort();
}

function perMinute(env: Env, name: string, fallback: number): number {
  const raw = env[name];
  if (raw === undefined || raw === '') return fallback;
  const value = Number(raw);
  if (!Number.isInteger(value) || value < 1 || value > 10_000) {
    throw new ConfigError(`${name} must be an integer between 1 and 10000; got "${raw}"`);
  }
  return value;
}
