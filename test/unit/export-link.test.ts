import { ExportLinkSigner } from '../../apps/api/src/exports/export-link';

const claims = { tenantId: '7a1f4c3e-1111-4222-8333-944455556666', exportId: '0b7f6e2a-aaaa-4bbb-8ccc-ddddeeeeffff', expiresAt: 2_000_000_000 };

describe('export download links', () => {
  const signer = new ExportLinkSigner('x'.repeat(43));

  it('verifies its own link until it expires', () => {
    const token = signer.sign(claims);
    expect(signer.verify(token, claims.expiresAt - 1)).toEqual({ ok: true, claims });
    expect(signer.verify(token, claims.expiresAt)).toEqual({ ok: false, reason: 'expired' });
  });

  it('refuses a link with changed claims, another key or no signature', () => {
    const token = signer.sign(claims);
    const [, mac] = token.split('.');
    const otherExport = signer.sign({ ...claims, exportId: '11111111-2222-4333-8444-555555555555' }).split('.')[0];
    expect(signer.verify(`${otherExport}.${mac}`, 0)).toEqual({ ok: false, reason: 'invalid' });
    expect(new ExportLinkSigner('y'.repeat(43)).verify(token, 0)).toEqual({ ok: false, reason: 'invalid' });
    expect(signer.verify(token.split('.')[0]!, 0)).toEqual({ ok: false, reason: 'invalid' });
    expect(signer.verify('', 0)).toEqual({ ok: false, reason: 'invalid' });
  });
});
