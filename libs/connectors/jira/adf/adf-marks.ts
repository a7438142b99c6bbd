// One order for the marks on a text node, so that documents compare equal whatever order Jira or the
// parser produced them in.
import { AdfMark } from './adf-document';

const MARK_ORDER: Record<AdfMark['type'], number> = { link: 0, strong: 1, em: 2, code: 3 };

export function sortMarks(marks: AdfMark[]): AdfMark[] {
  return [...marks].sort((a, b) => MARK_ORDER[a.type] - MARK_ORDER[b.type]);
}

export function hasMark(marks: readonly AdfMark[], type: AdfMark['type']): boolean {
  return marks.some((mark) => mark.type === type);
}

export function linkHref(marks: readonly AdfMark[]): string | null {
  const link = marks.find((mark) => mark.type === 'link');
  return link && link.type === 'link' ? link.attrs.href : null;
}
