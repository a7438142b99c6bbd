// ADF (anything Jira sends) to canonical Custodian text. Nodes outside the subset degrade to readable text
// (see canonical-adf.ts); nothing here throws.
import { AdfBlock, AdfInline, AdfListItem } from './adf-document';
import { toCanonicalAdf } from './canonical-adf';
import { BlockContainer } from './custodian-text-syntax';
import { InlineRun } from './inline-parser';
import { writeInlineLine } from './inline-writer';
import { textToAdf } from './text-to-adf';

/** A string (what Jira's v2 API and some fields return) is read as Custodian text. */
export function adfToText(doc: unknown): string {
  const canonical = typeof doc === 'string' ? textToAdf(doc) : toCanonicalAdf(doc);
  return writeBlocks(canonical.content, 'document').join('\n');
}

function isList(block: AdfBlock): boolean {
  return block.type === 'bulletList' || block.type === 'orderedList';
}

function writeBlocks(blocks: AdfBlock[], container: BlockContainer): string[] {
  const lines: string[] = [];
  blocks.forEach((block, index) => {
    if (index > 0) {
      // Inside a list item a nested list or code block follows directly; two lists of one kind need the
      // blank line that keeps them apart.
      const previous = blocks[index - 1];
      const follows = container === 'listItem' && (block.type === 'codeBlock' || (isList(block) && previous.type !== block.type));
      if (!follows) lines.push('');
    }
    lines.push(...writeBlock(block, container));
  });
  return lines;
}

function writeBlock(block: AdfBlock, container: BlockContainer): string[] {
  switch (block.type) {
    case 'paragraph':
      return block.content ? inlineLines(block.content).map((runs) => writeInlineLine(runs, container)) : [''];
    case 'heading': {
      const hashes = '#'.repeat(block.attrs.level);
      return [block.content ? `${hashes} ${inlineLines(block.content).map((runs) => writeInlineLine(runs, null)).join(' ')}` : hashes];
    }
    case 'codeBlock': {
      const code = block.content?.[0]?.text;
      const lines = code === undefined ? [] : code.split('\n');
      // A fence closes on a line of at least as many backticks, so it must be longer than any such line.
      const longest = Math.max(2, ...lines.map((line) => /^(`{3,})[ \t]*$/.exec(line)?.[1].length ?? 0));
      const fence = '`'.repeat(longest + 1);
      return [`${fence}${block.attrs?.language ?? ''}`, ...lines, fence];
    }
    case 'rule':
      return ['---'];
    case 'bulletList':
      return block.content.flatMap((item) => writeItem(item, '- '));
    case 'orderedList':
      return block.content.flatMap((item, index) => writeItem(item, `${block.attrs.order + index}. `));
    case 'blockquote':
      return writeBlocks(block.content, 'blockquote').map((line) => (line === '' ? '>' : `> ${line}`));
  }
}

function writeItem(item: AdfListItem, marker: string): string[] {
  const [first, ...rest] = writeBlocks(item.content, 'listItem');
  const indent = ' '.repeat(marker.length);
  return [first === '' ? marker.trimEnd() : `${marker}${first}`, ...rest.map((line) => (line === '' ? '' : `${indent}${line}`))];
}

function inlineLines(content: AdfInline[]): InlineRun[][] {
  const lines: InlineRun[][] = [[]];
  for (const node of content) {
    if (node.type === 'hardBreak') lines.push([]);
    else lines[lines.length - 1].push({ text: node.text, marks: node.marks ?? [] });
  }
  return lines;
}
