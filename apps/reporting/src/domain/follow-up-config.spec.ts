import { DEFAULT_FOLLOW_UP_CONFIG, mergeFollowUpConfig, normalizeStatus } from './follow-up-config';

const error = (fn: () => unknown) => {
  try {
    fn();
  } catch (e) {
    return (e as { extensions?: Record<string, unknown> }).extensions;
  }
  return undefined;
};

describe('follow-up monitoring configuration', () => {
  it('changes only what is given', () => {
    const next = mergeFollowUpConfig(DEFAULT_FOLLOW_UP_CONFIG, { customerStatusKey: 'status_customer' });
    expect(next).toEqual({ ...DEFAULT_FOLLOW_UP_CONFIG, customerStatusKey: 'status_customer' });
  });

  it('checks keys, statuses and steps', () => {
    expect(error(() => mergeFollowUpConfig(DEFAULT_FOLLOW_UP_CONFIG, { customerStatusKey: "x'; drop" }))).toMatchObject({ field: 'input.customerStatusKey' });
    expect(error(() => mergeFollowUpConfig(DEFAULT_FOLLOW_UP_CONFIG, { reachedStatuses: ['Connected'] }))).toMatchObject({ field: 'input.reachedStatuses' });
    expect(error(() => mergeFollowUpConfig(DEFAULT_FOLLOW_UP_CONFIG, { steps: [{ name: 'FU', dateKey: null, stageName: null }] }))).toMatchObject({ field: 'input.steps.0' });
    expect(error(() => mergeFollowUpConfig(DEFAULT_FOLLOW_UP_CONFIG, { steps: [] }))).toMatchObject({ field: 'input.steps' });
    const stages = mergeFollowUpConfig(DEFAULT_FOLLOW_UP_CONFIG, { steps: [{ name: ' FU 1 ', dateKey: null, stageName: 'Follow Up 1' }] });
    expect(stages.steps).toEqual([{ name: 'FU 1', dateKey: null, stageName: 'Follow Up 1' }]);
  });

  it('compares statuses ignoring case, underscores and extra spaces (the template stores TIDAK_TERHUBUNG)', () => {
    expect(['TIDAK_TERHUBUNG', 'Tidak Terhubung', ' tidak  terhubung ', 'Tidak_ terhubung'].map(normalizeStatus)).toEqual(Array(4).fill('tidak terhubung'));
    expect(normalizeStatus('TERHUBUNG')).not.toBe(normalizeStatus('Tidak Terhubung'));
    // a reached status spelled as the stored value is one of the configured statuses
    expect(mergeFollowUpConfig(DEFAULT_FOLLOW_UP_CONFIG, { reachedStatuses: ['TERHUBUNG'] }).reachedStatuses).toEqual(['TERHUBUNG']);
  });
});
