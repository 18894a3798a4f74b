import { compareStages, type StageKey } from './stage-order';

describe('stage order', () => {
  it('sorts by sequence, name, then id, with no stage last — whatever order the rows came in', () => {
    const stages: StageKey[] = [
      { value: null, label: 'None', sequence: null },
      { value: '01934d6e-0000-7000-8000-00000000000b', label: 'New', sequence: 1 },
      { value: '01934d6e-0000-7000-8000-000000000003', label: 'Qualified', sequence: 2 },
      { value: '01934d6e-0000-7000-8000-00000000000a', label: 'New', sequence: 1 },
      { value: '01934d6e-0000-7000-8000-000000000004', label: 'Archive', sequence: null },
      { value: '01934d6e-0000-7000-8000-000000000005', label: 'Follow Up 1', sequence: 2 },
    ];
    const expected = ['New/a', 'New/b', 'Follow Up 1/5', 'Qualified/3', 'Archive/4', 'None/-'];
    const name = (s: StageKey) => `${s.label}/${s.value?.slice(-1) ?? '-'}`;
    expect([...stages].sort(compareStages).map(name)).toEqual(expected);
    expect([...stages].reverse().sort(compareStages).map(name)).toEqual(expected);
  });
});
