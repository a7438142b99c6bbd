import { assertAcceptablePassword } from '../../../apps/api/src/users/password-policy';
import { hashPassword, verifyPassword } from '../../../apps/api/src/users/password-hasher';

describe('password policy and hashing', () => {
  it('refuses fewer than 12 characters, counting characters rather than UTF-16 units', () => {
    expect(() => assertAcceptablePassword('eleven-char')).toThrow('at least 12 characters');
    expect(() => assertAcceptablePassword('🔒🔒🔒🔒🔒🔒')).toThrow('at least 12 characters');
    expect(() => assertAcceptablePassword('twelve-chars')).not.toThrow();
  });

  it('refuses passwords on the shipped common-password list, whatever their case', () => {
    for (const common of ['passwordpassword', '123456789012', 'QWERTYUIOPASDFGHJKL'.toLowerCase(), 'PasswordPassword']) {
      expect(() => assertAcceptablePassword(common)).toThrow('commonly used');
    }
    expect(() => assertAcceptablePassword('plum-orbit-lantern-42')).not.toThrow();
  });

  it('hashes with Argon2id at OWASP parameters (m=19 MiB, t=2, p=1) and verifies', async () => {
    const hash = await hashPassword('plum-orbit-lantern-42');
    expect(hash).toMatch(/^\$argon2id\$v=19\$m=19456,t=2,p=1\$/);
    expect(hash).not.toContain('plum-orbit-lantern-42');
    await expect(verifyPassword(hash, 'plum-orbit-lantern-42')).resolves.toBe(true);
    await expect(verifyPassword(hash, 'plum-orbit-lantern-43')).resolves.toBe(false);
    await expect(verifyPassword(null, 'plum-orbit-lantern-42')).resolves.toBe(false);
  });
});
