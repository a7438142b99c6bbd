import fc from 'fast-check';
import {
  AdfBlock,
  AdfBlockquoteChild,
  AdfCodeBlock,
  AdfDocument,
  AdfInline,
  AdfListItem,
  AdfListItemChild,
  AdfMark,
  AdfParagraph,
} from '../../../libs/connectors/jira/adf';

// Random documents in the supported subset, built as ADF in canonical form: text runs with merged marks in
// the order link, strong, em, code; lines that neither start nor end with whitespace; bold and italic set
// apart by spaces (italic inside a word cannot be written); empty paragraphs only first in a list item.

type Run = { text: string; marks: AdfMark[] };

const SPECIAL_TEXT = [
  '- ', '1. ', '# ', '> ', '```', '---', '***', '\\', '**', '*', '_x_', '__', '[a](https://b.c)', '`', '``',
  'https://q.io/x', 'http://', 'a_b_c', '\\*', '\\q', ']', '[', '(', ')', ':', 'h', '2 * 3', 'C:\\Users',
  '<b>', '#tag', '1.', '-', '>',
];
const plainCharacter = fc.constantFrom(...'abcxyzABC019 .,;:!?()[]<>#-+=*_`\\/@éü日'.split(''));
const plainText = fc.oneof(
  fc.string({ unit: plainCharacter, minLength: 1, maxLength: 8 }),
  fc.constantFrom(...SPECIAL_TEXT),
);
const word = fc.stringMatching(/^[A-Za-z0-9][A-Za-z0-9 ]{0,6}[A-Za-z0-9]$|^[A-Za-z0-9]$/);
const codeText = fc.string({ unit: fc.constantFrom(...'ab `*_[]\\ '.split('')), minLength: 1, maxLength: 6 });
const href = fc.constantFrom(
  'https://example.com/a',
  'https://example.com/wiki/Foo_(bar)',
  'mailto:someone@example.com',
  'https://example.com/search?q=a b',
  'http://x.io',
);
const bareUrl = fc.constantFrom('https://example.com/a', 'http://x.io/path/to', 'https://jira.example.net/browse/ABC-12');

const strong: AdfMark = { type: 'strong' };
const em: AdfMark = { type: 'em' };
const code: AdfMark = { type: 'code' };
const link = (url: string): AdfMark => ({ type: 'link', attrs: { href: url } });

/** One marked piece of a line, as runs (a link or bold span may cover several). */
const markedPiece: fc.Arbitrary<Run[]> = fc.oneof(
  word.map((text) => [{ text, marks: [strong] }]),
  word.map((text) => [{ text, marks: [em] }]),
  word.map((text) => [{ text, marks: [strong, em] }]),
  codeText.map((text) => [{ text, marks: [code] }]),
  bareUrl.map((url) => [{ text: url, marks: [link(url)] }]),
  fc.tuple(href, word, word).map(([url, a, b]) => [{ text: `${a} `, marks: [link(url)] }, { text: b, marks: [link(url), strong] }]),
  fc.tuple(href, codeText).map(([url, text]) => [{ text, marks: [link(url), code] }]),
  fc.tuple(href, word).map(([url, text]) => [{ text, marks: [link(url), em] }]),
  fc.tuple(word, word).map(([a, b]) => [{ text: `${a} `, marks: [strong] }, { text: b, marks: [strong, em] }]),
);

const line: fc.Arbitrary<Run[]> = fc
  .array(fc.oneof(plainText.map((text): Run[] => [{ text, marks: [] }]), markedPiece), { minLength: 1, maxLength: 4 })
  .map((pieces) => canonicalRuns(pieces.flatMap((piece, index) => (index > 0 ? [{ text: ' ', marks: [] }, ...piece] : piece))))
  .filter((runs) => runs.length > 0);

function canonicalRuns(runs: Run[]): Run[] {
  const merged: Run[] = [];
  for (const run of runs) {
    const last = merged[merged.length - 1];
    if (last && JSON.stringify(last.marks) === JSON.stringify(run.marks)) last.text += run.text;
    else merged.push({ text: run.text, marks: run.marks });
  }
  const first = merged[0];
  if (first && first.marks.length === 0) first.text = first.text.trimStart();
  const last = merged[merged.length - 1];
  if (last && last.marks.length === 0) last.text = last.text.trimEnd();
  return merged.filter((run) => run.text !== '');
}

