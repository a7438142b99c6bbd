// Reads any ADF that Jira sends (or any JSON at all) into the canonical subset Custodian text can write,
// without throwing. Nodes outside the subset degrade to readable text: a mention to "@Name", an emoji to
// its text, a card to its link, a table to one "cell | cell" paragraph per row, a panel to a quote with its
// kind as a label, media to "[attachment: name]", a task to "[ ] " or "[x] " before its text. The
// canonical form is also what textToAdf produces, so canonical documents survive text and back unchanged.
import {
  AdfBlock,
  AdfBlockquoteChild,
  AdfCodeBlock,
  AdfDocument,
  AdfHeading,
  AdfListItem,
  AdfListItemChild,
  AdfMark,
  AdfParagraph,
} from './adf-document';
import {
  InlinePiece,
  canonicalLine,
  isWritableHref,
  linesToInline,
  piecesToLines,
  supportedMarks,
} from './canonical-inline';
import { BlockContainer, CODE_LANGUAGE_PATTERN, MAX_LIST_NESTING } from './custodian-text-syntax';

interface RawNode {
  type?: unknown;
  text?: unknown;
  attrs?: Record<string, unknown>;
  marks?: unknown;
  content?: unknown;
}

/**
 * Deeper nesting than this is not read (a document is data from outside; recursion must stay bounded).
 * Each list level takes two (list, item), so text's deepest lists fit.
 */
const MAX_DEPTH = 2 * MAX_LIST_NESTING + 16;
const MAX_LIST_NUMBER = 999_999_999;

const INLINE_TYPES = new Set([
  'text', 'hardBreak', 'mention', 'emoji', 'inlineCard', 'date', 'status', 'placeholder', 'mediaInline',
  'inlineExtension',
]);

const PANEL_LABELS = new Map([
  ['info', 'Info'],
  ['note', 'Note'],
  ['warning', 'Warning'],
  ['error', 'Error'],
  ['success', 'Success'],
  ['tip', 'Tip'],
]);

export function toCanonicalAdf(input: unknown): AdfDocument {
  const root = asNode(input);
  const children = root === null ? [] : root.type === 'doc' ? childrenOf(root) : [root];
  return { version: 1, type: 'doc', content: canonicalBlocks(children, 'document', 0) };
}

function asNode(value: unknown): RawNode | null {
  return typeof value === 'object' && value !== null && !Array.isArray(value) ? (value as RawNode) : null;
}

function childrenOf(node: RawNode): RawNode[] {
  return Array.isArray(node.content) ? node.content.map(asNode).filter((child): child is RawNode => child !== null) : [];
}

function attr(node: RawNode, name: string): unknown {
  return typeof node.attrs === 'object' && node.attrs !== null ? node.attrs[name] : undefined;
}

function stringAttr(node: RawNode, name: string): string | null {
  const value = attr(node, name);
  return typeof value === 'string' && value !== '' ? value : null;
}

function isInline(node: RawNode): boolean {
  return typeof node.type === 'string' && INLINE_TYPES.has(node.type);
}

/** Blocks in a container: the document holds every block type; list items and quotes only some. */
function canonicalBlocks(nodes: RawNode[], container: BlockContainer, depth: number): AdfBlock[] {
  const blocks: AdfBlock[] = [];
  let pendingInline: InlinePiece[] = [];
  const flushInline = () => {
    blocks.push(...paragraphs(pendingInline));
    pendingInline = [];
  };
  if (depth <= MAX_DEPTH) {
    for (const node of nodes) {
      if (isInline(node) || (typeof node.type !== 'string' && typeof node.text === 'string')) {
        pendingInline.push(...inlinePieces(node, [], depth + 1));
      } else {
        flushInline();
        blocks.push(...blockFor(node, container, depth + 1));
      }
    }
  }
  flushInline();
  return tidyContainer(blocks);
}

/** Drops empty paragraphs, and keeps a paragraph after a list from starting with whitespace. */
function tidyContainer(blocks: AdfBlock[]): AdfBlock[] {
  const tidy: AdfBlock[] = [];
  for (const block of blocks) {
    if (block.type === 'paragraph' && !block.content?.length) continue;
    const previous = tidy[tidy.length - 1];
    if (block.type === 'paragraph' && previous && (previous.type === 'bulletList' || previous.type === 'orderedList')) {
      tidy.push(...paragraphs(block.content ?? [], { trimStart: true }));
    } else {
      tidy.push(block);
    }
  }
  return tidy;
}

