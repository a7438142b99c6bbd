import fc from 'fast-check';
import { adfToText, textToAdf, toCanonicalAdf } from '../../../libs/connectors/jira/adf';

// Shaped like what GET /rest/api/3/issue/{key} returns for a description edited in Jira's editor: node
// attributes (localId, layout, accessLevel, ...) as the editor writes them.
const incidentDescription = {
  type: 'doc',
  version: 1,
  content: [
    {
      type: 'panel',
      attrs: { panelType: 'warning' },
      content: [{ type: 'paragraph', content: [{ type: 'text', text: 'Affects all EU tenants since the 14:00 deploy.' }] }],
    },
    {
      type: 'paragraph',
      content: [
        { type: 'mention', attrs: { id: '5b10ac8d82e05b22cc7d4ef5', text: '@Jane Doe', accessLevel: '' } },
        { type: 'text', text: ' please check ' },
        { type: 'inlineCard', attrs: { url: 'https://acme.atlassian.net/browse/OPS-12' } },
        { type: 'text', text: ' ' },
        { type: 'emoji', attrs: { shortName: ':warning:', id: 'atlassian-warning', text: '⚠️' } },
      ],
    },
    {
      type: 'table',
      attrs: { isNumberColumnEnabled: false, layout: 'default', localId: 'a1b2c3' },
      content: [
        {
          type: 'tableRow',
          content: [
            { type: 'tableHeader', attrs: {}, content: [{ type: 'paragraph', content: [{ type: 'text', text: 'Host', marks: [{ type: 'strong' }] }] }] },
            { type: 'tableHeader', attrs: {}, content: [{ type: 'paragraph', content: [{ type: 'text', text: 'State', marks: [{ type: 'strong' }] }] }] },
          ],
        },
        {
          type: 'tableRow',
          content: [
            { type: 'tableCell', attrs: {}, content: [{ type: 'paragraph', content: [{ type: 'text', text: 'db-1' }] }] },
            { type: 'tableCell', attrs: { colspan: 1 }, content: [{ type: 'paragraph', content: [{ type: 'status', attrs: { text: 'DOWN', color: 'red', localId: 's1' } }] }] },
          ],
        },
      ],
    },
    {
      type: 'mediaSingle',
      attrs: { layout: 'center', width: 50 },
      content: [{ type: 'media', attrs: { id: '2f0e6c1a-4bd7-4c7a-9a43-3a1e2e9c0d11', type: 'file', collection: '', width: 800, height: 600, alt: 'screenshot.png' } }],
    },
    { type: 'paragraph', content: [{ type: 'text', text: 'Due ' }, { type: 'date', attrs: { timestamp: '1767225600000' } }] },
    {
      type: 'expand',
      attrs: { title: 'Logs' },
      content: [{ type: 'codeBlock', attrs: { language: 'text' }, content: [{ type: 'text', text: 'ERROR pool exhausted\nERROR retry 3/3' }] }],
    },
    {
      type: 'taskList',
      attrs: { localId: 't1' },
      content: [
        { type: 'taskItem', attrs: { localId: '1', state: 'DONE' }, content: [{ type: 'text', text: 'Fail over' }] },
        { type: 'taskItem', attrs: { localId: '2', state: 'TODO' }, content: [{ type: 'text', text: 'Post-mortem' }] },
      ],
    },
    {
      type: 'paragraph',
      content: [
        { type: 'text', text: 'underlined', marks: [{ type: 'underline' }] },
        { type: 'text', text: ' and ' },
        { type: 'text', text: 'red', marks: [{ type: 'textColor', attrs: { color: '#ff5630' } }, { type: 'strong' }] },
        { type: 'text', text: ' and ' },
        { type: 'text', text: 'the wiki', marks: [{ type: 'link', attrs: { href: 'https://wiki.acme.io/db', title: 'Wiki', __confluenceMetadata: null } }] },
      ],
    },
  ],
};

const incidentText = [
  '> **Warning**',
  '>',
  '> Affects all EU tenants since the 14:00 deploy.',
  '',
  '@Jane Doe please check https://acme.atlassian.net/browse/OPS-12 ⚠️',
  '',
  '**Host** | **State**',
  '',
  'db-1 | DOWN',
  '',
  '[attachment: screenshot.png]',
  '',
  'Due 2026-01-01',
  '',
  '**Logs**',
  '',
  '```text',
  'ERROR pool exhausted',
  'ERROR retry 3/3',
  '```',
  '',
  '- [x] Fail over',
  '- [ ] Post-mortem',
  '',
  'underlined and **red** and [the wiki](https://wiki.acme.io/db)',
].join('\n');