function inline(lines: Run[][]): AdfInline[] {
  return lines.flatMap((runs, index) => [
    ...(index > 0 ? [{ type: 'hardBreak' as const }] : []),
    ...runs.map((run) => (run.marks.length > 0 ? { type: 'text' as const, text: run.text, marks: run.marks } : { type: 'text' as const, text: run.text })),
  ]);
}

const paragraph: fc.Arbitrary<AdfParagraph> = fc
  .array(line, { minLength: 1, maxLength: 3 })
  .map((lines) => ({ type: 'paragraph', content: inline(lines) }));

const codeLine = fc.oneof(
  fc.string({ unit: fc.constantFrom(...'ab `-#>*_\\ \t'.split('')), maxLength: 10 }),
  fc.constantFrom('```', '````', '', '  ', '- item', '# not a heading', '> not a quote'),
).filter((text) => !/^[ >]+`{3,}[ \t]*$/.test(text) && !/^`{3,}[ \t]+$/.test(text));
const codeBlock: fc.Arbitrary<AdfCodeBlock> = fc
  .record({
    language: fc.option(fc.constantFrom('js', 'c++', 'objective-c', 'sh', 'C#'), { nil: undefined }),
    lines: fc.array(codeLine, { maxLength: 4 }),
  })
  .map(({ language, lines }) => {
    const block: AdfCodeBlock = { type: 'codeBlock' };
    if (language) block.attrs = { language };
    const text = lines.join('\n');
    if (lines.length > 0 && text !== '') block.content = [{ type: 'text', text }];
    return block;
  });

const { listBlock } = fc.letrec<{ listBlock: AdfBlock; item: AdfListItem }>((tie) => ({
  listBlock: fc.oneof(
    fc.array(tie('item'), { minLength: 1, maxLength: 3 }).map((items): AdfBlock => ({ type: 'bulletList', content: items })),
    fc
      .tuple(fc.integer({ min: 0, max: 12 }), fc.array(tie('item'), { minLength: 1, maxLength: 3 }))
      .map(([order, items]): AdfBlock => ({ type: 'orderedList', attrs: { order }, content: items })),
  ),
  item: fc
    .tuple(
      fc.oneof({ depthSize: 'small', withCrossShrink: true }, paragraph, codeBlock, fc.constant(null)),
      fc.array(fc.oneof({ maxDepth: 2 }, paragraph, codeBlock, tie('listBlock')), { maxLength: 2 }),
    )
    .map(([first, rest]): AdfListItem => {
      const children = rest as AdfListItemChild[];
      if (first !== null) return { type: 'listItem', content: [first, ...children] };
      // An empty first paragraph only stands before a nested list.
      const nestedList = children.findIndex((child) => child.type === 'bulletList' || child.type === 'orderedList');
      const tail = nestedList === 0 ? children : [];
      return { type: 'listItem', content: [{ type: 'paragraph' }, ...tail] };
    }),
}));

const quoteChild: fc.Arbitrary<AdfBlockquoteChild> = fc.oneof(paragraph, codeBlock, listBlock as fc.Arbitrary<AdfBlockquoteChild>);
const block: fc.Arbitrary<AdfBlock> = fc.oneof(
  paragraph,
  codeBlock,
  listBlock,
  fc.constant<AdfBlock>({ type: 'rule' }),
  fc.tuple(fc.integer({ min: 1, max: 6 }), fc.option(line, { nil: null })).map(([level, runs]): AdfBlock =>
    runs ? { type: 'heading', attrs: { level: level as 1 }, content: inline([runs]) } : { type: 'heading', attrs: { level: level as 1 } },
  ),
  fc.array(quoteChild, { minLength: 1, maxLength: 3 }).map((content): AdfBlock => ({ type: 'blockquote', content })),
);
export const canonicalDocument: fc.Arbitrary<AdfDocument> = fc
  .array(block, { maxLength: 5 })
  .map((content) => ({ version: 1, type: 'doc', content }));

