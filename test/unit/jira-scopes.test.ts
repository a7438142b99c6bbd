import { JIRA_SCOPES } from '../../libs/connectors/jira/jira-scopes';

describe('Jira OAuth scopes (least privilege)', () => {
  it('are exactly the classic 3LO scopes the sync uses', () => {
    expect([...JIRA_SCOPES]).toEqual(['read:jira-work', 'write:jira-work', 'manage:jira-webhook', 'read:jira-user', 'offline_access']);
  });

  it.each(['manage:jira-project', 'manage:jira-configuration', 'manage:jira-data-provider', 'delete', 'confluence', 'read:me', 'admin'])('include nothing touching %s', (word) =>
    expect(JIRA_SCOPES.filter((scope) => scope.includes(word))).toEqual([]),
  );
});
