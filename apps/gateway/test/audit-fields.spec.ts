import { readFileSync } from 'node:fs';
import { Kind, parse, type ObjectTypeDefinitionNode } from 'graphql';
import { SUPERGRAPH_PATH } from '../src/subgraphs';

/**
 * Issue 8 / DESIGN: every aggregate has createdAt/By and updatedAt/By. An aggregate is a type
 * with a `version` (optimistic locking); the few that are not created by anyone say why.
 */
const EXCEPTIONS: Record<string, { missing: string[]; why: string }> = {
  BranchRoleAssignment: { missing: ['createdAt', 'createdBy'], why: 'an assignment is replaced, not created: who set it and when' },
  FollowUpConfig: { missing: ['createdAt', 'createdBy'], why: 'one settings row (the defaults until an administrator changes it)' },
  ReportedContact: { missing: ['createdBy', 'updatedBy'], why: "reporting's read-model copy; the contact itself carries them" },
  SnapshotCard: { missing: ['createdAt', 'createdBy', 'updatedAt', 'updatedBy'], why: 'a card of a past board, as it stood' },
};

describe('audit fields', () => {
  it('every versioned type of the supergraph has createdAt, createdBy, updatedAt and updatedBy', () => {
    const types = parse(readFileSync(SUPERGRAPH_PATH, 'utf8')).definitions.filter(
      (d): d is ObjectTypeDefinitionNode => d.kind === Kind.OBJECT_TYPE_DEFINITION,
    );
    const versioned = types.filter((t) => t.fields?.some((f) => f.name.value === 'version'));
    expect(versioned.length).toBeGreaterThan(20);
    const missing = versioned
      .map((t) => {
        const fields = new Set(t.fields!.map((f) => f.name.value));
        const absent = ['createdAt', 'createdBy', 'updatedAt', 'updatedBy'].filter((f) => !fields.has(f));
        return { type: t.name.value, absent };
      })
      .filter(({ type, absent }) => absent.join() !== (EXCEPTIONS[type]?.missing ?? []).join());
    expect(missing).toEqual([]);
  });
});
