import { badInput } from '@crm/graphql';

/**
 * Where the dealer's follow-up values live (seed 002): keys of the opportunity's `properties`
 * and stage names, configurable because each dealer (and the pipeline's configurable fields)
 * names them its own way.
 */
export interface FollowUpConfig {
  /** Property holding the customer status of the last contact attempt. */
  customerStatusKey: string;
  /** Its values, as shown (matched case-insensitively). */
  customerStatuses: string[];
  /** Which of them count as "reached". */
  reachedStatuses: string[];
  /** Follow-up steps: done when the date property is set or the record has been in the stage. */
  steps: { name: string; dateKey: string | null; stageName: string | null }[];
  /** Property with the reason a customer did not come for service. */
  notServicedReasonKey: string;
  /** Property with the prospect rating (HOT / MEDIUM / COLD PROSPECT). */
  prospectStatusKey: string;
  /** Property columns of the "Laporan CRM" export, in order. */
  exportColumns: { key: string; label: string }[];
}

export const DEFAULT_FOLLOW_UP_CONFIG: FollowUpConfig = {
  customerStatusKey: 'statusCustomer',
  customerStatuses: ['Terhubung', 'Tidak terhubung', 'Rejected'],
  reachedStatuses: ['Terhubung'],
  steps: [
    { name: 'Follow Up 1', dateKey: 'followUp1Date', stageName: 'Follow Up 1' },
    { name: 'Follow Up 2', dateKey: 'followUp2Date', stageName: 'Follow Up 2' },
    { name: 'Follow Up 3', dateKey: 'followUp3Date', stageName: 'Follow Up 3' },
  ],
  notServicedReasonKey: 'reasonNotServiced',
  prospectStatusKey: 'opportunityStatus',
  exportColumns: [
    { key: 'statusCustomer', label: 'Status Customer' },
    { key: 'opportunityStatus', label: 'Opportunity Status' },
    { key: 'followUp1Date', label: 'Follow Up 1' },
    { key: 'nextPlanFollowUp2Date', label: 'Next Plan Follow Up 2' },
    { key: 'followUp2Date', label: 'Follow Up 2' },
    { key: 'nextPlanFollowUp3Date', label: 'Next Plan Follow Up 3' },
    { key: 'followUp3Date', label: 'Follow Up 3' },
    { key: 'kpbNumber', label: 'KPB Ke' },
    { key: 'engineNumber', label: 'Engine No' },
    { key: 'reasonNotServiced', label: 'Alasan Belum Servis' },
  ],
};

const KEY = /^[A-Za-z_][A-Za-z0-9_.-]{0,63}$/;

function key(value: unknown, field: string): string {
  if (typeof value !== 'string' || !KEY.test(value)) throw badInput(field, 'a property key: letters, digits, _ . - (up to 64)');
  return value;
}

function text(value: unknown, field: string): string {
  if (typeof value !== 'string' || value.trim().length === 0 || value.length > 100) throw badInput(field, 'a non-empty name (up to 100 characters)');
  return value.trim();
}

/** Validates a (partial) configuration over the current one; BAD_USER_INPUT names the field. */
export function mergeFollowUpConfig(current: FollowUpConfig, input: Partial<FollowUpConfig>): FollowUpConfig {
  const next: FollowUpConfig = { ...current };
  if (input.customerStatusKey !== undefined && input.customerStatusKey !== null) next.customerStatusKey = key(input.customerStatusKey, 'input.customerStatusKey');
  if (input.customerStatuses != null) {
    if (input.customerStatuses.length === 0 || input.customerStatuses.length > 20) throw badInput('input.customerStatuses', '1 to 20 statuses');
    next.customerStatuses = input.customerStatuses.map((s, i) => text(s, `input.customerStatuses.${i}`));
  }
  if (input.reachedStatuses != null) next.reachedStatuses = input.reachedStatuses.map((s, i) => text(s, `input.reachedStatuses.${i}`));
  const known = new Set(next.customerStatuses.map((s) => s.toLowerCase()));
  const stray = next.reachedStatuses.find((s) => !known.has(s.toLowerCase()));
  if (stray !== undefined) throw badInput('input.reachedStatuses', `"${stray}" is not one of the customer statuses`);
  if (input.steps != null) {
    if (input.steps.length === 0 || input.steps.length > 10) throw badInput('input.steps', '1 to 10 steps');
    next.steps = input.steps.map((s, i) => {
      const step = {
        name: text(s.name, `input.steps.${i}.name`),
        dateKey: s.dateKey == null ? null : key(s.dateKey, `input.steps.${i}.dateKey`),
        stageName: s.stageName == null ? null : text(s.stageName, `input.steps.${i}.stageName`),
      };
      if (!step.dateKey && !step.stageName) throw badInput(`input.steps.${i}`, 'a step needs a date property or a stage name');
      return step;
    });
  }
  if (input.notServicedReasonKey != null) next.notServicedReasonKey = key(input.notServicedReasonKey, 'input.notServicedReasonKey');
  if (input.prospectStatusKey != null) next.prospectStatusKey = key(input.prospectStatusKey, 'input.prospectStatusKey');
  if (input.exportColumns != null) {
    if (input.exportColumns.length > 40) throw badInput('input.exportColumns', 'at most 40 columns');
    next.exportColumns = input.exportColumns.map((c, i) => ({ key: key(c.key, `input.exportColumns.${i}.key`), label: text(c.label, `input.exportColumns.${i}.label`) }));
  }
  return next;
}

export const NOT_FOLLOWED_UP = 'Not followed up';
export const NO_REASON = 'No reason given';
