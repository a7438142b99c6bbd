import { ConfigError } from '../../../libs/config/app-config';
import { loadSecurityDeskConfig } from '../../../libs/security/security-desk-config';

describe('security desk settings', () => {
  it('has working defaults for npm start', () => {
    expect(loadSecurityDeskConfig({})).toEqual({
      securityTeam: ['security@custodian.example'],
      escalation: ['security-escalation@custodian.example'],
      regulatorNotice: ['dpo@custodian.example'],
      contactPoint: 'Data Protection Officer, dpo@custodian.example',
      holidays: [],
      reportsPerMinute: 5,
    });
  });

  it('reads lists and the holiday calendar from the environment', () => {
    const config = loadSecurityDeskConfig({
      SECURITY_TEAM_EMAILS: 'a@sec.example, b@sec.example',
      SECURITY_HOLIDAYS: '2026-12-25,2026-12-24',
      SECURITY_REPORTS_PER_MINUTE: '20',
    });
    expect(config.securityTeam).toEqual(['a@sec.example', 'b@sec.example']);
    expect(config.holidays).toEqual(['2026-12-24', '2026-12-25']);
    expect(config.reportsPerMinute).toBe(20);
  });

  it.each([
    [{ SECURITY_ESCALATION_EMAILS: 'not-an-address' }, /SECURITY_ESCALATION_EMAILS holds "not-an-address"/],
    [{ SECURITY_HOLIDAYS: '25/12/2026' }, /SECURITY_HOLIDAYS holds "25\/12\/2026"; write UTC dates as YYYY-MM-DD/],
    [{ SECURITY_REPORTS_PER_MINUTE: '0' }, /SECURITY_REPORTS_PER_MINUTE must be an integer between 1 and 10000/],
  ])('stops with a clear message for %p', (env, message) => {
    expect(() => loadSecurityDeskConfig(env)).toThrow(ConfigError);
    expect(() => loadSecurityDeskConfig(env)).toThrow(message);
  });
});