function blockFor(node: RawNode, container: BlockContainer, depth: number): AdfBlock[] {
  const inDocument = container === 'document';
  switch (node.type) {
    case 'paragraph':
      return paragraphs(inlineChildren(node, depth));
    case 'heading':
      return inDocument ? [heading(node, depth)] : paragraphs(inlineChildren(node, depth));
    case 'codeBlock':
      return [codeBlock(node)];
    case 'rule':
      return inDocument ? [{ type: 'rule' }] : [];
    case 'bulletList':
    case 'orderedList':
    case 'taskList':
    case 'decisionList':
      return list(node, depth);
    case 'blockquote':
      return inDocument ? [quote(childrenOf(node), null, depth)] : canonicalBlocks(childrenOf(node), container, depth);
    case 'panel': {
      const kind = stringAttr(node, 'panelType');
      const label = kind ? PANEL_LABELS.get(kind) ?? null : null;
      if (inDocument) return [quote(childrenOf(node), label, depth)];
      return [...labelParagraph(label), ...canonicalBlocks(childrenOf(node), container, depth)];
    }
    case 'expand':
    case 'nestedExpand':
      return [...labelParagraph(stringAttr(node, 'title')), ...canonicalBlocks(childrenOf(node), container, depth)];
    case 'table':
      return childrenOf(node).flatMap((row) => paragraphs(tableRow(row, depth)));
    case 'mediaSingle':
    case 'mediaGroup':
      return childrenOf(node).flatMap((media) => paragraphs(inlinePieces(media, [], depth)));
    case 'media':
    case 'blockCard':
    case 'embedCard':
      return paragraphs(inlinePieces(node, [], depth));
    default:
      if (Array.isArray(node.content)) return canonicalBlocks(childrenOf(node), container, depth);
      return paragraphs(inlinePieces(node, [], depth));
  }
}

function labelParagraph(label: string | null): AdfParagraph[] {
  return label ? paragraphs([{ text: label, marks: [{ type: 'strong' }] }]) : [];
}

/** Paragraphs from inline pieces: an empty line inside starts a new paragraph, as it does in text. */
function paragraphs(pieces: InlinePiece[] | AdfParagraph['content'], options = { trimStart: false }): AdfParagraph[] {
  const asPieces: InlinePiece[] = (pieces ?? []).map((piece) =>
    'type' in piece ? (piece.type === 'hardBreak' ? { hardBreak: true as const } : { text: piece.text, marks: piece.marks ?? [] }) : piece,
  );
  const result: AdfParagraph[] = [];
  let current: ReturnType<typeof canonicalLine>[] = [];
  const flush = () => {
    if (current.length > 0) result.push({ type: 'paragraph', content: linesToInline(current) });
    current = [];
  };
  for (const line of piecesToLines(asPieces)) {
    const canonical = canonicalLine(line, { trimStart: options.trimStart && result.length === 0 && current.length === 0 });
    if (canonical.length === 0) flush();
    else current.push(canonical);
  }
  flush();
  return result;
}

function heading(node: RawNode, depth: number): AdfHeading {
  const rawLevel = attr(node, 'level');
  const level = (typeof rawLevel === 'number' && Number.isInteger(rawLevel) && rawLevel >= 1 && rawLevel <= 6 ? rawLevel : 1) as AdfHeading['attrs']['level'];
  const pieces = inlineChildren(node, depth).map((piece) => ('hardBreak' in piece ? { text: ' ', marks: [] } : piece));
  const line = canonicalLine(piecesToLines(pieces).flatMap((part, index) => (index > 0 ? [{ text: ' ', marks: [] }, ...part] : part)), { trimStart: true });
  return line.length > 0 ? { type: 'heading', attrs: { level }, content: linesToInline([line]) } : { type: 'heading', attrs: { level } };
}

function codeBlock(node: RawNode): AdfCodeBlock {
  const text = childrenOf(node)
    .map((child) => (typeof child.text === 'string' ? child.text : ''))
    .join('')
    .replace(/\r\n?/g, '\n');
  const language = stringAttr(node, 'language');
  const block: AdfCodeBlock = { type: 'codeBlock' };
  if (language !== null && CODE_LANGUAGE_PATTERN.test(language)) block.attrs = { language };
  if (text !== '') block.content = [{ type: 'text', text }];
  return block;
}

function quote(children: RawNode[], label: string | null, depth: number): AdfBlock {
  const content = [...labelParagraph(label), ...(canonicalBlocks(children, 'blockquote', depth) as AdfBlockquoteChild[])];
  return { type: 'blockquote', content: content.length > 0 ? (content as AdfBlockquoteChild[]) : [{ type: 'paragraph' }] };
}

function list(node: RawNode, depth: number): AdfBlock[] {
  const items: AdfListItem[] = [];
  for (const child of childrenOf(node)) {
    if (child.type === 'taskList' || child.type === 'decisionList') {
      // ADF nests a task list directly in a task list; in text it becomes part of the previous item.
      const previous = items[items.length - 1];
      const nested = depth < MAX_DEPTH ? list(child, depth + 1) : [];
      if (previous) previous.content.push(...(nested as AdfListItemChild[]));
      else items.push(...nested.flatMap((block) => ('content' in block && block.type !== 'blockquote' ? (block.content as AdfListItem[]) : [])));
      continue;
    }
    items.push(listItem(child, depth));
  }
  if (items.length === 0) return [];
  if (node.type !== 'orderedList') return [{ type: 'bulletList', content: items }];
  const rawOrder = attr(node, 'order');
  const order = typeof rawOrder === 'number' && Number.isInteger(rawOrder) && rawOrder >= 0 && rawOrder + items.length - 1 <= MAX_LIST_NUMBER ? rawOrder : 1;
  return [{ type: 'orderedList', attrs: { order }, content: items }];
}

