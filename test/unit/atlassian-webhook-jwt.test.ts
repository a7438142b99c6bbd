import { createHmac } from 'node:crypto';
import { verifyAtlassianWebhookJwt } from '../../libs/connectors/jira/atlassian-webhook-jwt';
import { Secret } from '../../libs/crypto/secret';
import { SimulatedClock } from '../../test/fakes/jira/simulated-clock';
import { SimulatedJiraWebhooks } from '../../test/fakes/jira/simulated-jira-webhooks';

const SECRET = new Secret('ATOA-app-client-secret');
const encode = (value: unknown) => Buffer.from(JSON.stringify(value)).toString('base64url');

describe('Atlassian webhook JWT', () => {
  const clock = new SimulatedClock();
  const deliveries = new SimulatedJiraWebhooks(clock, SECRET.reveal(), () => {
    throw new Error('no payloads here');
  }, { maxRetries: 0, delayMs: 0 });

  it('accepts what Jira (the simulator) signs with the app secret', () => {
    expect(verifyAtlassianWebhookJwt(deliveries.bearerFor('cloud-1'), SECRET)).toMatchObject({ valid: true, claims: { iss: 'cloud-1' } });
  });

  it('refuses another secret, a tampered payload, alg none, an expired token and no token', () => {
    const genuine = deliveries.bearerFor('cloud-1');
    expect(verifyAtlassianWebhookJwt(genuine, new Secret('someone-else'))).toEqual({ valid: false, reason: 'bad signature' });
    const [header, , signature] = genuine.slice('Bearer '.length).split('.');
    expect(verifyAtlassianWebhookJwt(`Bearer ${header}.${encode({ iss: 'cloud-2' })}.${signature}`, SECRET)).toEqual({ valid: false, reason: 'bad signature' });
    const unsigned = `${encode({ alg: 'none', typ: 'JWT' })}.${encode({ iss: 'cloud-1' })}`;
    expect(verifyAtlassianWebhookJwt(`Bearer ${unsigned}.${Buffer.from('x').toString('base64url')}`, SECRET)).toMatchObject({ valid: false, reason: 'algorithm none is not accepted' });
    const stale = `${encode({ alg: 'HS256', typ: 'JWT' })}.${encode({ exp: Math.floor(Date.now() / 1000) - 3600 })}`;
    const staleToken = `Bearer ${stale}.${createHmac('sha256', SECRET.reveal()).update(stale).digest('base64url')}`;
    expect(verifyAtlassianWebhookJwt(staleToken, SECRET)).toEqual({ valid: false, reason: 'expired' });
    expect(verifyAtlassianWebhookJwt(undefined, SECRET)).toEqual({ valid: false, reason: 'no bearer JWT' });
  });
});
