// Custodian text (the subset defined in custodian-text-syntax.ts) to ADF.
import { AdfBlock, AdfCodeBlock, AdfDocument, AdfInline, AdfListItem } from './adf-document';
import { toCanonicalAdf } from './canonical-adf';
import {
  BlockContainer,
  isBlankLine,
  isFenceClosing,
  isQuoteLine,
  isRuleLine,
  leadingSpaces,
  matchFenceOpening,
  matchHeading,
  matchListMarker,
  startsNonParagraphBlock,
  stripQuoteMarker,
} from './custodian-text-syntax';
import { parseInlineLine } from './inline-parser';

export function textToAdf(text: string): AdfDocument {
  const lines = text.replace(/\r\n?/g, '\n').split('\n');
  return toCanonicalAdf({ version: 1, type: 'doc', content: parseBlocks(lines, 'document') });
}

function parseBlocks(lines: string[], container: BlockContainer): AdfBlock[] {
  const blocks: AdfBlock[] = [];
  let index = 0;
  while (index < lines.length) {
    const line = lines[index];
    if (isBlankLine(line)) {
      index += 1;
      continue;
    }
    const fence = matchFenceOpening(line);
    if (fence) {
      let close = index + 1;
      while (close < lines.length && !isFenceClosing(lines[close], fence.fence)) close += 1;
      const code = lines.slice(index + 1, close).join('\n');
      const block: AdfCodeBlock = { type: 'codeBlock' };
      if (fence.language) block.attrs = { language: fence.language };
      if (close > index + 1) block.content = [{ type: 'text', text: code }];
      blocks.push(block);
      index = close + 1;
      continue;
    }
    if (container === 'document') {
      const heading = matchHeading(line.trimEnd());
      if (heading) {
        blocks.push({ type: 'heading', attrs: { level: heading.level as 1 }, content: inlineLines([heading.text]) });
        index += 1;
        continue;
      }
      if (isRuleLine(line)) {
        blocks.push({ type: 'rule' });
        index += 1;
        continue;
      }
      if (isQuoteLine(line)) {
        const quoted: string[] = [];
        while (index < lines.length && isQuoteLine(lines[index])) quoted.push(stripQuoteMarker(lines[index++]));
        blocks.push({ type: 'blockquote', content: parseBlocks(quoted, 'blockquote') as never });
        continue;
      }
    }
    if (matchListMarker(line)) {
      index = parseList(lines, index, blocks);
      continue;
    }
    const paragraph = [line];
    index += 1;
    while (index < lines.length && !isBlankLine(lines[index]) && !startsNonParagraphBlock(lines[index], container)) {
      paragraph.push(lines[index++]);
    }
    blocks.push({ type: 'paragraph', content: inlineLines(paragraph) });
  }
  return blocks;
}

/** Reads one list starting at index into blocks; returns the index of the first line after it. */
function parseList(lines: string[], start: number, blocks: AdfBlock[]): number {
  const first = matchListMarker(lines[start]);
  if (!first) return start;
  const items: AdfListItem[] = [];
  let index = start;
  while (index < lines.length) {
    const marker = matchListMarker(lines[index]);
    if (!marker || marker.kind !== first.kind) break;
    const itemLines = [marker.rest];
    index += 1;
    while (index < lines.length) {
      if (isBlankLine(lines[index])) {
        let next = index;
        while (next < lines.length && isBlankLine(lines[next])) next += 1;
        if (next === lines.length || leadingSpaces(lines[next]) < marker.width) break;
      } else if (leadingSpaces(lines[index]) < marker.width) {
        break;
      }
      itemLines.push(lines[index].slice(Math.min(marker.width, leadingSpaces(lines[index]))));
      index += 1;
    }
    items.push({ type: 'listItem', content: parseBlocks(itemLines, 'listItem') as AdfListItem['content'] });
    if (index < lines.length && isBlankLine(lines[index])) break;
  }
  blocks.push(first.kind === 'bullet' ? { type: 'bulletList', content: items } : { type: 'orderedList', attrs: { order: first.number }, content: items });
  return index;
}

function inlineLines(lines: string[]): AdfInline[] {
  const content: AdfInline[] = [];
  lines.forEach((line, index) => {
    if (index > 0) content.push({ type: 'hardBreak' });
    for (const run of parseInlineLine(line.trimEnd())) {
      content.push(run.marks.length > 0 ? { type: 'text', text: run.text, marks: run.marks } : { type: 'text', text: run.text });
    }
  });
  return content;
}