function listItem(node: RawNode, depth: number): AdfListItem {
  let content: AdfListItemChild[];
  if (node.type === 'taskItem' || node.type === 'decisionItem') {
    const done = stringAttr(node, 'state') === 'DONE';
    const prefix: InlinePiece[] = node.type === 'taskItem' ? [{ text: done ? '[x] ' : '[ ] ', marks: [] }] : [];
    content = paragraphs([...prefix, ...inlineChildren(node, depth)]);
  } else if (node.type === 'listItem') {
    content = canonicalBlocks(childrenOf(node), 'listItem', depth) as AdfListItemChild[];
  } else {
    content = canonicalBlocks([node], 'listItem', depth) as AdfListItemChild[];
  }
  const first = content[0];
  if (!first || (first.type !== 'paragraph' && first.type !== 'codeBlock')) content = [{ type: 'paragraph' }, ...content];
  return { type: 'listItem', content };
}

function tableRow(row: RawNode, depth: number): InlinePiece[] {
  const cells = row.type === 'tableRow' ? childrenOf(row) : [row];
  const pieces: InlinePiece[] = [];
  cells.forEach((cell, index) => {
    if (index > 0) pieces.push({ text: ' | ', marks: [] });
    pieces.push(...flattenedText(cell, depth));
  });
  return pieces;
}

/** All the text under a node on one line: blocks and line breaks become spaces. */
function flattenedText(node: RawNode, depth: number): InlinePiece[] {
  if (depth > MAX_DEPTH) return [];
  if (isInline(node)) return inlinePieces(node, [], depth).map((piece) => ('hardBreak' in piece ? { text: ' ', marks: [] } : piece));
  if (node.type === 'codeBlock') {
    const code = codeBlock(node).content?.[0]?.text.replace(/\n/g, ' ');
    return code ? [{ text: code, marks: [{ type: 'code' }] }] : [];
  }
  const parts = childrenOf(node).map((child) => flattenedText(child, depth + 1)).filter((part) => part.length > 0);
  return parts.flatMap((part, index) => (index > 0 ? [{ text: ' ', marks: [] }, ...part] : part));
}

function inlineChildren(node: RawNode, depth: number): InlinePiece[] {
  return childrenOf(node).flatMap((child) => inlinePieces(child, [], depth + 1));
}

function inlinePieces(node: RawNode, outerMarks: AdfMark[], depth: number): InlinePiece[] {
  if (depth > MAX_DEPTH) return [];
  const text = (value: string | null, marks: AdfMark[] = []): InlinePiece[] => (value ? [{ text: value, marks }] : []);
  switch (node.type) {
    case 'text':
      return typeof node.text === 'string' ? text(node.text, [...outerMarks, ...supportedMarks(node.marks)]) : [];
    case 'hardBreak':
      return [{ hardBreak: true }];
    case 'mention': {
      const name = stringAttr(node, 'text') ?? stringAttr(node, 'id');
      return text(name === null ? '@unknown' : name.startsWith('@') ? name : `@${name}`);
    }
    case 'emoji':
      return text(stringAttr(node, 'text') ?? stringAttr(node, 'shortName'));
    case 'inlineCard':
    case 'blockCard':
    case 'embedCard': {
      const url = stringAttr(node, 'url');
      return url === null ? [] : text(url, isWritableHref(url) ? [{ type: 'link', attrs: { href: url } }] : []);
    }
    case 'date': {
      const timestamp = Number(attr(node, 'timestamp'));
      return Number.isFinite(timestamp) && Math.abs(timestamp) < 8.64e15 ? text(new Date(timestamp).toISOString().slice(0, 10)) : [];
    }
    case 'status':
      return text(stringAttr(node, 'text'));
    case 'placeholder':
      return text(stringAttr(node, 'text'));
    case 'media':
    case 'mediaInline': {
      const name = stringAttr(node, 'alt') ?? stringAttr(node, '__fileName');
      return text(name ? `[attachment: ${name}]` : '[attachment]');
    }
    default:
      if (Array.isArray(node.content)) {
        const parts = childrenOf(node).map((child) => inlinePieces(child, outerMarks, depth + 1));
        return parts.flatMap((part, index) => (index > 0 && !isInline(childrenOf(node)[index]) ? [{ text: ' ', marks: [] }, ...part] : part));
      }
      return text(stringAttr(node, 'text') ?? (typeof node.text === 'string' ? node.text : null), outerMarks);
  }
}
