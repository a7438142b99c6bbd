import { seedUsers, type SimulatedUser } from '../fakes/google/simulated-workspace';

/**
 * `count` ordinary Workspace users user0001@domain, user0002@domain, ...; every second one (the even numbers)
 * suspended by an admin, for unlocks. Tests that judge Google's record user by user give each request its own.
 */
export function numberedUsers(domain: string, count: number): SimulatedUser[] {
  const template = seedUsers(domain).find((user) => user.primaryEmail.startsWith('jane@'))!;
  return Array.from({ length: count }, (_, index) => {
    const local = numberedUserLocalPart(index);
    const suspended = index % 2 === 1;
    return {
      ...template,
      id: `2${String(index + 1).padStart(20, '0')}`,
      primaryEmail: `${local}@${domain}`,
      name: { givenName: local, familyName: 'Numbered', fullName: `${local} Numbered` },
      suspended,
      ...(suspended ? { suspensionReason: 'ADMIN' } : {}),
      tokens: [],
      asps: [],
    };
  });
}

/** The index'th numbered user's email: odd indexes are suspended. */
export function numberedUserEmail(domain: string, index: number): string {
  return `${numberedUserLocalPart(index)}@${domain}`;
}

function numberedUserLocalPart(index: number): string {
  return `user${String(index + 1).padStart(4, '0')}`;
}