// A comment as Jira's editor saves it: a mention, hard breaks, an empty trailing paragraph, a nested list
// whose item starts with a heading (which ADF list items cannot really hold).
const comment = {
  version: 1,
  type: 'doc',
  content: [
    {
      type: 'paragraph',
      content: [
        { type: 'mention', attrs: { id: '712020:abc', text: 'Sam' } },
        { type: 'text', text: ' done, see steps:' },
        { type: 'hardBreak' },
        { type: 'text', text: 'code is ' },
        { type: 'text', text: 'svc.restart()', marks: [{ type: 'code' }, { type: 'strong' }] },
      ],
    },
    {
      type: 'orderedList',
      attrs: { order: 1 },
      content: [
        { type: 'listItem', content: [{ type: 'heading', attrs: { level: 2 }, content: [{ type: 'text', text: 'Drain' }] }] },
        { type: 'listItem', content: [{ type: 'paragraph', content: [{ type: 'text', text: 'Restart' }] }, { type: 'blockquote', content: [{ type: 'paragraph', content: [{ type: 'text', text: 'carefully' }] }] }] },
      ],
    },
    { type: 'paragraph', content: [] },
  ],
};

describe('ADF as Jira sends it', () => {
  it('reads a description with a panel, mention, card, emoji, table, media, date, expand and task list as readable text', () => {
    expect(adfToText(incidentDescription)).toBe(incidentText);
  });

  it('keeps what it read when the text goes back to Jira: the text converts to the canonical form of the original', () => {
    expect(textToAdf(adfToText(incidentDescription))).toEqual(toCanonicalAdf(incidentDescription));
  });

  it('reads a comment: mention without "@" gets one, code drops the bold ADF does not allow with it, list items hold only what ADF allows', () => {
    expect(adfToText(comment)).toBe(['@Sam done, see steps:', 'code is `svc.restart()`', '', '1. Drain', '2. Restart', '', '   carefully'].join('\n'));
  });

  it('reads plain strings (Jira API v2 and some custom fields) as Custodian text', () => {
    expect(adfToText('line one\r\nline two\n\n\n')).toBe('line one\nline two');
  });

  it('never throws, whatever JSON it is given', () => {
    fc.assert(
      fc.property(fc.anything({ withObjectString: true, withNullPrototype: true }), (value) => {
        expect(typeof adfToText(value)).toBe('string');
      }),
      { numRuns: 500 },
    );
  });

  it('reads a document nested 100,000 levels deep without exhausting the stack', () => {
    let node: Record<string, unknown> = { type: 'text', text: 'deep' };
    for (let level = 0; level < 100_000; level += 1) node = { type: level % 2 ? 'blockquote' : 'panel', content: [node] };
    expect(typeof adfToText({ type: 'doc', version: 1, content: [node] })).toBe('string');
  });

  // Random documents mixing every node Jira has with nonsense; bold, code and links are marked at random
  // (italic is left out: italic inside a word has no text form and is dropped on the way back).
  const nodeType = fc.constantFrom(
    'paragraph', 'heading', 'bulletList', 'orderedList', 'listItem', 'codeBlock', 'blockquote', 'rule', 'panel',
    'table', 'tableRow', 'tableCell', 'tableHeader', 'mediaSingle', 'media', 'mention', 'emoji', 'inlineCard',
    'date', 'status', 'expand', 'taskList', 'taskItem', 'hardBreak', 'text', 'layoutSection', 'extension', 'mystery',
  );
  const mark = fc.oneof(
    fc.constant({ type: 'strong' }),
    fc.constant({ type: 'code' }),
    fc.constant({ type: 'underline' }),
    fc.constantFrom('https://a.io/x', 'mailto:x@y.z', '/relative', 'https://a.io/(b)').map((href) => ({ type: 'link', attrs: { href } })),
  );
  const { node: jiraNode } = fc.letrec<{ node: unknown }>((tie) => ({
    node: fc.record(
      {
        type: nodeType,
        text: fc.string({ unit: fc.constantFrom(...'ab \n*_`[]()#->1.\\:h'.split('')), maxLength: 12 }),
        attrs: fc.record({ level: fc.integer({ min: -1, max: 8 }), order: fc.integer({ min: -2, max: 5 }), language: fc.constantFrom('js', 'bad lang', ''), text: fc.string({ maxLength: 5 }), url: fc.constantFrom('https://card.io', ''), panelType: fc.constantFrom('info', 'custom') }, { requiredKeys: [] }),
        marks: fc.array(mark, { maxLength: 3 }),
        content: fc.array(tie('node'), { maxLength: 3, depthIdentifier: 'adf' }),
      },
      { requiredKeys: ['type'] },
    ),
  }));

  it('for any document Jira could send, converting to text and back gives its canonical form', () => {
    fc.assert(
      fc.property(fc.array(jiraNode, { maxLength: 4 }), (content) => {
        const jiraDoc = { type: 'doc', version: 1, content };
        expect(textToAdf(adfToText(jiraDoc))).toEqual(toCanonicalAdf(jiraDoc));
      }),
      { numRuns: 1000 },
    );
  });
});
