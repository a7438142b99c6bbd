import { GOOGLE_SCOPES } from '../../libs/connectors/google/google-scopes';

describe('Google OAuth scopes (least privilege)', () => {
  it('are exactly the Directory user scopes the connector uses', () => {
    expect([...GOOGLE_SCOPES]).toEqual([
      'https://www.googleapis.com/auth/admin.directory.user',
      'https://www.googleapis.com/auth/admin.directory.user.security',
    ]);
  });

  it.each(['gmail', 'drive', 'calendar', 'group', 'orgunit', 'billing', 'domain', 'cloud-platform', 'readonly'])(
    'include nothing touching %s',
    (word) => expect(GOOGLE_SCOPES.filter((scope) => scope.toLowerCase().includes(word))).toEqual([]),
  );
});
