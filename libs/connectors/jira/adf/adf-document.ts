// The part of Atlassian Document Format (ADF, version 1) that Custodian writes to Jira and reads back
// losslessly. Shapes follow Atlassian's ADF structure reference and JSON schema
// (developer.atlassian.com/cloud/jira/platform/apis/document/structure, go.atlassian.com/adf-json-schema):
// every node has `type`; block containers carry `content`; `attrs` and `marks` are optional where the
// schema makes them optional. Jira sends many more node types (mention, emoji, inlineCard, table, panel,
// mediaSingle, ...); adfToText reads those too, degrading them to readable text.

export interface AdfLinkMark {
  type: 'link';
  attrs: { href: string };
}
export interface AdfCodeMark {
  type: 'code';
}
export interface AdfStrongMark {
  type: 'strong';
}
export interface AdfEmMark {
  type: 'em';
}
/** The code mark combines only with link (ADF's CodeTextMark rule); strong and em combine freely with link. */
export type AdfMark = AdfLinkMark | AdfCodeMark | AdfStrongMark | AdfEmMark;

export interface AdfText {
  type: 'text';
  /** Never empty and never contains a line break (line breaks are hardBreak nodes). */
  text: string;
  marks?: AdfMark[];
}
export interface AdfHardBreak {
  type: 'hardBreak';
}
export type AdfInline = AdfText | AdfHardBreak;

export interface AdfParagraph {
  type: 'paragraph';
  content?: AdfInline[];
}
export interface AdfHeading {
  type: 'heading';
  attrs: { level: 1 | 2 | 3 | 4 | 5 | 6 };
  content?: AdfInline[];
}
export interface AdfCodeBlock {
  type: 'codeBlock';
  attrs?: { language: string };
  /** At most one unmarked text node; lines are joined with "\n" inside it. */
  content?: AdfText[];
}
export interface AdfRule {
  type: 'rule';
}
/** ADF lets a listItem start with a paragraph or a codeBlock; nested lists come after it. */
export type AdfListItemChild = AdfParagraph | AdfCodeBlock | AdfBulletList | AdfOrderedList;
export interface AdfListItem {
  type: 'listItem';
  content: AdfListItemChild[];
}
export interface AdfBulletList {
  type: 'bulletList';
  content: AdfListItem[];
}
export interface AdfOrderedList {
  type: 'orderedList';
  /** The number of the first item (>= 0). Custodian always writes it. */
  attrs: { order: number };
  content: AdfListItem[];
}
/** ADF blockquotes hold paragraphs, lists and code blocks (no headings, rules or nested quotes). */
export type AdfBlockquoteChild = AdfParagraph | AdfCodeBlock | AdfBulletList | AdfOrderedList;
export interface AdfBlockquote {
  type: 'blockquote';
  content: AdfBlockquoteChild[];
}
export type AdfBlock =
  | AdfParagraph
  | AdfHeading
  | AdfCodeBlock
  | AdfRule
  | AdfBulletList
  | AdfOrderedList
  | AdfBlockquote;

export interface AdfDocument {
  version: 1;
  type: 'doc';
  content: AdfBlock[];
}
