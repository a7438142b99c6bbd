/**
 * The fixed vocabulary of the simulated site: Jira's default software workflow (To Do, In Progress, Done, every
 * transition global), the five default priorities and three issue types, with Jira's ids.
 */
export interface CatalogStatus {
  id: string;
  name: string;
  category: { id: number; key: 'new' | 'indeterminate' | 'done'; colorName: string; name: string };
  /** The id of the global transition that leads to this status. */
  transitionId: string;
}

export const STATUSES: readonly CatalogStatus[] = [
  { id: '10000', name: 'To Do', category: { id: 2, key: 'new', colorName: 'blue-gray', name: 'To Do' }, transitionId: '11' },
  { id: '3', name: 'In Progress', category: { id: 4, key: 'indeterminate', colorName: 'yellow', name: 'In Progress' }, transitionId: '21' },
  { id: '10001', name: 'Done', category: { id: 3, key: 'done', colorName: 'green', name: 'Done' }, transitionId: '31' },
];

export const PRIORITIES: readonly { id: string; name: string }[] = [
  { id: '1', name: 'Highest' },
  { id: '2', name: 'High' },
  { id: '3', name: 'Medium' },
  { id: '4', name: 'Low' },
  { id: '5', name: 'Lowest' },
];

export const ISSUE_TYPES: readonly { id: string; name: string }[] = [
  { id: '10001', name: 'Task' },
  { id: '10002', name: 'Bug' },
  { id: '10003', name: 'Story' },
];

/** Finds a catalogue entry the way Jira's REST API accepts references: { id } or { name }. */
export function byReference<T extends { id: string; name: string }>(entries: readonly T[], reference: unknown): T | undefined {
  if (typeof reference !== 'object' || reference === null) return undefined;
  const { id, name } = reference as { id?: unknown; name?: unknown };
  if (id !== undefined) return entries.find((entry) => entry.id === String(id));
  if (typeof name === 'string') return entries.find((entry) => entry.name.toLowerCase() === name.toLowerCase());
  return undefined;
}
